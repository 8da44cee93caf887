"""Equipoise: makes the power dynamics of the therapist-client relationship visible and discussable.

>>> import equipoise
>>> transcript = equipoise.load("examples/collaborative.txt")   # doctest: +SKIP
>>> profile = equipoise.analyse(transcript)                      # doctest: +SKIP

Importing this package is cheap: readers, the labeller and the analysers load on first use.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from .errors import EquipoiseError, InputError, RequirementError, UsageError
from .model import Role, Speaker, Transcript, Turn

if TYPE_CHECKING:
    from pathlib import Path

try:
    __version__ = version("equipoise")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "EquipoiseError",
    "InputError",
    "RequirementError",
    "Role",
    "Speaker",
    "Transcript",
    "Turn",
    "UsageError",
    "__version__",
    "analyse",
    "load",
]


def load(path: str | Path, **options: Any) -> Transcript:
    """Read a transcript from a file in any supported format (see :func:`equipoise.ingest.load`)."""
    from .ingest import load as _load

    return _load(path, **options)


def analyse(transcript: Transcript, **options: Any) -> Any:
    """Label a transcript and compute its power profile (see :func:`equipoise.pipeline.analyse`)."""
    from .pipeline import analyse as _analyse

    return _analyse(transcript, **options)
