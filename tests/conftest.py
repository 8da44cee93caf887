"""Fixtures shared by the test folders: profiles made by the pipeline, never written by hand.

A report, table or web page test reads a profile that ``equipoise.analyse(equipoise.load(path))`` made, so
it can only meet names the pipeline emits. The tests read what they expect from that profile instead of
pinning its numbers: a change to an analyser or to the labeller changes the fixture, on purpose, without
breaking them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import equipoise

if TYPE_CHECKING:
    from equipoise.model import Transcript
    from equipoise.profile import Profile

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@functools.cache
def _analysed(path: Path) -> tuple[Transcript, Profile]:
    transcript = equipoise.load(path)
    return transcript, equipoise.analyse(transcript)


@pytest.fixture(scope="session")
def analysed() -> Callable[[Path], tuple[Transcript, Profile]]:
    """``analysed(path)``: the transcript read from ``path`` and its profile, computed once per run.

    Profiles are immutable, so tests share them; a test that needs a variant makes it with
    ``dataclasses.replace``.
    """
    return _analysed
