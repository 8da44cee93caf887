"""Word-level helpers shared by the analysers: tokens, content words, function-word classes.

Everything here is a pure function of a string, cached so that a turn is tokenised once per process
even though several analysers and every timeline window read it.

>>> tokens("I'm not sure, it's hard.")
('i', 'am', 'not', 'sure', 'it', 'is', 'hard')
>>> sorted(function_classes("I went to the shop"))
['article', 'personal_pronoun', 'preposition']
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..label.sentences import restore

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_SUFFIXES = {"'m": "am", "'re": "are", "'s": "is", "'ve": "have", "'ll": "will", "'d": "would"}
_NEGATED_BASES = {"ca": "can", "wo": "will", "sha": "shall", "ai": "am"}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function-word classes after Danescu-Niculescu-Mizil et al. (2012), who used the eight LIWC categories.
# LIWC's lists are proprietary; these are our own open lists of the common members of each class.
FUNCTION_CLASSES: dict[str, frozenset[str]] = {
    "article": _words("a an the"),
    "auxiliary_verb": _words(
        "am is are was were be been being have has had having do does did will would shall should can "
        "could may might must"),
    "conjunction": _words(
        "and but or nor so because if although though while whereas unless since until whether yet "
        "also"),
    "adverb": _words(
        "very really just too quite always never often sometimes now then here there even still only "
        "again already actually maybe perhaps probably usually almost ever soon"),
    "impersonal_pronoun": _words(
        "it its itself this that these those something anything everything nothing someone anyone "
        "everyone somebody anybody everybody nobody what which whatever whichever"),
    "personal_pronoun": _words(
        "i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his "
        "himself she her hers herself they them their theirs themselves"),
    "preposition": _words(
        "to of in for on with at by from about into over after before between through during without "
        "under around among against up down out off than within toward towards upon across behind "
        "beyond near"),
    "quantifier": _words(
        "all some many much more most few less least lot lots any each every several enough both half "
        "none little plenty whole"),
}

_FILLERS = _words(
    "yeah yes yep no nope not okay ok mm mhm hmm um uh uhm oh ah well like right know think mean thing "
    "things kind sort gonna wanna gotta get got go going want say said guess lot really sure dunno idk "
    "alright suppose")
STOPWORDS: frozenset[str] = frozenset().union(*FUNCTION_CLASSES.values(), _FILLERS)


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """Lower-cased word tokens, with English contractions expanded ("don't" -> "do", "not")."""
    out: list[str] = []
    for word in _WORD.findall(text.lower().replace("\u2019", "'")):
        if "'" not in word:
            out.append(word)
            continue
        base, suffix = word.split("'", 1)
        suffix = "'" + suffix
        if suffix == "'t" and base.endswith("n"):
            stem = base[:-1]
            out.extend((_NEGATED_BASES.get(stem, stem), "not"))
        elif suffix in _SUFFIXES:
            out.extend((base, _SUFFIXES[suffix]))
        else:
            out.append(base)
    return tuple(w for w in out if w)


def stem(word: str) -> str:
    """A deliberately crude suffix stripper, enough to match "drinking" with "drink" and "kids" with "kid"."""
    for suffix, min_len in (("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if len(word) >= min_len and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=65536)
def content_words(text: str) -> frozenset[str]:
    """Stems of the words that carry content: tokens minus function words and conversational fillers."""
    return frozenset(stem(w) for w in tokens(text) if w not in STOPWORDS and len(w) > 2)


@lru_cache(maxsize=65536)
def function_classes(text: str) -> frozenset[str]:
    """The function-word classes that occur at least once in ``text``."""
    words = set(tokens(text))
    return frozenset(name for name, members in FUNCTION_CLASSES.items() if words & members)


def word_count(text: str) -> int:
    """Number of word tokens (after expanding contractions)."""
    return len(tokens(text))


def overlap(taker: str, source: str) -> float:
    """Share of ``source``'s content words that reappear in ``taker`` (0 when the source has none)."""
    src = content_words(source)
    if not src:
        return 0.0
    return len(src & content_words(taker)) / len(src)


def looks_like_question(text: str) -> bool:
    """A turn with a question mark; without any sentence punctuation (as a speech recogniser may write it),
    a turn with an utterance that the learned question model reads as a question
    (:func:`equipoise.label.sentences.restore`).

    >>> looks_like_question("Any plans?"), looks_like_question("I went home.")
    (True, False)
    """
    return "?" in restore(text)  # a punctuated text comes back as it is


def asks(text: str, behaviour: str | None) -> bool:
    """Whether a turn asks a question, for agenda and directiveness: the labeller's behaviour decides when
    it gave one, :func:`looks_like_question` otherwise (turns it does not label: a question mark, or
    without any punctuation the question model).

    >>> asks("You feel stuck?", "reflection"), asks("Any plans?", None)
    (False, True)
    """
    if behaviour is not None:
        return behaviour == "question"
    return looks_like_question(text)


def asks_or_marks(text: str, behaviour: str | None) -> bool:
    """Whether a turn asks a question, for responsiveness: labelled a question, or holding a question mark
    whatever the label (the labeller calls some questions "input", and a question asked is a question to
    answer); without punctuation, one the question model reads as a question (:func:`looks_like_question`).

    >>> asks_or_marks("You feel stuck?", "reflection"), asks_or_marks("I went home.", "input")
    (True, False)
    """
    return behaviour == "question" or looks_like_question(text)
