"""Grouped-CV test of sequence decoding (a hybrid HMM: Viterbi, or forward-backward posteriors) of client
talk type over each conversation's client turns, and of therapist behaviour over its therapist turns.

Run from the repository's root folder:

    python -m research.decode_sequence --data ../shared/data                     # about 12 minutes here
    python -m research.decode_sequence --data ../shared/data --json decode.json  # also the per-fold scores
    python -m research.decode_sequence --data ../shared/data --only-folds 1 --esconv-share 0.1   # quick check

**First stage** (cached): the outer folds, feature space, heads, inner out-of-fold margins and temperatures
are those of ``research/stack_context.py`` (its functions, imported), for the behaviour and talk-type heads
only; each head is fitted on its own, so they are the shipped heads of ``equipoise train``'s CV. Per outer
fold the cache keeps the calibrated probabilities of the clean training rows (inner out-of-fold), of the
clean test fold and of the test fold without punctuation or case, in ``--cache`` (default
``/tmp/equipoise-decode``; numbers only, keyed by a hash of the data files and the settings). The first
stage takes about 2 minutes per fold on two shared cores (one used); a second run reads the cache and takes
about a minute. The quick check above takes about 55 s.

**Decoding**, per problem (:data:`PROBLEMS`: AnnoMI talk type over the client turns, behaviour over the
therapist turns of AnnoMI and of ESConv, each corpus with its own statistics), in each outer fold:

* emission of class y at turn t: ``log p(y | x_t) - alpha * log p(y)``, p(y) the class frequency of the
  training fold (add-one), alpha in :data:`ALPHAS`;
* transition log-probabilities (and a start distribution) counted on the training fold's gold sequences
  with add-one smoothing, times beta in :data:`BETAS`; optionally (``[between]``) one matrix per class of
  the other role's turn just before (for talk type the therapist turn between two client turns:
  reflection, question, input, other, or none), that class being the first stage's prediction (inner
  out-of-fold on the training fold, the test fold's own at test time), never gold;
* decoding by Viterbi, or by the argmax of the forward-backward posterior marginals.

Every cell of that grid is reported on the test folds (the best cell is optimistic). The **chosen** rows
pick the cell per fold on the training fold only: its conversations are decoded inner fold by inner fold
(the folds of the inner out-of-fold scores) with the priors and transitions counted on the other inner
folds, and the cell with the best pooled macro-F1 wins. Baselines without transitions: ``prior α`` (the
emission's argmax), and ``bias``: ``argmax_y log p(y | x) + b_y`` with b tuned (coordinate ascent, b of the
first class 0, grid :data:`BIAS_GRID`) to maximise the training fold's inner out-of-fold macro-F1.
``posterior+bias`` tunes such a b on the training fold's posteriors of every cell and keeps the cell with
the best tuned macro-F1. The **oracle** rows are no decoder: they add ``beta log A[gold previous class, y]``
to the emission (alpha 0.5), i.e. what one step of exactly known context could add; and the diagnostics
give how often a class follows itself in the gold and in the first stage's predictions, and how the first
stage's errors cluster.

Scores: macro-F1 per fold, clean and without punctuation or case; the paired per-fold difference from the
first stage (mean ± sd over the folds) and per-class F1 over the pooled folds (clean). Timing: the first
stage per fold, and decoding one conversation at a time (as the labeller would) against the first stage's
own scoring of the same turns.

Deterministic (the folds and LinearSVC have fixed seeds; ties go to the first class or cell). Prints
numbers only, never turn text; progress goes to stderr.

Result of the first run (5 folds; 690 s, of which the first stage 628 s): the first stage reproduces the
training CV (AnnoMI talk type 0.515 ± 0.049, behaviour 0.754 ± 0.022; ESConv behaviour 0.633 ± 0.006).
**No decoder gains beyond fold noise.** Paired Δ from the first stage, clean / without punctuation:

==========================  =========================  =========================  ==========================
model                       AnnoMI talk type           AnnoMI behaviour           ESConv behaviour
==========================  =========================  =========================  ==========================
bias (tuned)                +0.003 ± 0.010 / +0.000    -0.001 ± 0.007 / -0.005    +0.007 ± 0.004 / -0.014
Viterbi (chosen)            -0.012 ± 0.026 / -0.000    -0.006 ± 0.014 / -0.017    -0.004 ± 0.004 / -0.005
posterior (chosen)          +0.002 ± 0.013 / +0.009    -0.002 ± 0.007 / -0.009    +0.000 ± 0.003 / -0.001
posterior+bias (chosen)     -0.000 ± 0.008 / +0.005    -0.005 ± 0.008 / -0.009    +0.008 ± 0.008 / -0.008
best grid cell (optimistic) +0.004 ± 0.013 / +0.009    +0.002 ± 0.007 / -0.011    +0.001 ± 0.004 / -0.002
oracle, gold previous       +0.054 ± 0.017 / +0.058    +0.007 ± 0.009 / +0.005    +0.006 ± 0.006 / +0.003
==========================  =========================  =========================  ==========================

The training folds choose alpha 0.5, beta 0.5 in 27 of the 30 Viterbi and posterior choices; alpha 0
or beta 1 cost 0.02-0.12 on talk type (the transitions pull change and sustain talk towards neutral). The
one steady clean gain, a class bias on ESConv behaviour (+0.007, 5 of 5 folds), turns into a loss without
punctuation (-0.014, 0 of 5). Why the gold structure does not carry over: the first stage's change and
sustain talk hardly persist (a predicted change turn is followed by a predicted change turn 31 % of the
time, gold 56 %; sustain 17 %, gold 42 %), a third of the talk-type labels are wrong and the errors
cluster (wrong after a wrong turn 43 %, after a right one 30 %), so the chain has weak, correlated
evidence to pass along. Even the exact previous label adds only +0.05. Decoding
runs at about 55 000 turns/s (Viterbi) and 43 000 (posterior) one conversation at a time, against about
1 000 turns/s for the first stage, so speed is not what holds it back. Not shipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from equipoise.label.data import LABEL_CLASSES, Session
from equipoise.label.train import TrainConfig, _macro_f1, gold_column, load_corpora, video_folds
from equipoise.model import Role
from research.cli import CONDITIONS, NO_PUNCTUATION, cv_parser, outer_fold, progress_printer, sd
from research.stack_context import (
    FIRST,
    fit_heads,
    margins,
    out_of_fold,
    probabilities,
    subsample,
    temperatures,
)

#: the heads the first stage fits (the others are not needed here)
HEADS = ("behaviour", "talk_type")
ALPHAS = (0.0, 0.5, 1.0)
BETAS = (0.5, 1.0)
#: bias offsets tried per class, on the log-probability scale
BIAS_GRID = np.round(np.arange(-3.0, 3.0001, 0.1), 2)
CACHE_VERSION = "1"
ROLE_CODE = {Role.THERAPIST: 0, Role.CLIENT: 1}


@dataclass(frozen=True)
class Problem:
    """One sequence-labelling problem: a head, the role whose turns form the sequence, the head read on the
    other role's turn in between (for the conditioned transitions) and the corpus."""

    head: str
    role: Role
    context_head: str
    corpus: str

    @property
    def name(self) -> str:
        return f"{self.corpus} {self.head}"


PROBLEMS: tuple[Problem, ...] = (
    Problem("talk_type", Role.CLIENT, "behaviour", "annomi"),
    Problem("behaviour", Role.THERAPIST, "talk_type", "annomi"),
    Problem("behaviour", Role.THERAPIST, "talk_type", "esconv"),
)


@dataclass(frozen=True)
class Cell:
    """One decoder setting: the prior's exponent, the transitions' weight, one matrix or one per context."""

    alpha: float
    beta: float
    conditioned: bool

    def name(self, decoder: str) -> str:
        return f"{decoder} α={self.alpha:g} β={self.beta:g}" + (" [between]" if self.conditioned else "")


CELLS: tuple[Cell, ...] = tuple(Cell(a, b, c) for c in (False, True) for b in BETAS for a in ALPHAS)
DECODERS = ("viterbi", "posterior")


# --- first stage, cached ------------------------------------------------------------------------------


@dataclass
class Fold:
    """One outer fold's first stage: the test sessions, the inner fold of each training session, and the
    calibrated probabilities of the clean training rows (inner out-of-fold) and of the test rows."""

    test_idx: np.ndarray
    inner: np.ndarray
    train_proba: dict[str, np.ndarray]
    test_proba: dict[str, dict[str, np.ndarray]]
    seconds: dict[str, float]


def cache_key(files: Sequence[Path], config: TrainConfig, inner: int, esconv_share: float) -> str:
    """A hash of the data files' bytes and every setting the first stage depends on."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(repr((CACHE_VERSION, config, inner, esconv_share, HEADS)).encode())
    return digest.hexdigest()[:16]


def save_fold(path: Path, fold: Fold) -> None:
    arrays: dict[str, np.ndarray] = {"test_idx": fold.test_idx, "inner": fold.inner,
                                     "seconds": np.array(json.dumps(fold.seconds, sort_keys=True))}
    arrays.update({f"train.{h}": p for h, p in fold.train_proba.items()})
    arrays.update({f"test.{c}.{h}": p for c, heads in fold.test_proba.items() for h, p in heads.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial.npz")
    np.savez(partial, **arrays)  # type: ignore[arg-type]
    os.replace(partial, path)


def load_fold(path: Path) -> Fold:
    with np.load(path, allow_pickle=False) as z:
        return Fold(z["test_idx"], z["inner"], {h: z[f"train.{h}"] for h in HEADS},
                    {c: {h: z[f"test.{c}.{h}"] for h in HEADS} for c in CONDITIONS},
                    json.loads(str(z["seconds"])))


def first_stage(sessions: Sequence[Session], config: TrainConfig, test_idx: np.ndarray, inner: int,
                progress: Callable[[str], None]) -> Fold:
    """Fit the first stage of one outer fold as research/stack_context.py does (behaviour and talk type)."""
    fold = outer_fold(sessions, config, test_idx)
    features, train, rows, clean_row = fold.features, fold.train, fold.rows, fold.clean_rows
    progress(f"features fitted ({features.shape[0]} training rows)")
    first = fit_heads(features, rows, config, HEADS)
    oof = out_of_fold(features, train, rows, config, inner, HEADS)
    temps = temperatures(oof, rows, clean_row)  # the heads not fitted have zero margins: T is moot
    train_proba = {h: p[clean_row] for h, p in probabilities({h: oof[h] for h in HEADS}, temps).items()}
    progress("first stage and inner out-of-fold scores done")
    seconds: dict[str, float] = {}
    test_proba = {}
    for condition in CONDITIONS:
        tick = time.perf_counter()
        proba = probabilities(margins(first, fold.test_features[condition]), temps)
        if condition == "clean":
            seconds = {"featurise": fold.test_seconds[condition], "score": time.perf_counter() - tick}
        test_proba[condition] = {h: proba[h] for h in HEADS}
    inner_of = np.full(len(train), -1)
    for k, held in enumerate(video_folds(train, replace(config, folds=inner))):
        inner_of[held] = k
    seconds["fold"] = time.perf_counter() - fold.began
    return Fold(np.asarray(test_idx), inner_of, train_proba, test_proba, seconds)


def first_stages(sessions: Sequence[Session], config: TrainConfig, inner: int, only_folds: int | None,
                 cache: Path | None, progress: Callable[[str], None]) -> list[Fold]:
    """Every outer fold's first stage, from the cache folder when it is there (else computed and stored)."""
    folds = video_folds(sessions, config)[:only_folds]
    out = []
    for k, test_idx in enumerate(folds):
        path = None if cache is None else cache / f"fold{k + 1}.npz"
        if path is not None and path.is_file():
            fold = load_fold(path)
            if np.array_equal(fold.test_idx, test_idx):
                progress(f"fold {k + 1}/{len(folds)}: first stage read from the cache")
                out.append(fold)
                continue
        fold = first_stage(sessions, config, test_idx, inner,
                           lambda m, k=k: progress(f"fold {k + 1}/{len(folds)}: {m}"))
        if path is not None:
            save_fold(path, fold)
        out.append(fold)
    return out


# --- sequences, transitions and decoders ---------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """Per turn of a list of sessions (concatenated in order): role code, corpus and owning session."""

    role: np.ndarray
    corpus: np.ndarray
    session: np.ndarray
    start: np.ndarray  # first row of each session

    @classmethod
    def of(cls, sessions: Sequence[Session]) -> Rows:
        lengths = [len(s) for s in sessions]
        return cls(np.array([ROLE_CODE.get(r, 2) for s in sessions for r in s.roles], dtype=int),
                   np.array([s.corpus for s in sessions for _ in range(len(s))]),
                   np.repeat(np.arange(len(sessions)), lengths),
                   np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int))


@dataclass(frozen=True)
class Sequences:
    """A batch of padded sequences: ``rows[n, t]`` is the row of the t-th turn of sequence n (-1 past its
    end), ``owner[n]`` the sequence's session."""

    rows: np.ndarray
    mask: np.ndarray
    owner: np.ndarray

    @classmethod
    def of(cls, rows: Rows, role: Role, corpus: str, sessions: np.ndarray | None = None) -> Sequences:
        """The turns of ``role`` of every session of ``corpus`` (of ``sessions`` if given) that has any."""
        code = ROLE_CODE[role]
        wanted = np.unique(rows.session[rows.corpus == corpus]) if sessions is None else sessions
        parts = [(k, np.flatnonzero((rows.session == k) & (rows.role == code))) for k in wanted]
        parts = [(k, r) for k, r in parts if len(r)]
        width = max((len(r) for _, r in parts), default=0)
        out = np.full((len(parts), width), -1, dtype=int)
        for n, (_, r) in enumerate(parts):
            out[n, :len(r)] = r
        return cls(out, out >= 0, np.array([k for k, _ in parts], dtype=int))

    def subset(self, keep: np.ndarray) -> Sequences:
        mask = self.mask[keep]
        width = int(mask.sum(axis=1).max()) if len(mask) else 0
        return Sequences(self.rows[keep][:, :width], mask[:, :width], self.owner[keep])


def between(seqs: Sequences, role: np.ndarray, other: int, predicted: np.ndarray,
            n_context: int) -> np.ndarray:
    """Per position, the predicted class of the other role's turn just before it when that turn comes after
    the sequence's previous turn; ``n_context`` (none) otherwise and at the first position."""
    out = np.full(seqs.rows.shape, n_context, dtype=int)
    if seqs.rows.shape[1] < 2:
        return out
    before = seqs.rows[:, 1:] - 1
    inside = seqs.mask[:, 1:] & (before > seqs.rows[:, :-1])
    inside[inside] = role[before[inside]] == other
    out[:, 1:][inside] = predicted[before[inside]]
    return out


@dataclass(frozen=True)
class Transitions:
    """Log start distribution (K) and log transitions (contexts × previous class × class), add-one."""

    log_start: np.ndarray
    log_trans: np.ndarray
    start_counts: np.ndarray
    counts: np.ndarray


def fit_transitions(seqs: Sequences, gold: np.ndarray, context: np.ndarray, k: int,
                    n_contexts: int) -> Transitions:
    """Count the gold starts and transitions of ``seqs`` (``gold`` per row, -1 missing) per context."""
    g = np.where(seqs.mask, gold[seqs.rows], -1)
    start = np.bincount(g[:, 0][g[:, 0] >= 0], minlength=k).astype(float) if g.shape[1] else np.zeros(k)
    counts = np.zeros((n_contexts, k, k))
    a, b, c = g[:, :-1], g[:, 1:], context[:, 1:]
    valid = (a >= 0) & (b >= 0)
    np.add.at(counts, (c[valid], a[valid], b[valid]), 1.0)
    smooth_start, smooth = start + 1.0, counts + 1.0
    return Transitions(np.log(smooth_start / smooth_start.sum()),
                       np.log(smooth / smooth.sum(axis=2, keepdims=True)), start, counts)


def log_prior(seqs: Sequences, gold: np.ndarray, k: int) -> np.ndarray:
    """Log class frequency (add-one) of the gold labels of the turns of ``seqs``."""
    g = gold[seqs.rows[seqs.mask]]
    counts = np.bincount(g[g >= 0], minlength=k) + 1.0
    return np.log(counts / counts.sum())


def emissions(seqs: Sequences, proba: np.ndarray, prior: np.ndarray, alpha: float) -> np.ndarray:
    """``log p(y | x_t) - alpha log p(y)`` per sequence, position and class (0 past the end)."""
    e = np.log(np.clip(proba[np.where(seqs.mask, seqs.rows, 0)], 1e-12, None)) - alpha * prior
    e[~seqs.mask] = 0.0
    return e


def viterbi(emit: np.ndarray, mask: np.ndarray, context: np.ndarray, trans: Transitions,
            beta: float) -> np.ndarray:
    """The best class path of every sequence under ``emit + beta * log transitions`` (batched)."""
    n, length, k = emit.shape
    if length == 0:
        return np.zeros((n, 0), dtype=int)
    weighted = beta * trans.log_trans
    delta = emit[:, 0] + beta * trans.log_start
    back = np.zeros((n, length, k), dtype=int)
    identity = np.arange(k)
    for t in range(1, length):
        candidates = delta[:, :, None] + weighted[context[:, t]]  # previous class × class
        best = candidates.argmax(axis=1)
        score = np.take_along_axis(candidates, best[:, None, :], axis=1)[:, 0] + emit[:, t]
        on = mask[:, t]
        delta = np.where(on[:, None], score, delta)
        back[:, t] = np.where(on[:, None], best, identity)  # past the end the path stays put
    path = np.zeros((n, length), dtype=int)
    path[:, -1] = delta.argmax(axis=1)
    for t in range(length - 1, 0, -1):
        path[:, t - 1] = back[np.arange(n), t, path[:, t]]
    return path


def logsumexp(x: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
    """log(sum(exp(x))) along ``axis`` (finite inputs; plain numpy, cheaper than scipy's on small arrays)."""
    top = x.max(axis=axis, keepdims=True)
    out = top + np.log(np.exp(x - top).sum(axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def posterior(emit: np.ndarray, mask: np.ndarray, context: np.ndarray, trans: Transitions,
              beta: float) -> np.ndarray:
    """Log posterior marginals of every position (forward-backward in log space, batched)."""
    n, length, k = emit.shape
    weighted = beta * trans.log_trans
    forward = np.zeros((n, length, k))
    if length == 0:
        return forward
    forward[:, 0] = emit[:, 0] + beta * trans.log_start
    for t in range(1, length):
        step = logsumexp(forward[:, t - 1, :, None] + weighted[context[:, t]], axis=1) + emit[:, t]
        forward[:, t] = np.where(mask[:, t, None], step, forward[:, t - 1])
    backward = np.zeros((n, length, k))
    for t in range(length - 2, -1, -1):
        step = logsumexp(weighted[context[:, t + 1]] + (emit[:, t + 1] + backward[:, t + 1])[:, None, :],
                         axis=2)
        backward[:, t] = np.where(mask[:, t + 1, None], step, 0.0)
    joint = forward + backward
    return joint - logsumexp(joint, axis=2, keepdims=True)


def spread(seqs: Sequences, values: np.ndarray, n_rows: int) -> np.ndarray:
    """Per-position values (N × L, or N × L × K) put back on the rows; -1 (or 0) where no sequence is."""
    shape = (n_rows, *values.shape[2:])
    out = np.full(shape, -1, dtype=int) if values.ndim == 2 else np.zeros(shape)
    out[seqs.rows[seqs.mask]] = values[seqs.mask]
    return out


def fast_macro_f1(gold: np.ndarray, pred: np.ndarray, k: int) -> float:
    """Macro-F1 over the classes present in ``gold`` (as :func:`equipoise.label.train._macro_f1`)."""
    cm = np.bincount(gold * k + pred, minlength=k * k).reshape(k, k)
    support, predicted = cm.sum(axis=1), cm.sum(axis=0)
    present = support > 0
    return float(np.mean(2 * np.diag(cm)[present] / (support[present] + predicted[present])))


def tune_bias(scores: np.ndarray, gold: np.ndarray, grid: np.ndarray = BIAS_GRID,
              passes: int = 10) -> tuple[np.ndarray, float]:
    """Offsets b (b[0] = 0) maximising the macro-F1 of ``argmax(scores + b)`` by coordinate ascent over
    ``grid``; a coordinate moves only for a strictly better score, to the first best value."""
    k = scores.shape[1]
    bias = np.zeros(k)
    best = fast_macro_f1(gold, scores.argmax(axis=1), k)
    for _ in range(passes):
        moved = False
        for j in range(1, k):
            trial = np.repeat((scores + bias)[None], len(grid), axis=0)
            trial[:, :, j] = scores[None, :, j] + grid[:, None]
            f1 = [fast_macro_f1(gold, p, k) for p in trial.argmax(axis=2)]
            pick = int(np.argmax(f1))
            if f1[pick] > best + 1e-12:
                best, bias[j], moved = f1[pick], grid[pick], True
        if not moved:
            break
    return bias, best


def previous_gold(seqs: Sequences, gold: np.ndarray, n_rows: int) -> np.ndarray:
    """Per row, the gold class of the sequence's previous turn (-1 at a sequence's start or off it)."""
    out = np.full(n_rows, -1, dtype=int)
    on = seqs.mask[:, 1:]
    out[seqs.rows[:, 1:][on]] = gold[seqs.rows[:, :-1][on]]
    return out


def oracle(emit: np.ndarray, previous: np.ndarray, trans: Transitions, beta: float) -> np.ndarray:
    """Not a decoder (it reads gold): per row, ``argmax_y emit_y + beta log A[previous gold, y]`` (the start
    distribution at a sequence's start), the most one step of exact context could add to the emissions."""
    scores = emit + beta * trans.log_start
    known = previous >= 0
    scores[known] = emit[known] + beta * trans.log_trans[0][previous[known]]
    return scores.argmax(axis=1)


def diagnostics(problem: Problem, sessions: Sequence[Session], folds: Sequence[Fold]) -> list[str]:
    """Why decoding can or cannot help, over the pooled clean test folds: how often a class follows itself
    in the gold and in the first stage's predictions, and how the first stage's errors cluster."""
    classes = LABEL_CLASSES[problem.head]
    k = len(classes)
    gold_pairs, pred_pairs = np.zeros((k, k)), np.zeros((k, k))
    wrong_before, wrong_now = [], []
    for fold in folds:
        test = [sessions[i] for i in sorted(fold.test_idx.tolist())]
        gold = class_index(gold_column(test, problem.head), classes)
        pred = fold.test_proba["clean"][problem.head].argmax(axis=1)
        seqs = Sequences.of(Rows.of(test), problem.role, problem.corpus)
        on = seqs.mask[:, 1:]
        before, now = seqs.rows[:, :-1][on], seqs.rows[:, 1:][on]
        keep = (gold[before] >= 0) & (gold[now] >= 0)
        before, now = before[keep], now[keep]
        np.add.at(gold_pairs, (gold[before], gold[now]), 1)
        np.add.at(pred_pairs, (pred[before], pred[now]), 1)
        wrong_before.append(pred[before] != gold[before])
        wrong_now.append(pred[now] != gold[now])
    wb, wn = np.concatenate(wrong_before), np.concatenate(wrong_now)
    stay = [f"{c} {gold_pairs[i, i] / gold_pairs[i].sum():.2f} / {pred_pairs[i, i] / pred_pairs[i].sum():.2f}"
            for i, c in enumerate(classes)]
    return [f"{problem.name}: P(same class as the previous turn), gold / first stage: " + ", ".join(stay),
            f"{problem.name}: first stage wrong {wn.mean():.3f}; after a wrong previous turn "
            f"{wn[wb].mean():.3f}, after a right one {wn[~wb].mean():.3f} ({len(wn)} pairs)"]


# --- one problem in one fold ----------------------------------------------------------------------------


def class_index(values: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(classes)}
    return np.array([lookup.get(v, -1) for v in values], dtype=int)


@dataclass
class Setting:
    """What decoding needs of one side (training or test) of a fold for one problem."""

    seqs: Sequences
    context: np.ndarray  # per position, the context class (n_contexts = none)
    proba: np.ndarray  # the head's probabilities per row


def contexts_for(cell: Cell, context: np.ndarray) -> np.ndarray:
    return context if cell.conditioned else np.zeros_like(context)


def decode(setting: Setting, cell: Cell, trans: dict[bool, Transitions], prior: np.ndarray,
           n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Viterbi labels and log posteriors of every row of ``setting``'s sequences under ``cell``."""
    emit = emissions(setting.seqs, setting.proba, prior, cell.alpha)
    ctx = contexts_for(cell, setting.context)
    t = trans[cell.conditioned]
    return (spread(setting.seqs, viterbi(emit, setting.seqs.mask, ctx, t, cell.beta), n_rows),
            spread(setting.seqs, posterior(emit, setting.seqs.mask, ctx, t, cell.beta), n_rows))


def fit_both(seqs: Sequences, gold: np.ndarray, context: np.ndarray, k: int,
             n_contexts: int) -> dict[bool, Transitions]:
    """The transitions without context (one matrix) and per context of the turn in between."""
    return {False: fit_transitions(seqs, gold, np.zeros_like(context), k, 1),
            True: fit_transitions(seqs, gold, context, k, n_contexts + 1)}


def run_problem(problem: Problem, sessions: Sequence[Session], fold: Fold) -> dict[str, Any]:
    """Decode one problem in one outer fold: tune on the training fold (inner folds), apply to the test fold.

    Returns the test predictions (class index per test row, -1 off the sequences) per model and condition,
    the gold of the test rows, the cells chosen, the training-fold scores, and the transitions."""
    classes = LABEL_CLASSES[problem.head]
    k = len(classes)
    n_ctx = len(LABEL_CLASSES[problem.context_head])
    other = 1 - ROLE_CODE[problem.role]
    test_set = set(fold.test_idx.tolist())
    train = [s for i, s in enumerate(sessions) if i not in test_set]
    test = [sessions[i] for i in sorted(test_set)]
    tr, te = Rows.of(train), Rows.of(test)
    gold_tr = class_index(gold_column(train, problem.head), classes)
    gold_te = class_index(gold_column(test, problem.head), classes)

    # training side: sequences of the corpus, with the first stage's inner out-of-fold predictions
    seq_tr = Sequences.of(tr, problem.role, problem.corpus)
    ctx_tr = between(seq_tr, tr.role, other, fold.train_proba[problem.context_head].argmax(axis=1), n_ctx)
    inner_of_seq = fold.inner[seq_tr.owner]
    target_tr = np.flatnonzero((tr.corpus == problem.corpus) & (gold_tr >= 0))
    n_tr = len(gold_tr)
    vit_tr = {c: np.full(n_tr, -1, dtype=int) for c in CELLS}
    post_tr = {c: np.zeros((n_tr, k)) for c in CELLS}
    for j in sorted(set(inner_of_seq.tolist())):
        fit_part, held = seq_tr.subset(inner_of_seq != j), seq_tr.subset(inner_of_seq == j)
        keep_ctx = ctx_tr[inner_of_seq != j][:, :fit_part.rows.shape[1]]
        trans = fit_both(fit_part, gold_tr, keep_ctx, k, n_ctx)
        prior = log_prior(fit_part, gold_tr, k)
        setting = Setting(held, ctx_tr[inner_of_seq == j][:, :held.rows.shape[1]],
                          fold.train_proba[problem.head])
        for cell in CELLS:
            v, p = decode(setting, cell, trans, prior, n_tr)
            on = held.rows[held.mask]
            vit_tr[cell][on], post_tr[cell][on] = v[on], p[on]
    g_tr = gold_tr[target_tr]
    train_f1: dict[str, float] = {}
    biases: dict[str, list[float]] = {}
    for cell in CELLS:
        train_f1[cell.name("viterbi")] = fast_macro_f1(g_tr, vit_tr[cell][target_tr], k)
        train_f1[cell.name("posterior")] = fast_macro_f1(g_tr, post_tr[cell][target_tr].argmax(axis=1), k)
        bias, tuned = tune_bias(post_tr[cell][target_tr], g_tr)
        train_f1[cell.name("posterior+bias")], biases[cell.name("posterior+bias")] = tuned, bias.tolist()
    log_p_tr = np.log(np.clip(fold.train_proba[problem.head][target_tr], 1e-12, None))
    train_f1[FIRST] = fast_macro_f1(g_tr, log_p_tr.argmax(axis=1), k)
    first_bias, train_f1["bias"] = tune_bias(log_p_tr, g_tr)
    chosen = {d: max(CELLS, key=lambda c, d=d: train_f1[c.name(d)]) for d in (*DECODERS, "posterior+bias")}

    # test side: transitions and prior of the whole training fold
    trans = fit_both(seq_tr, gold_tr, ctx_tr, k, n_ctx)
    prior = log_prior(seq_tr, gold_tr, k)
    seq_te = Sequences.of(te, problem.role, problem.corpus)
    n_te = len(gold_te)
    predictions: dict[str, dict[str, np.ndarray]] = {}

    def put(model: str, condition: str, pred: np.ndarray) -> None:
        predictions.setdefault(model, {})[condition] = pred

    for condition in CONDITIONS:
        proba = fold.test_proba[condition]
        setting = Setting(seq_te, between(seq_te, te.role, other, proba[problem.context_head].argmax(axis=1),
                                          n_ctx), proba[problem.head])
        log_p = np.log(np.clip(proba[problem.head], 1e-12, None))
        put(FIRST, condition, log_p.argmax(axis=1))
        put("bias (tuned)", condition, (log_p + first_bias).argmax(axis=1))
        for alpha in ALPHAS[1:]:
            put(f"prior α={alpha:g}", condition, (log_p - alpha * prior).argmax(axis=1))
        previous = previous_gold(seq_te, gold_te, n_te)
        for beta in BETAS:
            put(oracle_name(beta), condition, oracle(log_p - 0.5 * prior, previous, trans[False], beta))
        posts = {}
        for cell in CELLS:
            v, p = decode(setting, cell, trans, prior, n_te)
            posts[cell] = p
            put(cell.name("viterbi"), condition, v)
            put(cell.name("posterior"), condition, np.where(v >= 0, p.argmax(axis=1), -1))
        for d in DECODERS:
            put(f"{d} (chosen)", condition, predictions[chosen[d].name(d)][condition])
        cell = chosen["posterior+bias"]
        bias = np.array(biases[cell.name("posterior+bias")])
        put("posterior+bias (chosen)", condition,
            np.where(predictions[cell.name("viterbi")][condition] >= 0,
                     (posts[cell] + bias).argmax(axis=1), -1))
    return {"predictions": predictions, "gold": gold_te, "corpus": te.corpus,
            "chosen": {d: c.name(d) for d, c in chosen.items()}, "train_f1": train_f1,
            "bias": first_bias.tolist(),
            "posterior_bias": biases[chosen["posterior+bias"].name("posterior+bias")],
            "prior": np.exp(prior).tolist(),
            "transitions": {"start": trans[False].start_counts.tolist(),
                            "counts": trans[False].counts[0].tolist(),
                            "between": trans[True].counts.tolist()}}


# --- scores, tables, timing -----------------------------------------------------------------------------


def model_names() -> list[str]:
    """Every model of the tables, in order: the first stage, the baselines, the chosen decoders, the grid,
    the oracle."""
    return [FIRST, "bias (tuned)", *(f"prior α={a:g}" for a in ALPHAS[1:]),
            *(f"{d} (chosen)" for d in (*DECODERS, "posterior+bias")),
            *(c.name(d) for d in DECODERS for c in CELLS), *(oracle_name(b) for b in BETAS)]


def oracle_name(beta: float) -> str:
    return f"oracle: gold previous, α=0.5 β={beta:g}"


class Scores:
    """Per (problem, model, condition): macro-F1 per fold; per (problem, model): pooled clean gold, pred."""

    def __init__(self) -> None:
        self.per_fold: dict[tuple[str, str, str], list[float]] = {}
        self.pooled: dict[tuple[str, str], tuple[list[str], list[str]]] = {}

    def add(self, problem: Problem, result: dict[str, Any]) -> None:
        classes = np.array(LABEL_CLASSES[problem.head])
        rows = np.flatnonzero((result["corpus"] == problem.corpus) & (result["gold"] >= 0))
        gold = classes[result["gold"][rows]]
        for model, by_condition in result["predictions"].items():
            for condition, pred in by_condition.items():
                assert (pred[rows] >= 0).all()
                labels = classes[pred[rows]]
                self.per_fold.setdefault((problem.name, model, condition), []).append(
                    _macro_f1(gold, labels, problem.head))
                if condition == "clean":
                    g, p = self.pooled.setdefault((problem.name, model), ([], []))
                    g.extend(gold.tolist())
                    p.extend(labels.tolist())


def table(scores: Scores, problem: Problem) -> list[str]:
    """One problem: macro-F1 (mean ± sd over folds), clean and without punctuation; the paired per-fold
    difference from the first stage; folds improved; per-class F1 over the pooled folds (clean)."""
    from sklearn.metrics import f1_score

    lines = [f"### {problem.name} (over the {problem.role.value} turns)", "",
             "| model | macro-F1 clean | no punct. | Δ first, clean (paired) | Δ first, no punct. "
             "| folds up | per-class F1 (pooled, clean) |", "|---|---|---|---|---|---|---|"]
    base = {c: np.array(scores.per_fold[(problem.name, FIRST, c)]) for c in CONDITIONS}
    for model in model_names():
        if (problem.name, model, "clean") not in scores.per_fold:
            continue
        clean = np.array(scores.per_fold[(problem.name, model, "clean")])
        plain = np.array(scores.per_fold[(problem.name, model, NO_PUNCTUATION)])
        d_clean, d_plain = clean - base["clean"], plain - base[NO_PUNCTUATION]
        gold, pred = scores.pooled[(problem.name, model)]
        present = [c for c in LABEL_CLASSES[problem.head] if c in set(gold)]
        f1 = f1_score(gold, pred, labels=present, average=None, zero_division=0)
        lines.append(f"| {model} | {clean.mean():.3f} ± {sd(clean):.3f} | {plain.mean():.3f} "
                     f"| {d_clean.mean():+.3f} ± {sd(d_clean):.3f} "
                     f"| {d_plain.mean():+.3f} ± {sd(d_plain):.3f} "
                     f"| {int((d_clean > 0).sum())}/{len(d_clean)} | "
                     + ", ".join(f"{c} {v:.2f}" for c, v in zip(present, f1, strict=True)) + " |")
    return lines


def decode_speed(problem: Problem, sessions: Sequence[Session], folds: Sequence[Fold],
                 results: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Seconds to decode the clean test conversations of ``problem``'s corpus one at a time, as the labeller
    would (sequence, context, emission, decoder), with each fold's chosen Viterbi and posterior cells and
    the full training-fold transitions refitted from ``results``' counts; and the turns decoded."""
    out = {"viterbi": 0.0, "posterior": 0.0, "turns": 0.0}
    k = len(LABEL_CLASSES[problem.head])
    n_ctx = len(LABEL_CLASSES[problem.context_head])
    for fold, result in zip(folds, results, strict=True):
        t = result["transitions"]
        trans = {False: _from_counts(np.array(t["start"]), np.array(t["counts"])[None]),
                 True: _from_counts(np.array(t["start"]), np.array(t["between"]))}
        prior = np.log(np.array(result["prior"]))
        offset = 0
        for i in sorted(fold.test_idx.tolist()):
            session = sessions[i]
            n = len(session)
            if session.corpus == problem.corpus:
                proba = {h: p[offset:offset + n] for h, p in fold.test_proba["clean"].items()}
                for decoder, fn in (("viterbi", viterbi), ("posterior", posterior)):
                    cell = _cell(result["chosen"][decoder])
                    tick = time.perf_counter()
                    rows = Rows.of([session])
                    seqs = Sequences.of(rows, problem.role, problem.corpus)
                    ctx = between(seqs, rows.role, 1 - ROLE_CODE[problem.role],
                                  proba[problem.context_head].argmax(axis=1), n_ctx)
                    emit = emissions(seqs, proba[problem.head], prior, cell.alpha)
                    fn(emit, seqs.mask, contexts_for(cell, ctx), trans[cell.conditioned], cell.beta)
                    out[decoder] += time.perf_counter() - tick
                out["turns"] += n
            offset += n
        assert k == len(result["prior"])
    return out


def _from_counts(start: np.ndarray, counts: np.ndarray) -> Transitions:
    s, c = start + 1.0, counts + 1.0
    return Transitions(np.log(s / s.sum()), np.log(c / c.sum(axis=2, keepdims=True)), start, counts)


def _cell(name: str) -> Cell:
    return next(c for d in (*DECODERS, "posterior+bias") for c in CELLS if c.name(d) == name)


def matrices(problem: Problem, sessions: Sequence[Session], folds: Sequence[Fold]) -> dict[str, Any]:
    """What the artifact would store, counted on every conversation of the corpus: the class prior, the
    start distribution and the transitions (add-one), and per context of the turn in between (the first
    stage's outer out-of-fold predictions, so only when every fold ran)."""
    classes = LABEL_CLASSES[problem.head]
    k, n_ctx = len(classes), len(LABEL_CLASSES[problem.context_head])
    rows = Rows.of(sessions)
    gold = class_index(gold_column(sessions, problem.head), classes)
    seqs = Sequences.of(rows, problem.role, problem.corpus)
    out: dict[str, Any] = {"classes": list(classes),
                           "prior": np.exp(log_prior(seqs, gold, k)).round(4).tolist()}
    plain = fit_transitions(seqs, gold, np.zeros(seqs.rows.shape, dtype=int), k, 1)
    out["start"] = np.exp(plain.log_start).round(4).tolist()
    out["transitions"] = np.exp(plain.log_trans[0]).round(4).tolist()
    covered = np.concatenate([f.test_idx for f in folds]) if folds else np.zeros(0, int)
    if len(covered) == len(sessions):
        predicted = np.zeros(len(rows.role), dtype=int)
        for f in folds:
            at = np.concatenate([np.arange(rows.start[i], rows.start[i] + len(sessions[i]))
                                 for i in sorted(f.test_idx.tolist())])
            predicted[at] = f.test_proba["clean"][problem.context_head].argmax(axis=1)
        ctx = between(seqs, rows.role, 1 - ROLE_CODE[problem.role], predicted, n_ctx)
        cond = fit_transitions(seqs, gold, ctx, k, n_ctx + 1)
        out["contexts"] = [*LABEL_CLASSES[problem.context_head], "none"]
        out["transitions_between"] = np.exp(cond.log_trans).round(4).tolist()
        out["between_counts"] = cond.counts.sum(axis=(1, 2)).astype(int).tolist()
    return out


def matrix_lines(problem: Problem, found: dict[str, Any]) -> list[str]:
    classes = found["classes"]
    lines = [f"{problem.name}: prior " + ", ".join(f"{c} {p:.3f}" for c, p in zip(classes, found["prior"],
                                                                                  strict=True)),
             f"{problem.name}: start " + ", ".join(f"{c} {p:.3f}" for c, p in zip(classes, found["start"],
                                                                                  strict=True)),
             "", "| previous \\ next | " + " | ".join(classes) + " |", "|---|" + "---|" * len(classes)]
    lines += [f"| {c} | " + " | ".join(f"{p:.3f}" for p in row) + " |"
              for c, row in zip(classes, found["transitions"], strict=True)]
    if "transitions_between" in found:
        lines += ["", "| in between | n | previous \\ next | " + " | ".join(classes) + " |",
                  "|---|---|---|" + "---|" * len(classes)]
        for ctx, n, block in zip(found["contexts"], found["between_counts"], found["transitions_between"],
                                 strict=True):
            lines += [f"| {ctx} | {n} | {c} | " + " | ".join(f"{p:.3f}" for p in row) + " |"
                      for c, row in zip(classes, block, strict=True)]
    return lines


def main() -> None:
    parser = cv_parser(__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/equipoise-decode"),
                        help="folder of the cached first-stage probabilities (numbers only)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    args = parser.parse_args()
    start = time.perf_counter()
    progress = progress_printer(start)

    config = TrainConfig(folds=args.folds, seed=args.seed)
    loaded, files = load_corpora(args.data)
    sessions = subsample(loaded, args.esconv_share, args.seed)
    cache = None if args.no_cache else args.cache / cache_key(files, config, args.inner, args.esconv_share)
    folds = first_stages(sessions, config, args.inner, args.only_folds, cache, progress)
    first_seconds = time.perf_counter() - start
    scores = Scores()
    results: dict[str, list[dict[str, Any]]] = {}
    tick = time.perf_counter()
    for problem in PROBLEMS:
        for k, fold in enumerate(folds):
            result = run_problem(problem, sessions, fold)
            scores.add(problem, result)
            results.setdefault(problem.name, []).append(result)
            first_f1 = scores.per_fold[(problem.name, FIRST, "clean")][-1]
            progress(f"{problem.name}, fold {k + 1}: first {first_f1:.3f}; " + ", ".join(
                f"{m} {scores.per_fold[(problem.name, m, 'clean')][-1] - first_f1:+.3f}"
                for m in ("bias (tuned)", "viterbi (chosen)", "posterior (chosen)",
                          "posterior+bias (chosen)")))
    decode_seconds = time.perf_counter() - tick
    speed = {p.name: decode_speed(p, sessions, folds, results[p.name]) for p in PROBLEMS}
    found = {p.name: matrices(p, sessions, folds) for p in PROBLEMS}

    for problem in PROBLEMS:
        print("\n".join(table(scores, problem)))
        print()
        for d in (*DECODERS, "posterior+bias"):
            print(f"{problem.name}: {d} chosen per fold: " + "; ".join(
                r["chosen"][d].removeprefix(d + " ") for r in results[problem.name]))
        named = ", ".join(LABEL_CLASSES[problem.head])
        print(f"{problem.name}: bias per fold (on log p, {named}): " + "; ".join(
            "(" + ", ".join(f"{b:+.1f}" for b in r["bias"]) + ")" for r in results[problem.name]))
        print()
    for problem in PROBLEMS:
        print("\n".join(diagnostics(problem, sessions, folds)))
    print()
    for problem in PROBLEMS:
        print("\n".join(matrix_lines(problem, found[problem.name])))
        print()
    cached = sum(f.seconds["fold"] for f in folds)
    turns = sum(len(sessions[i]) for f in folds for i in f.test_idx.tolist())
    scoring = sum(f.seconds["featurise"] + f.seconds["score"] for f in folds)
    print(f"timing: first stage {cached:.0f} s over {len(folds)} folds when computed "
          f"({first_seconds:.0f} s this run, cache {'off' if cache is None else 'on'})")
    print(f"timing: first stage scoring of the clean test folds: {scoring:.2f} s for {turns} turns "
          f"({turns / scoring:.0f} turns/s)")
    print(f"timing: decoding and tuning every problem and fold: {decode_seconds:.0f} s")
    for name, s in speed.items():
        print(f"timing: {name}, one conversation at a time: Viterbi {s['viterbi']:.3f} s, posterior "
              f"{s['posterior']:.3f} s for {s['turns']:.0f} turns ({s['turns'] / s['viterbi']:.0f} and "
              f"{s['turns'] / s['posterior']:.0f} turns/s)")
    print(f"timing: whole run {time.perf_counter() - start:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({
            "settings": {"folds": args.folds, "inner": args.inner, "seed": args.seed,
                         "only_folds": args.only_folds,
                         "esconv_share": args.esconv_share, "alphas": ALPHAS, "betas": BETAS,
                         "bias_grid": [float(BIAS_GRID[0]), float(BIAS_GRID[-1]), 0.1]},
            "first_stage_seconds": [{k: round(v, 3) for k, v in f.seconds.items()} for f in folds],
            "decode_speed": speed, "matrices": found,
            "folds": {name: [{"chosen": r["chosen"], "bias": r["bias"], "posterior_bias": r["posterior_bias"],
                              "prior": r["prior"], "transitions": r["transitions"],
                              "train_macro_f1": {m: round(v, 4) for m, v in r["train_f1"].items()}}
                             for r in rs] for name, rs in results.items()},
            "per_fold": [{"problem": p, "model": m, "condition": c, "macro_f1": [round(x, 4) for x in f]}
                         for (p, m, c), f in sorted(scores.per_fold.items())]}, indent=1) + "\n",
            encoding="utf-8")


if __name__ == "__main__":
    main()
