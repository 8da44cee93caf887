"""What the grouped-CV research scripts share on the command line: their arguments, their progress lines
and the spread they print beside each mean."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np


def cv_parser(description: str, *, inner: bool = True, quick: bool = True) -> argparse.ArgumentParser:
    """A parser with the arguments every script has (``--data``, ``--folds``, ``--seed``, ``--json``), the
    inner folds of the out-of-fold scores (``inner``) and the options of a quick check (``quick``:
    ``--only-folds``, ``--esconv-share``). A script adds its own after these."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (AnnoMI and ESConv)")
    parser.add_argument("--folds", type=int, default=5)
    if inner:
        parser.add_argument("--inner", type=int, default=5, help="inner folds for the out-of-fold scores")
    parser.add_argument("--seed", type=int, default=0)
    if quick:
        parser.add_argument("--only-folds", type=int, default=None, help="run only the first N outer folds")
        parser.add_argument("--esconv-share", type=float, default=1.0,
                            help="keep this share of ESConv's conversations (quick checks only)")
    parser.add_argument("--json", type=Path, default=None, help="also write the per-fold scores here")
    return parser


def progress_printer(start: float | None = None) -> Callable[[str], None]:
    """A function that prints a message to stderr with the seconds since ``start`` (a
    ``time.perf_counter()`` reading; default: now)."""
    start = time.perf_counter() if start is None else start

    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - start:7.1f} s] {message}", file=sys.stderr, flush=True)

    return progress


def sd(values: np.ndarray) -> float:
    """Sample standard deviation (0 for fewer than two values), as the tables print beside a mean."""
    return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
