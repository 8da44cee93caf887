"""Split a turn into utterances (sentences), with or without punctuation.

Punctuated text goes through nupunkt (a Punkt sentence boundary detector, Kiss & Strunk 2006, trained and
shipped in its PyPI package), which knows abbreviations, decimals and ellipses. A turn with no sentence
punctuation at all, as a speech recogniser may write it, goes through a small learned boundary model
instead: logistic regression over hashed features of the words on either side of each gap, trained by
:func:`train_boundaries` on the punctuated training conversations with their punctuation and case
removed (the gold boundaries are nupunkt's). Both give character spans into the original text, so an
utterance is never rewritten.

Such a turn can also be read with its sentence punctuation restored (:func:`restore`): each utterance
ends with a question mark when a second small model, hashed logistic regression over the utterance's
words (its opening and closing words weigh most), takes it for a question, with a full stop otherwise.
It is trained by :func:`train_questions` on the punctuated training utterances, whose gold is whether
they end with a question mark. The rules that read a question mark (the ``question`` marker, a "no" to
a proposal) and the labeller's question cues then work on speech-recogniser text.

>>> split("Okay. So what happened next?")
[(0, 5), (6, 28)]
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

MODEL_DIR = Path(__file__).parent / "models" / "sentences"
QUESTION_DIR = Path(__file__).parent / "models" / "questions"
N_BUCKETS = 1 << 18
MIN_WORDS = 6  # an unpunctuated turn shorter than this is one utterance
MIN_SIDE = 2  # a learned boundary leaves at least this many words on each side
#: Words that may stand alone before a learned boundary, as "Great." or "Okay." open a spoken turn ("great
#: it sounds like you have a plan"); any other utterance keeps at least ``MIN_SIDE`` words (rules 8).
OPENERS = frozenset({"okay", "ok", "right", "great", "good", "excellent", "fantastic", "wonderful",
                     "brilliant", "perfect", "yeah", "yes", "no", "sure", "alright", "mm", "hmm", "wow",
                     "awesome", "cool", "nice", "thanks", "so", "well"})
_SENTENCE_PUNCT = re.compile(r"[.?!]")
# A sentence end with more text after it; without one, a punctuated turn is one sentence and nupunkt (the
# slower part of labelling) need not run.
_INNER_END = re.compile(r"[.?!…]+[\"')\]]*\s+\S")
_TOKEN = re.compile(r"[A-Za-z0-9']+")
Span = tuple[int, int]


def punctuated_spans(text: str) -> list[Span]:
    """Sentence spans of punctuated text (nupunkt), white space trimmed."""
    import nupunkt

    spans = []
    for start, end in nupunkt.sent_spans(text):
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if end > start:
            spans.append((start, end))
    return spans or ([(0, len(text))] if text.strip() else [])


def gap_features(words: Sequence[str], i: int) -> list[str]:
    """Features of the gap after ``words[i]`` (a boundary there or not)."""
    n = len(words)
    a, b = words[i], words[i + 1] if i + 1 < n else "</s>"
    p = words[i - 1] if i > 0 else "<s>"
    c = words[i + 2] if i + 2 < n else "</s>"
    return [f"a={a}", f"b={b}", f"ab={a} {b}", f"pa={p} {a}", f"bc={b} {c}", f"pab={p} {a} {b}",
            f"abc={a} {b} {c}", f"left={min(i + 1, 12)}", f"right={min(n - i - 1, 12)}", "bias"]


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (N_BUCKETS - 1)


@dataclass(frozen=True)
class BoundaryModel:
    """Hashed logistic regression: P(sentence boundary after word i)."""

    weights: np.ndarray
    threshold: float = 0.5

    def probabilities(self, words: Sequence[str]) -> list[float]:
        """P(boundary after ``words[i]``) for every gap between two words."""
        import math

        w = self.weights
        out = []
        for i in range(len(words) - 1):
            score = sum(float(w[_hash(f)]) for f in gap_features(words, i))
            out.append(1 / (1 + math.exp(-score)))
        return out

    def boundaries(self, words: Sequence[str], probabilities: Sequence[float] | None = None) -> list[int]:
        """Indices i such that a sentence ends after ``words[i]`` (never the last word): where the
        probability reaches the threshold and both sides keep ``MIN_SIDE`` words, or the left side is one
        of the :data:`OPENERS` on its own."""
        probabilities = self.probabilities(words) if probabilities is None else probabilities
        out: list[int] = []
        last = -1
        for i, p in enumerate(probabilities):
            left = i - last >= MIN_SIDE or (i == last + 1 and words[i] in OPENERS)
            if p >= self.threshold and left and len(words) - 1 - i >= MIN_SIDE:
                out.append(i)
                last = i
        return out

    def save(self, folder: Path, report: dict[str, Any]) -> None:
        _save_weights(folder, self.weights, self.threshold, report)

    @classmethod
    def load(cls, folder: Path) -> BoundaryModel:
        return cls(*_load_weights(folder))


def _save_weights(folder: Path, weights: np.ndarray, threshold: float, report: dict[str, Any]) -> None:
    """Write ``manifest.json`` and ``weights.npz`` (float16, no pickle, fixed zip dates: deterministic)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"format": 1, "n_buckets": N_BUCKETS, "threshold": threshold, "report": report}
    (folder / "manifest.json").write_text(json.dumps(manifest, sort_keys=True, indent=1) + "\n",
                                          encoding="utf-8")
    import numpy as np

    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, weights.astype(np.float16), allow_pickle=False)
    with zipfile.ZipFile(folder / "weights.npz", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("weights.npy", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, buffer.getvalue())


def _load_weights(folder: Path) -> tuple[np.ndarray, float]:
    """(weights, threshold) written by :func:`_save_weights`."""
    import numpy as np

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    with np.load(folder / "weights.npz", allow_pickle=False) as npz:
        weights = npz["weights"].astype(np.float64)
    if manifest.get("n_buckets") != N_BUCKETS or weights.shape != (N_BUCKETS,):
        raise ValueError(f"{folder.name}: a model of another format")
    return weights, float(manifest["threshold"])


@lru_cache(maxsize=1)
def boundary_model() -> BoundaryModel | None:
    """The shipped boundary model, or None when it has not been built (then unpunctuated turns stay whole)."""
    if not (MODEL_DIR / "manifest.json").is_file():
        return None
    return BoundaryModel.load(MODEL_DIR)


def unpunctuated_spans(text: str, model: BoundaryModel | None = None) -> list[Span]:
    """Sentence spans of text without sentence punctuation, from the learned boundary model."""
    matches = list(_TOKEN.finditer(text))
    if not matches:
        return [(0, len(text))] if text.strip() else []
    model = model or boundary_model()
    first, last = matches[0].start(), matches[-1].end()
    if model is None or len(matches) < MIN_WORDS:
        return [(first, last)]
    words = [m.group(0).lower() for m in matches]
    spans, start = [], first
    for i in model.boundaries(words):
        spans.append((start, matches[i].end()))
        start = matches[i + 1].start()
    spans.append((start, last))
    return spans


def has_sentence_punctuation(text: str) -> bool:
    """Whether ``text`` has a sentence end (``.``, ``?``, ``!``): :func:`split` then reads it with nupunkt,
    otherwise with the learned boundary model."""
    return bool(_SENTENCE_PUNCT.search(text))


def split(text: str, model: BoundaryModel | None = None) -> list[Span]:
    """Utterance spans of one turn: nupunkt where it has sentence punctuation, else the learned model."""
    if not text.strip():
        return []
    if has_sentence_punctuation(text):
        return _punctuated(text)
    return unpunctuated_spans(text, model)


@lru_cache(maxsize=4096)
def split_spans(text: str) -> tuple[tuple[int, int], ...]:
    """:func:`split` with the shipped model, cached: the feature blocks, the markers and the labeller all
    read a turn's utterance spans."""
    return tuple(split(text))


#: One utterance for the question model: (the turn's two words before it, its words), lower case.
Utterance = tuple[tuple[str, ...], tuple[str, ...]]


def question_features(words: Sequence[str], before: Sequence[str] = ()) -> list[str]:
    """Features of one utterance (lower-case words, no punctuation) for the question model: its words and
    word pairs, its first three and last three words by position, its length, and the one or two words
    of the turn before it (after a verb such as "write down" or "know", a "what ..." is seldom a question)."""
    n = len(words)
    last = before[-1] if before else "<s>"
    found = ["bias", f"len={min(n, 15)}", f"p1={last}", f"p1f={last} {words[0] if words else ''}"]
    if len(before) >= 2:
        found.append(f"p12={before[-2]} {before[-1]}")
    found += [f"w={w}" for w in words]
    found += [f"bg={a} {b}" for a, b in pairwise(words)]
    found += [f"f{k}={words[k]}" for k in range(min(3, n))]
    found += [f"l{k}={words[-k]}" for k in range(1, min(3, n) + 1)]
    if n >= 2:
        found += [f"f01={words[0]} {words[1]}", f"l21={words[-2]} {words[-1]}"]
    if n >= 3:
        found.append(f"f012={words[0]} {words[1]} {words[2]}")
    return found


@dataclass(frozen=True)
class QuestionModel:
    """Hashed logistic regression: P(an utterance is a question | its words, without punctuation)."""

    weights: np.ndarray
    threshold: float = 0.5

    def probability(self, words: Sequence[str], before: Sequence[str] = ()) -> float:
        """P(question) of one utterance's lower-case words, given the turn's words before it."""
        import math

        score = sum(float(self.weights[_hash(f)]) for f in question_features(words, before))
        return 1 / (1 + math.exp(-score))

    def asks(self, words: Sequence[str], before: Sequence[str] = ()) -> bool:
        """Whether the utterance reads as a question (probability at or above the threshold)."""
        return bool(words) and self.probability(words, before) >= self.threshold

    def save(self, folder: Path, report: dict[str, Any]) -> None:
        _save_weights(folder, self.weights, self.threshold, report)

    @classmethod
    def load(cls, folder: Path) -> QuestionModel:
        return cls(*_load_weights(folder))


@lru_cache(maxsize=1)
def question_model() -> QuestionModel | None:
    """The shipped question model, or None when it has not been built (then :func:`restore` ends every
    utterance with a full stop)."""
    if not (QUESTION_DIR / "manifest.json").is_file():
        return None
    return QuestionModel.load(QUESTION_DIR)


@lru_cache(maxsize=4096)
def restore(text: str) -> str:
    """``text`` itself when it has sentence punctuation; otherwise its utterances (:func:`split`), each ended
    by a question mark when the question model reads it as a question and by a full stop otherwise, joined
    by spaces. The words are never changed, only punctuation added.

    >>> restore("Okay. So what happened next?")
    'Okay. So what happened next?'
    >>> restore("")
    ''
    """
    if not text.strip() or has_sentence_punctuation(text):
        return text
    model = question_model()
    parts = []
    before: list[str] = []
    for start, end in split_spans(text):
        piece = text[start:end]
        words = [w.lower() for w in _TOKEN.findall(piece)]
        parts.append(piece + ("?" if model is not None and model.asks(words, before[-2:]) else "."))
        before += words
    return " ".join(parts)


def question_examples(texts: Iterable[str], boundaries: BoundaryModel | None = None,
                      ) -> tuple[list[Utterance], list[int]]:
    """(utterance, 1 if a question) of utterances of the punctuated texts, punctuation and case removed.

    With ``boundaries``, the utterances are those the boundary model finds in the text with punctuation
    and case removed, as :func:`restore` meets them at run time (a wrong split such as "write down | what
    you're feeling when it starts" included), and one is a question when a question mark ends a sentence
    at its last word. Without, they are the punctuated sentences, a question when they end with a question
    mark (before closing quotes or brackets). Texts without sentence punctuation are left out: whether they
    ask is unknown."""
    utterances: list[Utterance] = []
    gold: list[int] = []
    for text in texts:
        if not has_sentence_punctuation(text):
            continue
        words: list[str] = []
        asked: set[int] = set()
        for start, end in _punctuated(text):
            piece = text[start:end].rstrip("\"')] ")
            found = [w.lower() for w in _TOKEN.findall(piece)]
            if not found:
                continue
            if boundaries is None:
                utterances.append((tuple(words[-2:]), tuple(found)))
                gold.append(int(piece.endswith("?")))
            words.extend(found)
            if piece.endswith("?"):
                asked.add(len(words) - 1)
        if boundaries is None or not words:
            continue
        ends = boundaries.boundaries(words) if len(words) >= MIN_WORDS else []
        first = 0
        for last in [*ends, len(words) - 1]:
            utterances.append((tuple(words[max(0, first - 2):first]), tuple(words[first:last + 1])))
            gold.append(int(last in asked))
            first = last + 1
    return utterances, gold


def fit_questions(utterances: Sequence[Utterance], gold: Sequence[int], c: float = 1.0) -> QuestionModel:
    """Fit the question model on utterances (scikit-learn, training only)."""
    return QuestionModel(_fit_hashed((question_features(words, before) for before, words in utterances),
                                     gold, c))


QUESTION_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def _scores(predicted: Sequence[bool], gold: Sequence[int]) -> dict[str, float]:
    tp = sum(1 for p, g in zip(predicted, gold, strict=True) if p and g)
    fp = sum(1 for p, g in zip(predicted, gold, strict=True) if p and not g)
    fn = sum(1 for p, g in zip(predicted, gold, strict=True) if g and not p)
    return _rates(tp, fp, fn)


def _rates(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall, F1 and F0.5 from counts of true positives, false positives and false negatives."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    f05 = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "f0.5": f05}


def train_questions(groups: Sequence[tuple[str, Sequence[str]]], folds: int = 3, seed: int = 0,
                    baseline: Callable[[str], bool] | None = None, boundary_threshold: float = 0.2,
                    progress: Callable[[str], None] | None = None) -> tuple[QuestionModel, dict[str, Any]]:
    """Grouped k-fold CV of the question model over (group, texts) pairs (the folds of
    :func:`train_boundaries`), on the utterances a boundary model trained on the other folds finds (at
    ``boundary_threshold``; the final fit reads the shipped boundary model's), choosing the threshold
    with the best mean F0.5 among :data:`QUESTION_THRESHOLDS` (precision weighs twice recall: a question
    mark the text did not have invents a question in the evidence, a missed one leaves the turn as it
    was), then one fit on everything. ``baseline`` (an utterance's unpunctuated text -> asks) is scored
    on the same test utterances for comparison."""
    import numpy as np

    fold_of = _fold_of(groups, folds, seed)
    gaps = [(fold_of[g], *training_examples(texts)) for g, texts in groups]
    examples: list[tuple[int, list[Utterance], list[int]]] = []
    for k in range(folds):
        # the utterances of fold k as a boundary model trained without it splits them
        train_w, train_b, _, _ = _fold_split(gaps, k)
        splitter = replace(fit_boundaries(train_w, train_b), threshold=boundary_threshold)
        examples += [(k, *question_examples(texts, splitter)) for g, texts in groups if fold_of[g] == k]
        if progress:
            progress(f"questions: fold {k + 1}/{folds} split")
    by_threshold: dict[float, list[dict[str, float]]] = {t: [] for t in QUESTION_THRESHOLDS}
    base: list[dict[str, float]] = []
    for k in range(folds):
        train_w, train_g, test_w, test_g = _fold_split(examples, k)
        fitted = fit_questions(train_w, train_g)
        probabilities = [fitted.probability(words, before) for before, words in test_w]
        for t in QUESTION_THRESHOLDS:
            by_threshold[t].append(_scores([p >= t for p in probabilities], test_g))
        if baseline is not None:
            base.append(_scores([baseline(" ".join(words)) for _, words in test_w], test_g))
        if progress:
            progress(f"questions fold {k + 1}/{folds}: F1 " + ", ".join(
                f"{t}: {v[-1]['f1']:.3f}" for t, v in by_threshold.items()))
    best = max(QUESTION_THRESHOLDS, key=lambda t: float(np.mean([s["f0.5"] for s in by_threshold[t]])))

    def mean(scores: list[dict[str, float]]) -> dict[str, float]:
        return {name: round(float(np.mean([s[name] for s in scores])), 4)
                for name in ("precision", "recall", "f1", "f0.5")}

    shipped = boundary_model()
    everything = [question_examples(texts, shipped) for _, texts in groups]
    all_w = [w for ws, _ in everything for w in ws]
    all_g = [e for _, es in everything for e in es]
    report: dict[str, Any] = mean(by_threshold[best])
    report.update(threshold=best, folds=folds, utterances=len(all_w), questions=sum(all_g),
                  per_fold_f1=[round(s["f1"], 4) for s in by_threshold[best]],
                  f1_by_threshold={str(t): mean(v)["f1"] for t, v in by_threshold.items()},
                  f05_by_threshold={str(t): mean(v)["f0.5"] for t, v in by_threshold.items()})
    if base:
        report["baseline"] = mean(base)
    return replace(fit_questions(all_w, all_g), threshold=best), report


def _punctuated(text: str) -> list[Span]:
    if not _INNER_END.search(text):
        start = len(text) - len(text.lstrip())
        return [(start, len(text.rstrip()))]
    return punctuated_spans(text)


def training_examples(texts: Iterable[str]) -> tuple[list[list[str]], list[list[int]]]:
    """(words, gold boundary indices) of each punctuated text, punctuation and case removed; the gold
    boundaries are those :func:`split` finds in the punctuated text. Texts without any sentence punctuation
    are left out: their boundaries are unknown."""
    word_lists, gold = [], []
    for text in texts:
        if not has_sentence_punctuation(text):
            continue
        words: list[str] = []
        ends: list[int] = []
        for start, end in _punctuated(text):
            piece = [w.lower() for w in _TOKEN.findall(text[start:end])]
            if piece:
                words.extend(piece)
                ends.append(len(words) - 1)
        if len(words) >= 2:
            word_lists.append(words)
            gold.append(ends[:-1])
    return word_lists, gold


def fit_boundaries(word_lists: Sequence[Sequence[str]], gold: Sequence[Sequence[int]],
                   c: float = 0.5) -> BoundaryModel:
    """Fit the hashed logistic regression on gaps of the given texts (scikit-learn, training only)."""
    features, y = [], []
    for words, ends in zip(word_lists, gold, strict=True):
        ends_set = set(ends)
        for i in range(len(words) - 1):
            features.append(gap_features(words, i))
            y.append(int(i in ends_set))
    return BoundaryModel(_fit_hashed(features, y, c))


def _fit_hashed(features: Iterable[Sequence[str]], y: Sequence[int], c: float) -> np.ndarray:
    """Weights of an L2 logistic regression (liblinear, no intercept: each row has a bias feature) over
    binary hashed features, one row of feature names per example."""
    import numpy as np
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    rows, cols = [], []
    n = 0
    for n, names in enumerate(features, start=1):
        for f in names:
            rows.append(n - 1)
            cols.append(_hash(f))
    x = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, N_BUCKETS))
    x.sum_duplicates()
    x.data[:] = 1.0
    model = LogisticRegression(C=c, max_iter=2000, solver="liblinear", fit_intercept=False)
    model.fit(x, np.asarray(y))
    return model.coef_.ravel().astype(np.float64)


def boundary_f1(model: BoundaryModel, word_lists: Sequence[Sequence[str]], gold: Sequence[Sequence[int]],
                thresholds: Sequence[float] | None = None) -> dict[float, dict[str, float]]:
    """Precision, recall and F1 of predicted boundaries against the gold ones, per decision threshold
    (default: the model's own)."""
    thresholds = thresholds or (model.threshold,)
    counts = {t: [0, 0, 0] for t in thresholds}
    for words, ends in zip(word_lists, gold, strict=True):
        probabilities = model.probabilities(words)
        truth = set(ends)
        for t in thresholds:
            predicted = set(replace(model, threshold=t).boundaries(words, probabilities))
            c = counts[t]
            c[0] += len(predicted & truth)
            c[1] += len(predicted - truth)
            c[2] += len(truth - predicted)
    out = {}
    for t, (tp, fp, fn) in counts.items():
        rates = _rates(tp, fp, fn)
        out[t] = {name: round(rates[name], 4) for name in ("precision", "recall", "f1")}
    return out


THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def _fold_of(groups: Sequence[tuple[str, Any]], folds: int, seed: int) -> dict[str, int]:
    """Each group's fold: the groups shuffled by ``seed`` and dealt out in turn."""
    import random

    order = sorted({g for g, _ in groups})
    random.Random(seed).shuffle(order)
    return {g: k % folds for k, g in enumerate(order)}


def _fold_split(examples: Sequence[tuple[int, Sequence[Any], Sequence[Any]]], k: int,
                ) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """(training inputs, training gold, test inputs, test gold) of fold ``k`` from (fold, inputs, gold)."""
    train_w = [w for f, ws, _ in examples if f != k for w in ws]
    train_g = [e for f, _, es in examples if f != k for e in es]
    test_w = [w for f, ws, _ in examples if f == k for w in ws]
    test_g = [e for f, _, es in examples if f == k for e in es]
    return train_w, train_g, test_w, test_g


def train_boundaries(groups: Sequence[tuple[str, Sequence[str]]], folds: int = 3, seed: int = 0,
                     progress: Callable[[str], None] | None = None) -> tuple[BoundaryModel, dict[str, Any]]:
    """Grouped k-fold CV of the boundary model over (group, texts) pairs, choosing the decision threshold
    with the best mean F1 over the folds among :data:`THRESHOLDS`, then one fit on everything."""
    import numpy as np

    fold_of = _fold_of(groups, folds, seed)
    examples = [(fold_of[g], *training_examples(texts)) for g, texts in groups]
    by_threshold: dict[float, list[dict[str, float]]] = {t: [] for t in THRESHOLDS}
    for k in range(folds):
        train_w, train_g, test_w, test_g = _fold_split(examples, k)
        fitted = fit_boundaries(train_w, train_g)
        for t, scores_t in boundary_f1(fitted, test_w, test_g, THRESHOLDS).items():
            by_threshold[t].append(scores_t)
        if progress:
            progress(f"sentence boundaries fold {k + 1}/{folds}: F1 " + ", ".join(
                f"{t}: {v[-1]['f1']:.3f}" for t, v in by_threshold.items()))
    best = max(THRESHOLDS, key=lambda t: float(np.mean([s["f1"] for s in by_threshold[t]])))
    scores = by_threshold[best]
    all_w = [w for _, ws, _ in examples for w in ws]
    all_g = [e for _, _, es in examples for e in es]
    report: dict[str, Any] = {name: round(float(np.mean([s[name] for s in scores])), 4)
                              for name in ("precision", "recall", "f1")}
    report.update(threshold=best, folds=folds, per_fold_f1=[s["f1"] for s in scores], texts=len(all_w),
                  f1_by_threshold={str(t): round(float(np.mean([s["f1"] for s in v])), 4)
                                   for t, v in by_threshold.items()})
    return replace(fit_boundaries(all_w, all_g), threshold=best), report
