"""What the grouped-CV research scripts share: their command line, their progress lines, the spread they print
beside each mean, the outer folds (:func:`outer_folds`), the per-fold JSON (:func:`write_json`) and the
printed sections (:func:`print_sections`)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from equipoise.label.artifact import FeatureSpace
from equipoise.label.data import LABEL_CLASSES, Session
from equipoise.label.train import (
    TrainConfig,
    featurise,
    fit_space,
    gold_column,
    load_corpora,
    perturb_sessions,
    perturbed_copies,
    video_folds,
)

NO_PUNCTUATION = "no_punctuation_case"
#: the test fold as shown to the heads: as it is, and without punctuation or case
CONDITIONS = ("clean", NO_PUNCTUATION)


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


def plain_cv_setup(description: str) -> tuple[argparse.Namespace, TrainConfig, list[Session],
                                                Callable[[str], None]]:
    """What a script without inner folds or quick checks starts with: its parsed arguments
    (:func:`cv_parser`), the training config of those folds and seed, the sessions of ``--data`` and a
    progress printer."""
    args = cv_parser(description, inner=False, quick=False).parse_args()
    progress = progress_printer()
    sessions, _ = load_corpora(args.data)
    return args, TrainConfig(folds=args.folds, seed=args.seed), sessions, progress


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


@dataclass
class OuterFold:
    """One outer fold of ``equipoise train``'s CV, set up as :func:`~equipoise.label.train.fit_artifact`
    does: the feature space fitted on the training sessions and their perturbed copies (``rows``), those rows'
    features, and the test fold as shown (:data:`CONDITIONS`) with its features, each turn's corpus and the
    gold labels of every head (the perturbation keeps the gold)."""

    k: int  #: 0-based
    of: int  #: how many outer folds there are
    test_idx: np.ndarray
    train: list[Session]
    test: list[Session]
    rows: list[Session]
    space: FeatureSpace
    features: sparse.csr_matrix
    test_sets: dict[str, list[Session]]
    test_features: dict[str, sparse.csr_matrix]
    #: seconds to featurise each test set
    test_seconds: dict[str, float]
    corpus_of: np.ndarray
    gold: dict[str, np.ndarray]
    #: ``time.perf_counter()`` when the fold's setup began
    began: float

    @property
    def name(self) -> str:
        """``fold k/n`` (1-based), as the progress lines name it."""
        return f"fold {self.k + 1}/{self.of}"

    @property
    def clean_rows(self) -> np.ndarray:
        """Per training row (turn of ``rows``): True for a turn of ``train``, False for a perturbed copy's."""
        return np.arange(self.features.shape[0]) < sum(len(s) for s in self.train)

    def timing(self, seconds: dict[str, float] | None = None) -> dict[str, Any]:
        """The start of the fold's timing record: its number, its clean test turns and ``seconds``."""
        return {"fold": self.k + 1, "test_turns": sum(len(s) for s in self.test),
                "seconds": {} if seconds is None else seconds}


def outer_fold(sessions: Sequence[Session], config: TrainConfig, test_idx: np.ndarray, k: int = 0,
               of: int = 1) -> OuterFold:
    """Set up the outer fold whose test sessions are ``test_idx`` (``k`` and ``of`` only name it)."""
    began = time.perf_counter()
    test_set = set(test_idx.tolist())
    train = [s for i, s in enumerate(sessions) if i not in test_set]
    test = [sessions[i] for i in sorted(test_set)]
    rows = [*train, *perturbed_copies(train, config)]
    space = fit_space(rows, config)
    features = featurise(space, rows)
    test_sets = {"clean": test, NO_PUNCTUATION: perturb_sessions(test, NO_PUNCTUATION, config.seed)}
    test_features, test_seconds = {}, {}
    for condition, shown in test_sets.items():
        tick = time.perf_counter()
        test_features[condition] = featurise(space, shown)
        test_seconds[condition] = time.perf_counter() - tick
    corpus_of = np.array([s.corpus for s in test for _ in range(len(s))])
    gold = {name: gold_column(test, name) for name in LABEL_CLASSES}
    return OuterFold(k, of, np.asarray(test_idx), train, test, rows, space, features, test_sets,
                     test_features, test_seconds, corpus_of, gold, began)


def outer_folds(sessions: Sequence[Session], config: TrainConfig,
                only_folds: int | None = None) -> Iterator[OuterFold]:
    """The grouped outer folds of ``equipoise train`` (:func:`~equipoise.label.train.video_folds`), the
    first ``only_folds`` of them (default: all), each set up when it is reached."""
    folds = video_folds(sessions, config)
    for k, test_idx in enumerate(folds[:only_folds]):
        yield outer_fold(sessions, config, test_idx, k, len(folds))


def write_json(path: Path | None, settings: Mapping[str, Any], chosen: Any, timings: Sequence[dict[str, Any]],
               per_fold: Mapping[tuple[str, str, str, str], Sequence[float]], **extra: Any) -> None:
    """Write (if ``path``) the run's settings, the variant chosen, ``extra`` keys, the timings (seconds to
    the ms) and the per-fold macro-F1 of every (model, head, corpus, condition), to 4 decimals."""
    if path is None:
        return
    path.write_text(json.dumps({
        "settings": settings,
        "chosen": chosen,
        **extra,
        "timings": [{**t, "seconds": {k: round(v, 3) for k, v in t["seconds"].items()}} for t in timings],
        "per_fold": [{"model": m, "head": h, "corpus": c, "condition": v,
                      "macro_f1": [round(x, 4) for x in f]}
                     for (m, h, c, v), f in sorted(per_fold.items())]}, indent=1) + "\n", encoding="utf-8")


def stacking_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings of a stacking run (folds, inner folds, seed, quick-check options), for its JSON."""
    return {"folds": args.folds, "inner": args.inner, "seed": args.seed, "only_folds": args.only_folds,
            "esconv_share": args.esconv_share}


def print_block_timings(timings: Sequence[dict[str, Any]], start: float, digits: int = 2) -> None:
    """Print the seconds each timed block took over every clean test turn (with turns/s, seconds to
    ``digits`` decimals), each fold's seconds and the whole run's, from :meth:`OuterFold.timing` records."""
    turns = sum(t["test_turns"] for t in timings)
    for key in [k for k in timings[0]["seconds"] if k != "fold"] if timings else []:
        seconds = sum(t["seconds"][key] for t in timings)
        print(f"timing: {key}: {seconds:.{digits}f} s for {turns} clean test turns "
              f"({turns / seconds:.0f} turns/s)")
    for t in timings:
        print(f"timing: fold {t['fold']}: {t['seconds']['fold']:.0f} s")
    print(f"timing: whole run {time.perf_counter() - start:.0f} s")


def print_sections(*sections: Sequence[str]) -> None:
    """Print each section's lines, with a blank line between two sections."""
    print("\n\n".join("\n".join(lines) for lines in sections))
