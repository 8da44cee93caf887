"""The research tests reuse the tiny AnnoMI writer of the package's tests."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "label"))
