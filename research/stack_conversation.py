"""Grouped-CV test of a second stage that reads conversation-level first-stage scores: how the client talks,
and what the therapist does, over the rest of the conversation (issue 10).

Run from the repository's root folder:

    python -m research.stack_conversation --data ../shared/data                     # about 35 minutes here
    python -m research.stack_conversation --data ../shared/data --json conv.json    # also the per-fold scores
    python -m research.stack_conversation --data ../shared/data --only-folds 1 --esconv-share 0.1  # quick

The protocol is that of ``research/stack_context.py``, whose functions this script imports: the outer folds of
``equipoise train`` (grouped 5-fold, seed 0); in each outer fold the feature space is fitted once on the
training sessions and their perturbed copies and every head is fitted on the whole training fold (the **first
stage**, the baseline of every paired difference); an inner grouped CV over the training sessions gives their
out-of-fold first-stage margins (a perturbed copy goes with its conversation and is scored on its own text),
the temperatures are fitted on those margins, and the test fold is scored by the whole-fold heads, clean and
without punctuation or case. The second stage refits the behaviour and talk-type heads (same C, class and
corpus weights) on the sparse features with a dense block, times a weight, appended.

**The conversation block** of turn i (:func:`conversation_block`), from the calibrated first-stage
probabilities of the OTHER turns of its conversation (leave one out: turn i itself never counts):

* client: the mean and the max of the talk-type probabilities (change, neutral, sustain) over the client's
  other turns, and log(1 + their number) / 5;
* therapist: the mean over the therapist's other turns of the behaviour probabilities (reflection, question,
  input, other) and of the joint subtype probabilities p(input) p(input type), p(question) p(question type),
  p(reflection) p(reflection type) (the conversation's expected share of advice, open questions, complex
  reflections...), and log(1 + their number) / 5.

Zeros where the conversation has no other turn of that role. The training rows read the inner out-of-fold
probabilities of their own conversation's turns, the test rows the whole-fold heads' probabilities of theirs
(on the text as shown: clean, or without punctuation or case).

**Variants** (:data:`VARIANTS`): the conversation block at weight 0.5, 1 or 2, as it is (``raw``:
probabilities and scaled counts) and standardised (``std``: each column minus its mean, over its sd, both
taken on the clean training rows the head is fitted on, weighted by its corpus weights). A conversation's
mean probability varies far less between conversations than one turn's (sd 0.045-0.08, against 0.12-0.20
for the gold shares), so raw it is cheap for the regulariser to ignore. Then the standardised block at
weight 1 combined with stack_context's ±2 neighbour block (:func:`research.stack_context.context_block`)
at its best weight 0.5; the neighbour block alone (±2 × 0.5, stack_context's chosen cell, as a reference);
and an **oracle** that is no model: the standardised conversation block built from the other turns' GOLD
labels (one-hot) at train and test time, i.e. what the conversation-level label signal would be worth if
the other turns were labelled exactly.

Scores: macro-F1 per outer fold (clean and without punctuation or case) of AnnoMI talk type and of AnnoMI
and ESConv behaviour; mean ± sd over the folds, the paired per-fold difference from the first stage
(mean ± sd) and how many folds improve; per-class F1 over the pooled folds (clean). The variant **chosen**
is the one with the best mean paired clean gain on AnnoMI talk type, the oracle excluded; it is the best of
eight on these same folds, so its gain is optimistic, and the script also reports the gain of a choice made
without each test fold (the variant best on the other folds, scored on the fold left out). Diagnostics: how
far the conversation's first-stage mean of each talk type follows the gold share of its other client turns.

Deterministic (LinearSVC and the folds have fixed seeds; ties go to the first variant). About 7 minutes per
outer fold on two shared cores (one process, one core mostly; about 1.6 GB of memory), 35 minutes in all;
the quick check above takes about 90 s. Prints numbers only, never turn text; progress goes to stderr.

Result of the first run (5 folds, 2116 s): the first stage and the ±2 × 0.5 reference reproduce
stack_context.py's per-fold scores exactly (AnnoMI talk type 0.515 ± 0.049, behaviour 0.754 ± 0.022).
**No variant raises talk type beyond fold noise.** Paired Δ from the first stage, AnnoMI talk type, clean
(folds up) / without punctuation: conversation raw × 0.5 +0.001 ± 0.007 (4/5; the fifth -0.011) / +0.001,
raw × 1 +0.001 ± 0.011, raw × 2 -0.002 ± 0.012; standardised × 0.5, 1, 2 -0.011 to -0.013 ± 0.024 (1-2/5);
±2 × 0.5 + standardised × 1 -0.012 ± 0.024 (1/5); ±2 × 0.5 alone +0.002 ± 0.011 (3/5), the chosen cell. A
choice made without each test fold scores -0.007 ± 0.008 on it. Per class, no variant raises change talk
(0.45 -> 0.42-0.45); sustain moves 0.32 -> 0.33-0.34. The **oracle** (the other client and therapist turns'
gold labels) gives +0.067 ± 0.028 (5/5; change 0.53, sustain 0.41): the conversation-level signal is real,
but the first stage's estimate of it is weak: over the test folds, the leave-one-out conversation mean of
its change, neutral and sustain probabilities correlates 0.34, 0.36 and 0.43 with the gold share of the
same other turns, and spreads over an sd of 0.045-0.08 against the gold shares' 0.12-0.20. Behaviour:
AnnoMI raw × 0.5 and × 1 +0.006 ± 0.009 / ± 0.010 (3/5; no punctuation +0.007 / +0.009), the rest
+0.002-0.003; ESConv within ±0.005. Computing the block costs about 0.2 s per 40 000 turns. Not worth
shipping.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from equipoise.label.data import LABEL_CLASSES, Session
from equipoise.label.train import TrainConfig, gold_column, load_corpora, row_weights
from equipoise.model import Role
from research.cli import (
    cv_parser,
    outer_folds,
    print_block_timings,
    print_sections,
    progress_printer,
    sd,
    stacking_settings,
    write_json,
)
from research.stack_context import (
    FIRST,
    NO_PUNCTUATION,
    Scores,
    context_block,
    fit_heads,
    margins,
    out_of_fold,
    per_class,
    probabilities,
    subsample,
    temperatures,
)

#: the heads refitted in the second stage and reported, in the order of the table
SECOND_HEADS = ("talk_type", "behaviour")
#: therapist columns of the conversation block: (head, the behaviour class that gates it, or None)
THERAPIST_PROFILE: tuple[tuple[str, str | None], ...] = (
    ("behaviour", None), ("input_type", "input"), ("question_type", "question"),
    ("reflection_type", "reflection"))
#: the count columns are log(1 + n) / COUNT_SCALE, about 0..1 for the conversations here
COUNT_SCALE = 5.0


@dataclass(frozen=True)
class Variant:
    """One second stage: the conversation block's weight and scale (``raw`` probabilities and counts, or
    ``std``: each column standardised by its mean and sd over the training fold's clean rows), and the
    neighbour window (0: none) and its weight; ``oracle`` builds the conversation block from the other
    turns' gold labels instead of the first stage's probabilities."""

    conversation: float
    scale: str = "std"
    window: int = 0
    window_weight: float = 0.5
    oracle: bool = False

    @property
    def name(self) -> str:
        parts = [f"±{self.window} × {self.window_weight:g}"] if self.window else []
        if self.conversation:
            parts.append(f"{'gold ' if self.oracle else ''}conversation {self.scale} × {self.conversation:g}")
        return ("oracle: " if self.oracle else "") + " + ".join(parts)


VARIANTS: tuple[Variant, ...] = (
    *(Variant(w, "raw") for w in (0.5, 1.0, 2.0)),
    *(Variant(w, "std") for w in (0.5, 1.0, 2.0)),
    Variant(1.0, "std", window=2),
    Variant(0.0, window=2),
    Variant(1.0, "std", oracle=True),
)


def conversation_width() -> int:
    """Columns of the conversation block: client mean, max and count; therapist means and count."""
    client = 2 * len(LABEL_CLASSES["talk_type"]) + 1
    return client + therapist_profile_width() + 1


def therapist_profile_width() -> int:
    return sum(len(LABEL_CLASSES[h]) for h, _ in THERAPIST_PROFILE)


def therapist_profile(proba: dict[str, np.ndarray]) -> np.ndarray:
    """Per row: the behaviour probabilities, then each subtype's probabilities times p(its behaviour)."""
    behaviour = LABEL_CLASSES["behaviour"]
    cols = []
    for head, gate in THERAPIST_PROFILE:
        p = proba[head]
        cols.append(p if gate is None else p * proba["behaviour"][:, [behaviour.index(gate)]])
    return np.hstack(cols)


def leave_one_out(values: np.ndarray, member: np.ndarray, with_max: bool) -> np.ndarray:
    """For every row of one conversation: the mean (and the max) of ``values`` over the member rows other
    than itself, and log(1 + their number) / :data:`COUNT_SCALE`; zeros where there is no other member."""
    n, d = values.shape
    idx = np.flatnonzero(member)
    count = len(idx) - member.astype(float)
    own = np.where(member[:, None], values, 0.0)
    total = values[idx].sum(axis=0) if len(idx) else np.zeros(d)
    mean = (total[None, :] - own) / np.maximum(count, 1.0)[:, None]
    mean[count == 0] = 0.0
    parts = [mean]
    if with_max:
        top = np.zeros((n, d))
        if len(idx):
            ordered = np.sort(values[idx], axis=0)
            first = ordered[-1]
            second = ordered[-2] if len(idx) > 1 else np.zeros(d)
            top[:] = first
            arg = values[idx].argmax(axis=0)
            for c in range(d):  # the member holding the max sees the second largest
                top[idx[arg[c]], c] = second[c]
        top[count == 0] = 0.0
        parts.append(top)
    parts.append((np.log1p(count) / COUNT_SCALE)[:, None])
    return np.hstack(parts)


def conversation_block(sessions: Sequence[Session], proba: dict[str, np.ndarray]) -> np.ndarray:
    """The conversation block of every turn of ``sessions`` (turns concatenated in order, like ``proba``'s
    rows): the client's other turns' talk-type mean, max and count, then the therapist's other turns'
    profile mean (:func:`therapist_profile`) and count."""
    client_values = proba["talk_type"]
    therapist_values = therapist_profile(proba)
    out = np.zeros((client_values.shape[0], conversation_width()))
    start = 0
    for s in sessions:
        rows = slice(start, start + len(s))
        client = np.array([r is Role.CLIENT for r in s.roles])
        therapist = np.array([r is Role.THERAPIST for r in s.roles])
        out[rows] = np.hstack([leave_one_out(client_values[rows], client, with_max=True),
                               leave_one_out(therapist_values[rows], therapist, with_max=False)])
        start += len(s)
    return out


def gold_onehot(sessions: Sequence[Session]) -> dict[str, np.ndarray]:
    """The gold labels as one-hot 'probabilities' (zeros where a label does not apply), for the oracle."""
    out = {}
    for name, classes in LABEL_CLASSES.items():
        y = gold_column(sessions, name)
        out[name] = np.stack([(y == c).astype(float) for c in classes], axis=1)
    return out


@dataclass(frozen=True)
class Blocks:
    """One set of rows' dense blocks, computed once per outer fold: the conversation block from the first
    stage's probabilities and from the gold labels, and the ±2 neighbour block."""

    conversation: np.ndarray
    gold_conversation: np.ndarray
    neighbours: np.ndarray

    @classmethod
    def of(cls, sessions: Sequence[Session], proba: dict[str, np.ndarray], window: int) -> Blocks:
        return cls(conversation_block(sessions, proba), conversation_block(sessions, gold_onehot(sessions)),
                   context_block(sessions, proba, window))


@dataclass(frozen=True)
class Standard:
    """Column means and sds for the ``std`` scale (sd 0 -> column 0), over the rows a head trains on."""

    mean: np.ndarray
    sd: np.ndarray

    @classmethod
    def of(cls, block: np.ndarray, weights: np.ndarray) -> Standard:
        """Weighted by the rows' corpus weights in the head, as the head weighs them."""
        mean = np.average(block, axis=0, weights=weights)
        return cls(mean, np.sqrt(np.average((block - mean) ** 2, axis=0, weights=weights)))

    @classmethod
    def for_head(cls, block: np.ndarray, rows: Sequence[Session], clean: np.ndarray, config: TrainConfig,
                 head: str) -> Standard:
        """Over the clean training rows with a gold label of ``head`` and a positive weight in it."""
        weights = row_weights(rows, config, head)
        keep = clean & (gold_column(rows, head) != "") & (weights > 0)
        return cls.of(block[keep], weights[keep])

    def apply(self, block: np.ndarray) -> np.ndarray:
        safe = np.where(self.sd > 1e-9, self.sd, 1.0)
        return np.where(self.sd > 1e-9, (block - self.mean) / safe, 0.0)


def second_features(features: sparse.csr_matrix, blocks: Blocks, standard: dict[bool, Standard],
                    variant: Variant) -> sparse.csr_matrix:
    """The sparse features, then the neighbour block and the conversation block, each times its weight.
    ``standard[oracle]`` standardises the first-stage (False) or gold (True) conversation block (with the
    statistics of the head the features are for)."""
    dense = []
    if variant.window:
        dense.append(blocks.neighbours * variant.window_weight)
    if variant.conversation:
        block = blocks.gold_conversation if variant.oracle else blocks.conversation
        if variant.scale == "std":
            block = standard[variant.oracle].apply(block)
        dense.append(block * variant.conversation)
    return sparse.hstack([features, *(sparse.csr_matrix(b) for b in dense)], format="csr")


@dataclass
class Diagnostics:
    """Pooled over the clean test folds, AnnoMI client turns with a gold talk type and another client turn:
    the leave-one-out conversation mean of the first stage's probability of each class, and the gold share
    of that class over the same other turns."""

    predicted: list[np.ndarray]
    gold: list[np.ndarray]

    def add(self, sessions: Sequence[Session], proba: dict[str, np.ndarray]) -> None:
        block = conversation_block(sessions, proba)
        predicted, count = block[:, :3], block[:, 6]
        share = conversation_block(sessions, gold_onehot(sessions))[:, :3]
        y = gold_column(sessions, "talk_type")
        corpus = np.array([s.corpus for s in sessions for _ in range(len(s))])
        keep = (y != "") & (corpus == "annomi") & (count > 0)
        self.predicted.append(predicted[keep])
        self.gold.append(share[keep])

    def lines(self) -> list[str]:
        if not self.predicted:
            return []
        p, g = np.vstack(self.predicted), np.vstack(self.gold)
        lines = ["| talk type | gold share of the other client turns (mean, sd) "
                 "| first-stage mean (mean, sd) | correlation |", "|---|---|---|---|"]
        for c, name in enumerate(LABEL_CLASSES["talk_type"]):
            r = float(np.corrcoef(p[:, c], g[:, c])[0, 1]) if len(p) > 2 else float("nan")
            lines.append(f"| {name} | {g[:, c].mean():.3f}, {g[:, c].std():.3f} | "
                         f"{p[:, c].mean():.3f}, {p[:, c].std():.3f} | {r:.2f} |")
        return lines


def run(sessions: Sequence[Session], config: TrainConfig, variants: Sequence[Variant] = VARIANTS,
        inner: int = 5, only_folds: int | None = None,
        progress: Callable[[str], None] | None = None) -> tuple[Scores, list[dict[str, Any]], Diagnostics]:
    """Score the first stage and every variant's second stage on each outer fold; also time the blocks."""
    scores = Scores()
    diagnostics = Diagnostics([], [])
    timings: list[dict[str, Any]] = []
    for fold in outer_folds(sessions, config, only_folds):
        features, rows, test, test_features, gold, corpus_of = (
            fold.features, fold.rows, fold.test, fold.test_features, fold.gold, fold.corpus_of)
        clean_row = fold.clean_rows
        timing = fold.timing()
        if progress:
            progress(f"{fold.name}: features fitted ({features.shape[0]} training rows)")

        first = fit_heads(features, rows, config)
        oof = out_of_fold(features, fold.train, rows, config, inner)
        temps = temperatures(oof, rows, clean_row)
        train_proba = probabilities(oof, temps)
        test_proba = {}
        for condition, x in test_features.items():
            tick = time.perf_counter()
            test_proba[condition] = probabilities(margins(first, x), temps)
            if condition == "clean":
                timing["seconds"]["first stage scores"] = time.perf_counter() - tick
                tick = time.perf_counter()
                conversation_block(test, test_proba[condition])
                timing["seconds"]["conversation block"] = time.perf_counter() - tick
                diagnostics.add(test, test_proba[condition])
            for name in SECOND_HEADS:
                if name in first:
                    scores.add(FIRST, name, condition, first[name], x, gold[name], corpus_of)
        if progress:
            progress(f"{fold.name}: first stage and inner out-of-fold scores done")

        window = max([v.window for v in variants] + [1])
        train_blocks = Blocks.of(rows, train_proba, window)
        standard = {head: {oracle: Standard.for_head(block, rows, clean_row, config, head)
                           for oracle, block in ((False, train_blocks.conversation),
                                                 (True, train_blocks.gold_conversation))}
                    for head in SECOND_HEADS}
        test_blocks = {c: Blocks.of(s, test_proba[c], window) for c, s in fold.test_sets.items()}
        for variant in variants:
            if variant.window not in (0, window):
                raise ValueError(f"one neighbour window per run ({window}), not {variant.window}")
            for name in SECOND_HEADS:  # one head at a time: the std scale is the head's own
                x_train = second_features(features, train_blocks, standard[name], variant)
                second = fit_heads(x_train, rows, config, (name,))
                if name not in second:
                    continue
                for condition, x in test_features.items():
                    x_test = second_features(x, test_blocks[condition], standard[name], variant)
                    scores.add(variant.name, name, condition, second[name], x_test, gold[name], corpus_of)
            if progress:
                progress(f"{fold.name}: {variant.name}: " + ", ".join(
                    f"annomi {n} {np.subtract(scores.per_fold[key], scores.per_fold[base])[-1]:+.3f}"
                    for n in SECOND_HEADS
                    if (key := (variant.name, n, "annomi", "clean")) in scores.per_fold
                    and (base := (FIRST, n, "annomi", "clean")) in scores.per_fold))
        timing["seconds"]["fold"] = time.perf_counter() - fold.began
        timings.append(timing)
    return scores, timings, diagnostics


def gains(scores: Scores, model: str, head: str = "talk_type", corpus: str = "annomi",
          condition: str = "clean") -> np.ndarray:
    """Per-fold difference of ``model`` from the first stage."""
    return np.subtract(scores.per_fold[(model, head, corpus, condition)],
                       scores.per_fold[(FIRST, head, corpus, condition)])


def candidates(scores: Scores, variants: Sequence[Variant]) -> list[str]:
    return [v.name for v in variants if not v.oracle and (v.name, "talk_type", "annomi", "clean")
            in scores.per_fold]


def choose(scores: Scores, variants: Sequence[Variant]) -> str | None:
    """The variant (oracle excluded) with the best mean paired clean gain on AnnoMI talk type."""
    names = candidates(scores, variants)
    return max(names, key=lambda n: float(gains(scores, n).mean())) if names else None


def chosen_without_fold(scores: Scores, variants: Sequence[Variant]) -> tuple[list[str], np.ndarray]:
    """For each fold, the variant with the best mean talk-type gain on the OTHER folds, and its gain on the
    fold left out (an estimate of the choice free of the optimism of picking on the test folds)."""
    names = candidates(scores, variants)
    if not names:
        return [], np.zeros(0)
    n_folds = len(gains(scores, names[0]))
    picked, out = [], []
    for k in range(n_folds):
        others = [j for j in range(n_folds) if j != k]
        best = max(names, key=lambda n: float(gains(scores, n)[others].mean()) if others else 0.0)
        picked.append(best)
        out.append(gains(scores, best)[k])
    return picked, np.array(out)


def table(scores: Scores, models: Sequence[str]) -> list[str]:
    """Per head and corpus, per model: clean macro-F1 (mean ± sd), no punctuation (drop), the paired
    per-fold difference from the first stage, clean and without punctuation, and the folds it raises."""
    lines = []
    for name in SECOND_HEADS:
        for corpus in sorted({c for m, h, c, _ in scores.per_fold if h == name and m == FIRST}):
            lines += [f"### {corpus} {name}", "",
                      "| model | macro-F1 clean | no punct. (drop) | Δ first, clean (paired) | folds up "
                      "| Δ first, no punct. | folds up |", "|---|---|---|---|---|---|---|"]
            for model in models:
                if (model, name, corpus, "clean") not in scores.per_fold:
                    continue
                clean = np.array(scores.per_fold[(model, name, corpus, "clean")])
                plain = np.array(scores.per_fold[(model, name, corpus, NO_PUNCTUATION)])
                d_clean = gains(scores, model, name, corpus)
                d_plain = gains(scores, model, name, corpus, NO_PUNCTUATION)
                lines.append(f"| {model} | {clean.mean():.3f} ± {sd(clean):.3f} | "
                             f"{plain.mean():.3f} ({clean.mean() - plain.mean():+.3f}) | "
                             f"{d_clean.mean():+.3f} ± {sd(d_clean):.3f} | "
                             f"{int((d_clean > 0).sum())}/{len(d_clean)} | "
                             f"{d_plain.mean():+.3f} ± {sd(d_plain):.3f} | "
                             f"{int((d_plain > 0).sum())}/{len(d_plain)} |")
            lines.append("")
    return lines


def main() -> None:
    parser = cv_parser(__doc__.splitlines()[0])
    args = parser.parse_args()
    start = time.perf_counter()
    progress = progress_printer(start)

    config = TrainConfig(folds=args.folds, seed=args.seed)
    sessions = subsample(load_corpora(args.data)[0], args.esconv_share, args.seed)
    scores, timings, diagnostics = run(sessions, config, VARIANTS, args.inner, args.only_folds, progress)
    chosen = choose(scores, VARIANTS)
    picked, held_out = chosen_without_fold(scores, VARIANTS)
    models = [FIRST, *(v.name for v in VARIANTS)]
    write_json(args.json, stacking_settings(args), chosen, timings, scores.per_fold,
               chosen_without_fold={"variants": picked,
                                    "talk_type_gain": [round(float(x), 4) for x in held_out]})
    print_sections([*table(scores, models), *per_class(scores, models, heads=SECOND_HEADS)],
                   per_class(scores, models, heads=("behaviour",), corpus="esconv")[2:],
                   ["Conversation-level signal (AnnoMI client turns, clean test folds, pooled):"],
                   diagnostics.lines())
    print()
    if chosen:
        d = gains(scores, chosen)
        print(f"chosen: {chosen} (best of {len(candidates(scores, VARIANTS))} by the mean paired gain of "
              f"annomi talk_type, clean; chosen on these folds, so optimistic): "
              f"{d.mean():+.3f} ± {sd(d):.3f}, {int((d > 0).sum())}/{len(d)} folds up")
    if len(held_out):
        print(f"chosen on the other folds, scored on the fold left out: annomi talk_type "
              f"{held_out.mean():+.3f} ± {sd(held_out):.3f} ({', '.join(picked)})")
    print_block_timings(timings, start, 3)


if __name__ == "__main__":
    main()
