"""Grouped-CV test of static word vectors (distilled from all-MiniLM-L6-v2) added to the labeller's features.

Run from the repository's root folder, after ``research.static_vectors`` has written the vectors::

    python -m research.static_embed_cv --data ../shared/data --vectors DIR/static_64.npz DIR/static_128.npz
    #   about 38 minutes here; --json FILE also writes the per-fold scores
    python -m research.static_embed_cv --data ../shared/data --vectors DIR/static_64.npz \\
        --only-folds 1 --esconv-share 0.1                                            # quick check

The outer folds, the feature space and the **first stage** are exactly those of ``equipoise train``'s CV, as
in ``research/stack_context.py`` (:func:`~equipoise.label.train.video_folds`, 5 folds, seed 0; the feature
space fitted on the training sessions and their perturbed copies; every head fitted on the whole training
fold). Each variant appends a dense block to those sparse features, times a weight
(:func:`research.stack_context.with_context`), and refits every head with the same C, class and corpus
weights. The block of a turn is:

- **turn**: the mean of the static vectors of the turn's words (:func:`~equipoise.label.features.tokens` of
  the text's :func:`~equipoise.label.features.normalise` form, ``?`` and ``!`` included; words without a
  vector are skipped; zeros if none is left), each word weighted by its SIF weight ``a / (a + p(w))``
  (Arora et al. 2017; ``a`` = 1e-3, ``p(w)`` the word's relative frequency over the training fold's clean
  turns, so 0 and weight 1 for a word the training fold never has; ``--no-sif``: all weights 1), then
  l2-normalised;
- **turn + previous**: that, then the previous turn's block of the same conversation (zeros for the first
  turn), each half normalised on its own.

Every row gets its block from its own text: a perturbed training copy from its perturbed text, the test
fold without punctuation or case from that text. The vectors are per word, fixed before the CV (the word
list comes from all the training data's texts, labels unseen; see ``research/static_vectors.py``), so no
label of a test fold reaches the features. Variants (:func:`variants`): {turn, turn + previous} x weight
{0.5, 1, 2} for every vectors file given (64 and 128 dimensions by default).

Each head is scored per corpus by macro-F1 on the clean test fold and on the same fold without punctuation
or case, and compared with the first stage by the paired per-fold difference, mean ± sd over the folds (the
folds differ more from each other than the variants do). The variant chosen (best mean paired gain over
AnnoMI behaviour and talk type, clean, among the first vectors file's) is the best of six on these same
folds, so its gain is slightly optimistic. Deterministic (LinearSVC and the folds have fixed seeds); about
7.5 minutes per outer fold for the first stage and twelve variants (features 105-120 s, each refit of all
heads 15-45 s), 2.3 GB peak memory; the quick check above takes about 80 s. Prints numbers only, never
turn text; progress goes to stderr.

Result of the first run (5 folds, 2256 s; SIF weights; 7450 words, vectors as written by
``research.static_vectors``): the first stage reproduces the training CV exactly (every head's per-fold
clean macro-F1 equals the shipped manifest's; AnnoMI behaviour 0.754 ± 0.022, talk type 0.515 ± 0.049). No
variant gains beyond fold noise on behaviour: -0.006 to +0.003 paired, every sd 0.008-0.015. Talk type
moves up a little in every variant (+0.001 to +0.012, sd 0.006-0.024), far short of the 0.57 target. The
chosen 64-d variant (turn + previous × 0.5) gives behaviour -0.001 ± 0.011 and talk type +0.006 ± 0.016
(clean; -0.001 / +0.006 without punctuation); at 128 dimensions the same gives -0.001 ± 0.011 and
+0.012 ± 0.013 (4 of 5 folds; +0.012 ± 0.011 without punctuation, 5 of 5), and the 128-d turn block alone
× 0.5 +0.000 ± 0.008 and +0.009 ± 0.006 (5 of 5 folds). Those are the best of twelve cells, picked after
the fact. The other heads mostly lose: AnnoMI question type -0.043 to +0.009 (worse with larger weights),
input type -0.027 to +0.000, stance -0.019 to -0.003, reflection type -0.014 to +0.013; ESConv behaviour
-0.009 to +0.001, support -0.006 to +0.003. Not worth shipping: an average of word vectors seems to add
little beyond what the word and character n-grams already carry.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from equipoise.label.data import Session
from equipoise.label.features import normalise, tokens
from equipoise.label.train import TrainConfig, load_corpora
from research.cli import cv_parser, outer_folds, print_sections, progress_printer, write_json
from research.stack_context import (
    FIRST,
    REPORTED,
    Scores,
    choose,
    fit_heads,
    per_class,
    subsample,
    table,
    with_context,
)

SIF_A = 1e-3
WEIGHTS = (0.5, 1.0, 2.0)


@dataclass(frozen=True)
class StaticVectors:
    """Static word vectors: the word list and one l2-normalised row per word."""

    name: str
    index: dict[str, int]
    vectors: np.ndarray

    @classmethod
    def load(cls, path: Path) -> StaticVectors:
        with np.load(path, allow_pickle=False) as data:
            words = [str(w) for w in data["words"]]
            vectors = data["vectors"].astype(np.float64)
        return cls(path.name, {w: i for i, w in enumerate(words)}, vectors)

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])


@dataclass(frozen=True)
class Variant:
    """One dense block: the vectors file, whether the previous turn's block follows, and its weight."""

    vectors: str
    dims: int
    previous: bool
    weight: float

    @property
    def name(self) -> str:
        return f"d{self.dims} {'turn+prev' if self.previous else 'turn'} × {self.weight:g}"


def variants(vectors: Sequence[StaticVectors], weights: Sequence[float] = WEIGHTS) -> list[Variant]:
    """{turn, turn + previous} x ``weights`` for every vectors file, the first file's first."""
    return [Variant(v.name, v.dims, previous, w)
            for v in vectors for previous in (False, True) for w in weights]


def turn_words(sessions: Sequence[Session], vectors: StaticVectors) -> sparse.csr_matrix:
    """Counts of every known word in every turn of ``sessions`` (turns in order; columns: the word list)."""
    indptr = [0]
    indices: list[int] = []
    for s in sessions:
        for text in s.texts:
            indices.extend(i for w in tokens(normalise(text)) if (i := vectors.index.get(w)) is not None)
            indptr.append(len(indices))
    data = np.ones(len(indices))
    out = sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, len(vectors.index)))
    out.sum_duplicates()
    return out


def sif_weights(sessions: Sequence[Session], vectors: StaticVectors, a: float = SIF_A) -> np.ndarray:
    """Per word of the list, ``a / (a + p(w))`` with ``p(w)`` its share of all tokens of ``sessions``."""
    counts: Counter[str] = Counter()
    for s in sessions:
        for text in s.texts:
            counts.update(tokens(normalise(text)))
    total = max(sum(counts.values()), 1)
    p = np.zeros(len(vectors.index))
    for word, i in vectors.index.items():
        p[i] = counts.get(word, 0) / total
    return a / (a + p)


def normalised(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def turn_block(words: sparse.csr_matrix, weights: np.ndarray, vectors: StaticVectors) -> np.ndarray:
    """Each turn's weighted mean of its words' vectors, l2-normalised (zeros for a turn with none)."""
    return normalised(np.asarray(words @ (vectors.vectors * weights[:, None])))


def previous_block(sessions: Sequence[Session], block: np.ndarray) -> np.ndarray:
    """Each turn's previous turn's row of ``block`` in the same conversation (zeros for the first turn)."""
    out = np.zeros_like(block)
    start = 0
    for s in sessions:
        n = len(s)
        out[start + 1:start + n] = block[start:start + n - 1]
        start += n
    return out


def dense_block(sessions: Sequence[Session], turn: np.ndarray, previous: bool) -> np.ndarray:
    return np.hstack([turn, previous_block(sessions, turn)]) if previous else turn


def run(sessions: Sequence[Session], config: TrainConfig, vectors: Sequence[StaticVectors],
        chosen: Sequence[Variant], sif: bool = True, only_folds: int | None = None,
        progress: Callable[[str], None] | None = None) -> tuple[Scores, list[dict[str, Any]]]:
    """Score the first stage and every variant of ``chosen`` on each outer fold; also time the parts."""
    scores = Scores()
    timings: list[dict[str, Any]] = []
    by_name = {v.name: v for v in vectors}
    for fold in outer_folds(sessions, config, only_folds):
        features, rows, shown, test_features, gold, corpus_of = (
            fold.features, fold.rows, fold.test_sets, fold.test_features, fold.gold, fold.corpus_of)
        timing = fold.timing({"features": time.perf_counter() - fold.began})
        if progress:
            progress(f"{fold.name}: features fitted ({features.shape[0]} training rows)")

        tick = time.perf_counter()
        first = fit_heads(features, rows, config)
        timing["seconds"]["first stage fit"] = time.perf_counter() - tick
        for condition, x in test_features.items():
            for name in REPORTED:
                if name in first:
                    scores.add(FIRST, name, condition, first[name], x, gold[name], corpus_of)
        if progress:
            progress(f"{fold.name}: first stage done: " + ", ".join(
                f"annomi/{n} {scores.per_fold[(FIRST, n, 'annomi', 'clean')][-1]:.3f}"
                for n in ("behaviour", "talk_type") if (FIRST, n, "annomi", "clean") in scores.per_fold))

        for table_name in dict.fromkeys(v.vectors for v in chosen):
            vec = by_name[table_name]
            tick = time.perf_counter()
            weights = sif_weights(fold.train, vec) if sif else np.ones(len(vec.index))
            turn = {"train": turn_block(turn_words(rows, vec), weights, vec),
                    **{c: turn_block(turn_words(s, vec), weights, vec) for c, s in shown.items()}}
            timing["seconds"][f"blocks {table_name}"] = time.perf_counter() - tick
            for variant in [v for v in chosen if v.vectors == table_name]:
                tick = time.perf_counter()
                x_train = with_context(features, dense_block(rows, turn["train"], variant.previous),
                                       variant.weight)
                second = fit_heads(x_train, rows, config)
                timing["seconds"][f"fit {variant.name}"] = time.perf_counter() - tick
                for condition, x in test_features.items():
                    x_test = with_context(x, dense_block(shown[condition], turn[condition], variant.previous),
                                          variant.weight)
                    for name in REPORTED:
                        if name in second:
                            scores.add(variant.name, name, condition, second[name], x_test, gold[name],
                                       corpus_of)
                if progress:
                    progress(f"{fold.name}: {variant.name}: Δ " + ", ".join(
                        f"annomi/{n} {v[-1]:+.3f}" for n in ("behaviour", "talk_type")
                        if (key := (variant.name, n, "annomi", "clean")) in scores.per_fold
                        for v in [np.subtract(scores.per_fold[key],
                                              scores.per_fold[(FIRST, n, "annomi", "clean")])]))
        timing["seconds"]["fold"] = time.perf_counter() - fold.began
        timings.append(timing)
    return scores, timings


def main() -> None:
    parser = cv_parser(__doc__.splitlines()[0], inner=False)
    parser.add_argument("--vectors", type=Path, nargs="+", required=True,
                        help="static vectors files (.npz from research.static_vectors); the first file's "
                             "variants are the ones a variant is chosen from")
    parser.add_argument("--no-sif", action="store_true",
                        help="plain mean of the word vectors (no SIF weights)")
    parser.add_argument("--weights", type=float, nargs="+", default=list(WEIGHTS), help="block weights")
    args = parser.parse_args()
    start = time.perf_counter()
    progress = progress_printer(start)

    config = TrainConfig(folds=args.folds, seed=args.seed)
    vectors = [StaticVectors.load(p) for p in args.vectors]
    grid = variants(vectors, args.weights)
    sessions = subsample(load_corpora(args.data)[0], args.esconv_share, args.seed)
    scores, timings = run(sessions, config, vectors, grid, not args.no_sif, args.only_folds, progress)
    first_file = [v for v in grid if v.vectors == vectors[0].name]
    chosen = choose(scores, first_file)
    models = [FIRST, *(v.name for v in grid)]
    write_json(args.json, {"folds": args.folds, "seed": args.seed, "only_folds": args.only_folds,
                           "esconv_share": args.esconv_share, "sif": not args.no_sif, "sif_a": SIF_A,
                           "vectors": [{"file": v.name, "words": len(v.index), "dims": v.dims}
                                       for v in vectors],
                           "weights": args.weights},
               chosen, timings, scores.per_fold)
    print_sections(table(scores, models), per_class(scores, models),
                   [f"chosen: {chosen} (best of {len(first_file)} {vectors[0].name} variants by the mean "
                    "paired gain of annomi behaviour and talk_type, clean; chosen on these folds, so "
                    "slightly optimistic)"])
    for t in timings:
        print(f"timing: fold {t['fold']}: " + ", ".join(f"{k} {v:.0f} s" for k, v in t["seconds"].items()))
    print(f"timing: whole run {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
