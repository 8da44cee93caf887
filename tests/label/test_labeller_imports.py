"""Labelling with the default install never loads torch (the encoder experiment lives in ``research/``)."""

from __future__ import annotations

import subprocess
import sys


def test_labelling_never_imports_torch() -> None:
    code = ("import sys, equipoise, equipoise.label; from equipoise.model import Transcript; "
            "equipoise.label.load_labeller().label(Transcript.from_turns('t', [])); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
