"""Turn features for the learned labeller: n-gram TF-IDF of a turn and its neighbours, plus cue features.

The same code builds features in training and at run time, so the committed artifact only has to store
vocabularies, idf weights and linear coefficients (JSON and ``.npz``, no pickle). Only numpy and scipy are
needed here; scikit-learn is used by :mod:`equipoise.label.train` to fit the coefficients.

>>> vec = NgramVectoriser.fit(["how are you", "are you ok"], kind="word", ngram=(1, 2), min_df=2)
>>> sorted(vec.vocabulary), vec.transform(["are you there"]).shape
(['are', 'are you', 'you'], (1, 3))
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from scipy import sparse

from ..model import Role
from .markers import MARKER_NAMES, find_markers
from .perturb import to_american
from .sentences import restore, split_spans

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?!]")
_SPACES = re.compile(r"\s+")
_NOISE = re.compile(r"[^a-z0-9'?!. ]+")


_FILLER = re.compile(r"\b(?:um+|uh+|erm|er|hmm+|mm+)\b[,.]?\s*")
_REPEAT = re.compile(r"\b([a-z']+)(?:\s+\1\b)+")


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """The form every feature reads: lower case, straight apostrophes, American spelling, no fillers
    ("um", "uh") and no immediate word repeats ("I I think" -> "i think").

    >>> normalise("Um, I I realise my BEHAVIOUR")
    'i realize my behavior'
    """
    low = to_american(text.replace("’", "'")).lower()
    return _REPEAT.sub(r"\1", _FILLER.sub("", low)).strip()


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, keeping ``?`` and ``!`` (they carry question and emphasis cues).

    >>> tokens("You're SURE? Yes!")
    ["you're", 'sure', '?', 'yes', '!']
    """
    return _TOKEN.findall(text.lower().replace("’", "'"))


def word_ngrams(text: str, ngram: tuple[int, int]) -> list[str]:
    """Word n-grams of a text, with sentence-edge marks so that openings and endings are features."""
    toks = ["<s>", *tokens(normalise(text)), "</s>"]
    lo, hi = ngram
    out = [t for t in toks[1:-1]] if lo <= 1 else []
    for n in range(max(2, lo), hi + 1):
        out.extend(" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1))
    return out


def char_ngrams(text: str, ngram: tuple[int, int]) -> list[str]:
    """Character n-grams inside word boundaries (like scikit-learn's ``char_wb``)."""
    clean = _SPACES.sub(" ", _NOISE.sub(" ", normalise(text))).strip()
    lo, hi = ngram
    out: list[str] = []
    for word in clean.split(" "):
        padded = f" {word} "
        size = len(padded)
        for n in range(lo, hi + 1):
            if n > size:
                break
            out.extend(padded[i:i + n] for i in range(size - n + 1))
    return out


@dataclass(frozen=True)
class NgramVectoriser:
    """Sublinear TF-IDF over word or character n-grams with an l2-normalised row per text."""

    kind: Literal["word", "char"]
    ngram: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray

    def grams(self, text: str) -> list[str]:
        if self.kind == "word":
            return word_ngrams(text, self.ngram)
        return char_ngrams(text, self.ngram)

    @classmethod
    def fit(cls, texts: Sequence[str], *, kind: Literal["word", "char"], ngram: tuple[int, int],
            min_df: int = 2, max_features: int | None = None) -> NgramVectoriser:
        """Learn a vocabulary (ties in document frequency broken alphabetically, so it is deterministic)."""
        probe = cls(kind, ngram, {}, np.zeros(0))
        df: Counter[str] = Counter()
        for text in texts:
            df.update(set(probe.grams(text)))
        kept = sorted((g for g, c in df.items() if c >= min_df), key=lambda g: (-df[g], g))
        if max_features is not None:
            kept = kept[:max_features]
        kept.sort()
        n = len(texts)
        idf = np.array([math.log((1 + n) / (1 + df[g])) + 1.0 for g in kept], dtype=np.float64)
        return cls(kind, ngram, {g: i for i, g in enumerate(kept)}, idf)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """One l2-normalised TF-IDF row per text (an empty text gives an all-zero row)."""
        return self.transform_grams([self.grams(t) for t in texts])

    def transform_grams(self, gram_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Like :meth:`transform`, from n-gram lists already extracted by :meth:`grams`."""
        get = self.vocabulary.get
        rows: list[int] = []
        cols: list[int] = []
        for r, grams in enumerate(gram_lists):
            ids = [i for i in map(get, grams) if i is not None]
            cols.extend(ids)
            rows.extend([r] * len(ids))
        counts = sparse.csr_matrix((np.ones(len(cols)), (np.asarray(rows, dtype=np.int64),
                                                        np.asarray(cols, dtype=np.int64))),
                                   shape=(len(gram_lists), len(self.vocabulary)))
        counts.sum_duplicates()
        counts.data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ counts)

    def to_json(self) -> dict[str, object]:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {"kind": self.kind, "ngram": list(self.ngram), "terms": terms}

    @classmethod
    def from_json(cls, spec: dict[str, object], idf: np.ndarray) -> NgramVectoriser:
        terms = list(spec["terms"])  # type: ignore[call-overload]
        ngram = tuple(spec["ngram"])  # type: ignore[call-overload]
        return cls(spec["kind"], ngram, {t: i for i, t in enumerate(terms)}, idf)  # type: ignore[arg-type]


# Hand-made cues. Each is cheap, documented by its name, and scaled to about [0, 1].
_WH = ("what", "how", "why", "when", "where", "who", "which", "tell me", "describe", "walk me")
_AUX = ("do ", "does ", "did ", "are ", "is ", "was ", "were ", "have ", "has ", "had ", "can ", "could ",
        "would ", "will ", "should ", "may ", "might ", "shall ")
_REFLECT = ("sounds like", "it sounds", "you feel", "you're feeling", "seems like", "it seems", "so you",
            "you're saying", "you've been", "you don't", "you're not", "you want", "on one hand",
            "on the other hand", "part of you", "you wish", "what i'm hearing", "you're worried")
_CHANGE = ("i want to", "i need to", "i will", "i'm going to", "i'd like to", "i could", "i can",
           "i should", "i've been trying", "i quit", "cut down", "stop", "i'm ready", "try")
_SUSTAIN = ("i don't think", "i can't", "i won't", "not a problem", "it's fine", "i like", "i enjoy",
            "it helps", "everybody", "no big deal", "i don't want", "i'm not", "don't need", "but")

_BASE_CUES: tuple[str, ...] = (
    "ends_question", "has_question", "starts_wh", "starts_aux", "reflect_phrase", "you_count", "i_count",
    "n_words_log", "n_sentences", "short_turn", "change_phrase", "sustain_phrase", "negation",
    "position", "first_turn", "prev_same_role", "prev_missing", "prev_ends_question", "next_missing",
    "starts_how_many", "bare_no_yes", "prev_closed_opening",
)
#: The cue columns: the hand-made cues, then one indicator per rule-based marker of the turn.
CUE_NAMES: tuple[str, ...] = (*_BASE_CUES, *(f"marker_{m}" for m in MARKER_NAMES))
_HOW_MANY = re.compile(r"^(?:how (?:many|much|long|often|old|far)|what time|which day)\b")
_BARE = re.compile(r"^(?:no|nope|nah|yes|yeah|yep|not really|sure|okay|ok|right)[.!]?$")


def cue_features(texts: Sequence[str], roles: Sequence[Role]) -> np.ndarray:
    """Dense cue features per turn (question marks, question openings, reflection stems, length, position).

    A turn without sentence punctuation is read with its punctuation restored by the learned models of
    :mod:`equipoise.label.sentences` (:func:`~equipoise.label.sentences.restore`), so its question-mark and
    sentence-count cues mean what they mean in punctuated text. Context cues look at the neighbouring
    turns of the same sequence.
    """
    n = len(texts)
    out = np.zeros((n, len(CUE_NAMES)), dtype=np.float64)
    lowered = [_SPACES.sub(" ", normalise(restore(t))).strip() for t in texts]
    openings = [_opening(t) for t in texts]
    column = {name: k for k, name in enumerate(CUE_NAMES)}
    for i, low in enumerate(lowered):
        for marker in find_markers(texts[i]):
            out[i, column[f"marker_{marker}"]] = 1.0
        toks = tokens(low)
        words = [t for t in toks if t not in ("?", "!")]
        opening = openings[i]
        n_words = len(words)
        prev_role = roles[i - 1] if i > 0 else None
        out[i, :len(_BASE_CUES)] = (
            float(low.rstrip().endswith("?")),
            float("?" in low),
            float(opening.startswith(_WH)),
            float(opening.startswith(_AUX)),
            float(any(p in low for p in _REFLECT)),
            min(words.count("you") + words.count("you're") + words.count("your"), 5) / 5,
            min(words.count("i") + words.count("i'm") + words.count("my") + words.count("me"), 5) / 5,
            math.log1p(n_words) / 5,
            min(len(re.findall(r"[.!?]+", low)), 5) / 5,
            float(n_words <= 3),
            float(any(p in low for p in _CHANGE)),
            float(any(p in low for p in _SUSTAIN)),
            float(any(w in ("not", "no", "don't", "can't", "won't", "never") for w in words)),
            i / max(1, n - 1),
            float(i == 0),
            float(prev_role is not None and prev_role is roles[i]),
            float(prev_role is None),
            float(i > 0 and lowered[i - 1].rstrip().endswith("?")),
            float(i == n - 1),
            float(bool(_HOW_MANY.match(opening))),
            float(bool(_BARE.match(low))),
            float(i > 0 and (openings[i - 1].startswith(_AUX) or bool(_HOW_MANY.match(openings[i - 1])))),
        )
    return out


_LEAD = re.compile(r"^(?:(?:so|and|okay|ok|well|now|but|alright|right|yeah|mm-hmm|hmm)[,.]?\s+)+")


def _opening(text: str) -> str:
    """The opening words of the last utterance of a turn, normalised, without discourse particles."""
    return _LEAD.sub("", _SPACES.sub(" ", normalise(sentence_part(text, "last"))).strip())


def sentence_part(text: str, part: str) -> str:
    """The whole text (``all``), or its first or last utterance (``first``, ``last``), found with or without
    punctuation by :mod:`equipoise.label.sentences`.

    >>> sentence_part("Okay. So what happened next?", "last")
    'So what happened next?'
    """
    if part == "all":
        return text
    spans = split_spans(text)
    if not spans:
        return ""
    start, end = spans[0] if part == "first" else spans[-1]
    return text[start:end]


def neighbour(texts: Sequence[str], offset: int) -> list[str]:
    """The text ``offset`` turns away (negative: earlier), or "" past either end."""
    n = len(texts)
    return [texts[i + offset] if 0 <= i + offset < n else "" for i in range(n)]
