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

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

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
    """Add an analyser; a second analyser with a name already taken is rejected.

    The built-ins are loaded first, so a plugin registered by hand comes after them in report order.
    """
    _load()
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


class Declared(Mapping[str, Any]):
    """One declaration of every registered analyser, read from the registry whenever it is looked at.

    ``Declared(lambda a: a.words)`` maps each analyser's name to its words, in report order, leaving out
    analysers for which ``read`` gives None. Nothing is loaded until it is first read.
    """

    def __init__(self, read: Callable[[Analyser], Any]) -> None:
        self._read = read

    def _table(self) -> dict[str, Any]:
        found = {}
        for analyser in all_analysers():
            value = self._read(analyser)
            if value is not None:
                found[analyser.name] = value
        return found

    def __getitem__(self, name: str) -> Any:
        return self._table()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    def __repr__(self) -> str:
        return repr(self._table())


def declared(attribute: str, default: Any = None) -> Declared:
    """The mapping name -> ``getattr(analyser, attribute, default)`` over every registered analyser."""
    return Declared(lambda analyser: getattr(analyser, attribute, default))
