"""Grouped-CV test of a two-stage (stacked) labeller that reads its neighbours' first-stage scores (issue 10).

Run from the repository's root folder:

    python -m research.stack_context --data ../shared/data                      # about 35 minutes here
    python -m research.stack_context --data ../shared/data --json stack.json    # also the per-fold scores
    python -m research.stack_context --data ../shared/data --only-folds 1 --esconv-share 0.1   # quick check

The outer folds are those of ``equipoise train`` (:func:`equipoise.label.train.video_folds`, 5 folds, seed 0).
In each outer fold, as :func:`~equipoise.label.train.fit_artifact` does, the feature space is fitted once on
the training sessions and their perturbed copies, and every head is fitted on the whole training fold: that
is the **first stage**, and the baseline every variant is compared with. Then:

1. **Out-of-fold first-stage scores of the training rows**: an inner grouped CV (:func:`video_folds` over the
   training sessions only, ``--inner`` folds) fits every head without one inner fold and scores that fold.
   A perturbed copy is held out with its conversation, and is scored on its own perturbed text. The test
   fold is never touched. Each head's temperature is fitted on those out-of-fold margins (the clean rows),
   and the scores become calibrated probabilities, ``softmax(margin / T)``, as the shipped labeller's are.
2. **First-stage scores of the test rows** come from the heads fitted on the whole training fold (with the
   same temperatures), on the clean test fold and on the test fold without punctuation or case.
3. **The context block**: for the turn itself and the turns ``i-w .. i+w`` of the same conversation, two
   role indicators (therapist, client) and that turn's probabilities: behaviour, question, reflection and
   input type, stance and support for a therapist turn, talk type for a client turn (zeros for the other
   role, another speaker or past either end of the conversation). Every row, a perturbed copy's too, takes
   its block from the scores of its own conversation's turns.
4. **The second stage**: every head refitted (same C, class and corpus weights as training) on the sparse
   features with the context block, times a weight, appended.

Each head is scored per corpus by macro-F1 on the clean test fold and on the same fold without punctuation
or case, as in ``research/tune_corpus_weight.py``; the table gives the mean ± sd over the folds and the
paired per-fold difference from the first stage (the folds differ more from each other than the variants
do). The variants (:data:`VARIANTS`: window ±1 or ±2, block weight 0.5, 1 or 2) are all reported; the one
chosen (best mean paired gain over AnnoMI behaviour and talk type, clean) is the best of six on these same
folds, so its gain is slightly optimistic.

Simplification: the inner CV reuses the outer fold's feature space (vocabularies and idf fitted on the
whole training fold, labels unseen), as refitting it per inner fold would cost about 75 s each. An n-gram
only seen in the held-out inner fold gets no weight in the inner heads, as an unseen n-gram gets none at
test time; only the idf and the row norms differ slightly.

Deterministic (LinearSVC and the folds have fixed seeds); about 7 minutes per outer fold, 35 minutes in all,
on two shared cores (one process, one core mostly: featurising is most of it; the quick check above takes
about 80 s). Prints numbers only, never turn text; progress goes to stderr.

Result of the first run (5 folds, 2059 s): the first stage reproduces the training CV exactly (AnnoMI
behaviour 0.754 ± 0.022, talk type 0.515 ± 0.049). No variant gains beyond fold noise: the chosen one
(±2 × 0.5) gives AnnoMI behaviour +0.002 ± 0.013 and talk type +0.002 ± 0.011 (paired, clean), and
-0.004 / +0.003 without punctuation. The other heads: AnnoMI question type +0.012 ± 0.011, input type
-0.017 ± 0.024, the rest within ±0.01; ESConv behaviour +0.005 and reflection type +0.008 (small but
steady), support -0.002.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import sparse

from equipoise.label.artifact import Head
from equipoise.label.calibration import fit_temperature, softmax
from equipoise.label.data import LABEL_CLASSES, Session
from equipoise.label.train import (
    TrainConfig,
    _macro_f1,
    fit_head,
    gold_column,
    load_corpora,
    row_weights,
    video_folds,
)
from equipoise.model import Role
from research.cli import (
    NO_PUNCTUATION,
    cv_parser,
    outer_folds,
    print_block_timings,
    print_sections,
    progress_printer,
    sd,
    stacking_settings,
    write_json,
)

#: heads reported, in the order of the table
REPORTED = ("behaviour", "talk_type", "question_type", "reflection_type", "input_type", "stance", "support")
#: first-stage probabilities put in the context block for a therapist turn, and for a client turn
THERAPIST_CONTEXT = ("behaviour", "question_type", "reflection_type", "input_type", "stance", "support")
CLIENT_CONTEXT = ("talk_type",)
FIRST = "first stage"


@dataclass(frozen=True)
class Variant:
    """One second stage: the context window (turns each side) and the context block's weight."""

    window: int
    weight: float

    @property
    def name(self) -> str:
        return f"±{self.window} × {self.weight:g}"


VARIANTS: tuple[Variant, ...] = tuple(Variant(w, s) for w in (1, 2) for s in (0.5, 1.0, 2.0))


def block_width(window: int) -> int:
    """Columns of the context block: per position, two role indicators and the role's probabilities."""
    per_turn = 2 + sum(len(LABEL_CLASSES[h]) for h in (*THERAPIST_CONTEXT, *CLIENT_CONTEXT))
    return (2 * window + 1) * per_turn


def context_block(sessions: Sequence[Session], proba: dict[str, np.ndarray], window: int) -> np.ndarray:
    """The context block of every turn of ``sessions`` (turns concatenated in order, like ``proba``'s rows).

    Per position ``-window .. +window`` (0 is the turn itself): [therapist, client] indicators, then the
    probabilities of :data:`THERAPIST_CONTEXT` (therapist turn) and of :data:`CLIENT_CONTEXT` (client turn).
    """
    widths = {h: len(LABEL_CLASSES[h]) for h in (*THERAPIST_CONTEXT, *CLIENT_CONTEXT)}
    per_turn = 2 + sum(widths.values())
    # one row per turn of its own position's layout, then shifted within each conversation
    own = np.zeros((sum(len(s) for s in sessions), per_turn))
    therapist = np.array([r is Role.THERAPIST for s in sessions for r in s.roles], dtype=float)
    client = np.array([r is Role.CLIENT for s in sessions for r in s.roles], dtype=float)
    own[:, 0] = therapist
    own[:, 1] = client
    col = 2
    for heads, mask in ((THERAPIST_CONTEXT, therapist), (CLIENT_CONTEXT, client)):
        for h in heads:
            own[:, col:col + widths[h]] = proba[h] * mask[:, None]
            col += widths[h]
    out = np.zeros((len(own), (2 * window + 1) * per_turn))
    start = 0
    for s in sessions:
        n = len(s)
        for k, offset in enumerate(range(-window, window + 1)):
            lo, hi = max(0, -offset), min(n, n - offset)  # turns i with i + offset inside the session
            if lo < hi:
                out[start + lo:start + hi, k * per_turn:(k + 1) * per_turn] = \
                    own[start + lo + offset:start + hi + offset]
        start += n
    return out


def with_context(features: sparse.csr_matrix, block: np.ndarray, weight: float) -> sparse.csr_matrix:
    """The second stage's features: the sparse features, then the context block times ``weight``."""
    return sparse.hstack([features, sparse.csr_matrix(block * weight)], format="csr")


def fit_heads(features: sparse.csr_matrix, rows: Sequence[Session], config: TrainConfig,
              heads: Sequence[str] = tuple(LABEL_CLASSES), take: np.ndarray | None = None) -> dict[str, Head]:
    """Every head of ``heads`` that has training rows, fitted as training does (on the rows ``take``)."""
    out = {}
    x = features if take is None else features[take]
    for name in heads:
        y = gold_column(rows, name)
        weights = row_weights(rows, config, name)
        if take is not None:
            y, weights = y[take], weights[take]
        usable = (y != "") & (weights > 0)
        if len({str(v) for v in y[usable]}) < 2:
            continue
        out[name] = fit_head(x, y, name, config, weights)
    return out


def margins(heads: dict[str, Head], features: sparse.csr_matrix) -> dict[str, np.ndarray]:
    """Raw scores of every head in :data:`LABEL_CLASSES` order of classes (zeros for a head not fitted)."""
    out = {}
    for name, classes in LABEL_CLASSES.items():
        m = np.zeros((features.shape[0], len(classes)))
        if name in heads:
            head = heads[name]
            m[:, [classes.index(c) for c in head.classes]] = head.scores(features)
        out[name] = m
    return out


def out_of_fold(features: sparse.csr_matrix, train: Sequence[Session], rows: Sequence[Session],
                config: TrainConfig, inner: int,
                heads: Sequence[str] = tuple(LABEL_CLASSES)) -> dict[str, np.ndarray]:
    """First-stage margins of every row of ``rows`` (``train`` then its perturbed copies) from heads fitted
    without that row's inner fold (grouped like the outer folds; a copy goes with its conversation). Only
    the heads ``heads`` are fitted; the others' margins stay zero."""
    index = {(s.corpus, s.transcript_id): k for k, s in enumerate(train)}
    owner = [index[(s.corpus, s.transcript_id.removesuffix("~p"))] for s in rows]
    row_owner = np.repeat(owner, [len(s) for s in rows])
    out = {name: np.zeros((features.shape[0], len(c))) for name, c in LABEL_CLASSES.items()}
    for held in video_folds(train, replace(config, folds=inner)):
        inside = np.isin(row_owner, held)
        fitted = fit_heads(features, rows, config, heads, take=np.flatnonzero(~inside))
        scored = margins(fitted, features[np.flatnonzero(inside)])
        for name, m in scored.items():
            out[name][inside] = m
    return out


def temperatures(oof: dict[str, np.ndarray], rows: Sequence[Session], clean: np.ndarray) -> dict[str, float]:
    """Per head, the temperature fitted on the out-of-fold margins of the clean rows with a gold label."""
    out = {}
    for name, classes in LABEL_CLASSES.items():
        y = gold_column(rows, name)
        keep = np.flatnonzero(clean & np.isin(y, classes))
        gold = np.array([classes.index(v) for v in y[keep]], dtype=int)
        out[name] = fit_temperature(oof[name][keep], gold) if len(keep) else 1.0
    return out


def probabilities(scores: dict[str, np.ndarray], temps: dict[str, float]) -> dict[str, np.ndarray]:
    return {name: softmax(m / temps[name]) for name, m in scores.items()}


class Scores:
    """Per (model, head, corpus, condition): macro-F1 per fold, and the pooled gold and predictions."""

    def __init__(self) -> None:
        self.per_fold: dict[tuple[str, str, str, str], list[float]] = {}
        self.pooled: dict[tuple[str, str, str, str], tuple[list[str], list[str]]] = {}

    def add(self, model: str, name: str, condition: str, head: Head, x: sparse.csr_matrix,
            gold: np.ndarray, corpus_of: np.ndarray) -> None:
        pred = np.array(head.classes)[head.scores(x).argmax(axis=1)]
        for corpus in sorted(set(corpus_of.tolist())):
            mask = (gold != "") & (corpus_of == corpus)
            if not mask.any():
                continue
            key = (model, name, corpus, condition)
            self.per_fold.setdefault(key, []).append(_macro_f1(gold[mask].astype(str), pred[mask], name))
            g, p = self.pooled.setdefault(key, ([], []))
            g.extend(gold[mask].astype(str).tolist())
            p.extend(pred[mask].tolist())


def subsample(sessions: Sequence[Session], esconv_share: float, seed: int) -> list[Session]:
    """All AnnoMI sessions and a deterministic share of ESConv's (for a quick check of the code)."""
    if esconv_share >= 1.0:
        return list(sessions)
    rng = random.Random(f"{seed}:esconv-share")
    return [s for s in sessions if s.corpus != "esconv" or rng.random() < esconv_share]


def run(sessions: Sequence[Session], config: TrainConfig, variants: Sequence[Variant] = VARIANTS,
        inner: int = 5, only_folds: int | None = None,
        progress: Callable[[str], None] | None = None) -> tuple[Scores, list[dict[str, Any]]]:
    """Score the first stage and every variant's second stage on each outer fold; also time the stages."""
    scores = Scores()
    timings: list[dict[str, Any]] = []
    for fold in outer_folds(sessions, config, only_folds):
        features, rows, test_features, gold, corpus_of = (fold.features, fold.rows, fold.test_features,
                                                          fold.gold, fold.corpus_of)
        timing = fold.timing({"featurise": sum(fold.test_seconds.values()) / len(fold.test_seconds)})
        if progress:
            progress(f"{fold.name}: features fitted ({features.shape[0]} training rows)")

        first = fit_heads(features, rows, config)
        oof = out_of_fold(features, fold.train, rows, config, inner)
        temps = temperatures(oof, rows, fold.clean_rows)
        train_proba = probabilities(oof, temps)
        test_proba = {}
        for condition, x in test_features.items():
            tick = time.perf_counter()
            test_proba[condition] = probabilities(margins(first, x), temps)
            if condition == "clean":
                timing["seconds"]["first stage scores"] = time.perf_counter() - tick
            for name in REPORTED:
                if name in first:
                    scores.add(FIRST, name, condition, first[name], x, gold[name], corpus_of)
        if progress:
            progress(f"{fold.name}: first stage and inner out-of-fold scores done")

        for variant in variants:
            x_train = with_context(features, context_block(rows, train_proba, variant.window), variant.weight)
            second = fit_heads(x_train, rows, config)
            for condition, x in test_features.items():
                tick = time.perf_counter()
                x_test = with_context(x, context_block(fold.test_sets[condition], test_proba[condition],
                                                       variant.window), variant.weight)
                for name in REPORTED:
                    if name in second:
                        second[name].scores(x_test)
                if condition == "clean":
                    timing["seconds"][f"second stage {variant.name}"] = time.perf_counter() - tick
                for name in REPORTED:
                    if name in second:
                        scores.add(variant.name, name, condition, second[name], x_test, gold[name], corpus_of)
            if progress:
                progress(f"{fold.name}: second stage {variant.name}: " + ", ".join(
                    f"{c}/{n} {v[-1]:+.3f}" for n in ("behaviour", "talk_type") for c in ("annomi",)
                    if (key := (variant.name, n, c, "clean")) in scores.per_fold
                    for v in [np.subtract(scores.per_fold[key], scores.per_fold[(FIRST, n, c, "clean")])]))
        timing["seconds"]["fold"] = time.perf_counter() - fold.began
        timings.append(timing)
    return scores, timings


def choose(scores: Scores, variants: Sequence[Variant]) -> str | None:
    """The variant with the best mean paired gain over AnnoMI behaviour and talk type (clean)."""
    def gain(name: str) -> float:
        return float(np.mean([np.mean(np.subtract(scores.per_fold[(name, h, "annomi", "clean")],
                                                  scores.per_fold[(FIRST, h, "annomi", "clean")]))
                              for h in ("behaviour", "talk_type")]))

    names = [v.name for v in variants if (v.name, "behaviour", "annomi", "clean") in scores.per_fold
             and (v.name, "talk_type", "annomi", "clean") in scores.per_fold]
    return max(names, key=gain) if names else None


def table(scores: Scores, models: Sequence[str]) -> list[str]:
    """Per head and model, per corpus: clean macro-F1 (mean ± sd), no-punctuation (drop from clean), and
    the paired per-fold difference from the first stage, clean and without punctuation."""
    corpora = sorted({c for _, _, c, _ in scores.per_fold})
    cells = ["head", "model"]
    for corpus in corpora:
        cells += [f"{corpus} macro-F1", f"{corpus} no punct. (drop)", f"{corpus} Δ first (paired)",
                  f"{corpus} Δ first, no punct."]
    lines = ["| " + " | ".join(cells) + " |", "|" + "---|" * len(cells)]
    for name in REPORTED:
        for model in models:
            row = [name, model]
            for corpus in corpora:
                clean = np.array(scores.per_fold.get((model, name, corpus, "clean"), []))
                if not len(clean):
                    row += ["-"] * 4
                    continue
                plain = np.array(scores.per_fold[(model, name, corpus, NO_PUNCTUATION)])
                d_clean = clean - np.array(scores.per_fold[(FIRST, name, corpus, "clean")])
                d_plain = plain - np.array(scores.per_fold[(FIRST, name, corpus, NO_PUNCTUATION)])
                row += [f"{clean.mean():.3f} ± {sd(clean):.3f}",
                        f"{plain.mean():.3f} ({clean.mean() - plain.mean():+.3f})",
                        f"{d_clean.mean():+.3f} ± {sd(d_clean):.3f}",
                        f"{d_plain.mean():+.3f} ± {sd(d_plain):.3f}"]
            lines.append("| " + " | ".join(row) + " |")
    return lines


def per_class(scores: Scores, models: Sequence[str], heads: Sequence[str] = ("behaviour", "talk_type"),
              corpus: str = "annomi") -> list[str]:
    """Per-class F1 over the pooled out-of-fold predictions (clean), for ``heads`` on ``corpus``."""
    from sklearn.metrics import f1_score

    lines = ["| head | model | per-class F1 (pooled, clean) |", "|---|---|---|"]
    for name in heads:
        for model in models:
            key = (model, name, corpus, "clean")
            if key not in scores.pooled:
                continue
            gold, pred = scores.pooled[key]
            classes = [c for c in LABEL_CLASSES[name] if c in set(gold)]
            f1 = f1_score(gold, pred, labels=classes, average=None, zero_division=0)
            lines.append(f"| {name} | {model} | " + ", ".join(
                f"{c} {v:.2f}" for c, v in zip(classes, f1, strict=True)) + " |")
    return lines


def main() -> None:
    parser = cv_parser(__doc__.splitlines()[0])
    args = parser.parse_args()
    start = time.perf_counter()
    progress = progress_printer(start)

    config = TrainConfig(folds=args.folds, seed=args.seed)
    sessions = subsample(load_corpora(args.data)[0], args.esconv_share, args.seed)
    scores, timings = run(sessions, config, VARIANTS, args.inner, args.only_folds, progress)
    chosen = choose(scores, VARIANTS)
    models = [FIRST, *(v.name for v in VARIANTS)]
    write_json(args.json, stacking_settings(args), chosen, timings, scores.per_fold)
    print_sections(table(scores, models), per_class(scores, models),
                   [f"chosen: {chosen} (best of {len(VARIANTS)} by the mean paired gain of annomi behaviour "
                    "and talk_type, clean; chosen on these folds, so slightly optimistic)"])
    print_block_timings(timings, start)


if __name__ == "__main__":
    main()
