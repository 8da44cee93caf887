"""Fixtures for the report tests: a hand-made profile (DESIGN §3 JSON) and the transcript it describes.

The profile in ``fixtures/sample.profile.json`` is written by hand, not computed, so these tests depend
only on the JSON contract between the pipeline and the reports.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import equipoise
from equipoise.model import Transcript

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_PROFILE = json.loads((FIXTURES / "sample.profile.json").read_text(encoding="utf-8"))


@pytest.fixture
def profile() -> dict[str, Any]:
    """A fresh copy of the hand-made profile, safe to modify."""
    return copy.deepcopy(_PROFILE)


@pytest.fixture(scope="session")
def transcript() -> Transcript:
    return equipoise.load(FIXTURES / "sample.txt")
