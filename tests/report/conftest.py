"""Fixtures for the report tests: the profile the pipeline makes of ``fixtures/sample.txt`` (16 turns).

The profile is computed with the packaged labeller and norms (see the ``analysed`` fixture), never
written by hand; the tests take what they expect from it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from equipoise.model import Transcript
from equipoise.profile import Profile

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = FIXTURES / "sample.txt"


@pytest.fixture(scope="session")
def transcript(analysed: Callable[[Path], tuple[Transcript, Profile]]) -> Transcript:
    return analysed(SAMPLE)[0]


@pytest.fixture(scope="session")
def profile(analysed: Callable[[Path], tuple[Transcript, Profile]]) -> Profile:
    return analysed(SAMPLE)[1]
