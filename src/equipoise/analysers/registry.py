"""The one registry of analysers: built-ins register exactly like plugins.

Built-in dimensions are modules in this package that expose ``ANALYSER``; third-party packages add
analysers through the ``equipoise.analysers`` entry-point group (each entry point names an analyser
object or a zero-argument factory). Both load lazily, on the first lookup, never at import time.
Duplicate names are rejected.

>>> names()[:3]
['floor', 'agenda', 'responsiveness']
>>> get("floor").name
'floor'
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points

from ..errors import UsageError
from .base import Analyser

#: The eight dimensions of DESIGN §1, in the order they are reported.
BUILTIN_MODULES: tuple[str, ...] = (
    "floor", "agenda", "responsiveness", "directiveness", "partnership", "disclosure", "accommodation",
    "client_agency",
)
ENTRY_POINT_GROUP = "equipoise.analysers"

_registry: dict[str, Analyser] = {}
_loaded = False


def register(analyser: Analyser) -> Analyser:
    """Add an analyser; a second analyser with a name already taken is rejected."""
    if not isinstance(analyser, Analyser):
        raise UsageError(f"{analyser!r} is not an analyser: it needs name, version, requires, uses, "
                         "description, cannot_know, antisymmetric and analyse()")
    if analyser.name in _registry:
        raise UsageError(f"an analyser named {analyser.name!r} is already registered")
    unknown = (analyser.requires | analyser.uses) - _known_requirements()
    if unknown:
        raise UsageError(f"analyser {analyser.name!r} declares unknown requirement(s) {sorted(unknown)}; "
                         f"valid: {sorted(_known_requirements())}")
    _registry[analyser.name] = analyser
    return analyser


def _known_requirements() -> set[str]:
    from .base import REQUIREMENTS

    return set(REQUIREMENTS)


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_MODULES:
        register(import_module(f"{__package__}.{module}").ANALYSER)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        obj = entry.load()
        register(obj() if isinstance(obj, type) or not isinstance(obj, Analyser) else obj)


def names() -> list[str]:
    """Names of every registered analyser: the built-in dimensions first, then plugins."""
    _load()
    return list(_registry)


def get(name: str) -> Analyser:
    """The analyser called ``name``; an unknown name lists the valid ones."""
    _load()
    try:
        return _registry[name]
    except KeyError:
        raise UsageError(f"no analyser {name!r}. Available names: {', '.join(_registry)}") from None


def all_analysers() -> list[Analyser]:
    """Every registered analyser, in report order."""
    _load()
    return list(_registry.values())


def unregister(name: str) -> None:
    """Remove an analyser (for tests and plugin development)."""
    _load()
    _registry.pop(name, None)
