"""Surface perturbations of a turn, as a speech recogniser or another writer would produce them.

Training adds a perturbed copy of each conversation (``TrainConfig.perturbed``) so that no label relies on
punctuation, case, disfluencies or one spelling; the robustness benchmark
(``benchmarks/labeller_robustness.py``) scores the cross-validation folds clean and perturbed. Every
perturbation is deterministic given its random generator.

>>> strip_punctuation_case("So, what happened? Tell me.")
'so what happened tell me'
>>> to_british("I realize my behavior is a favorite topic")
'I realise my behaviour is a favourite topic'
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

_PUNCT = re.compile(r"[^\w\s']+")
_WORD = re.compile(r"[A-Za-z']+")

#: American -> British spellings common in counselling talk (the reverse map is derived).
US_TO_UK: dict[str, str] = {
    "behavior": "behaviour", "behaviors": "behaviours", "realize": "realise", "realized": "realised",
    "realizing": "realising", "favorite": "favourite", "color": "colour", "honor": "honour",
    "neighbor": "neighbour", "neighbors": "neighbours", "program": "programme", "center": "centre",
    "analyze": "analyse", "organize": "organise", "organized": "organised", "apologize": "apologise",
    "recognize": "recognise", "recognized": "recognised", "practice": "practise", "counseling": "counselling",
    "counselor": "counsellor", "traveled": "travelled", "canceled": "cancelled", "mom": "mum",
    "labor": "labour", "judgment": "judgement", "criticize": "criticise", "emphasize": "emphasise",
    "prioritize": "prioritise", "mold": "mould", "gray": "grey", "pajamas": "pyjamas", "tire": "tyre",
    "cigarets": "cigarettes", "theater": "theatre", "fiber": "fibre", "liter": "litre", "meter": "metre",
    "vapor": "vapour", "anemia": "anaemia", "pediatrician": "paediatrician", "esthetic": "aesthetic",
    "defense": "defence", "offense": "offence", "license": "licence", "worshiped": "worshipped",
    "fulfill": "fulfil", "enroll": "enrol", "skeptical": "sceptical", "humor": "humour",
}
UK_TO_US: dict[str, str] = {uk: us for us, uk in US_TO_UK.items() if us != "practice"}
_FILLERS = ("um", "uh", "er", "erm", "hmm", "you know", "like", "i mean")


def strip_punctuation_case(text: str) -> str:
    """Lower case, no punctuation but apostrophes: how many speech recognisers write."""
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def _respell(text: str, table: dict[str, str]) -> str:
    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        new = table.get(word.lower())
        if new is None:
            return word
        return new.capitalize() if word[:1].isupper() else new

    return _WORD.sub(swap, text)


def to_british(text: str) -> str:
    """American spellings of :data:`US_TO_UK` turned British."""
    return _respell(text, US_TO_UK)


def to_american(text: str) -> str:
    """British spellings turned American (the normal form the features read)."""
    return _respell(text, UK_TO_US)


def add_disfluencies(text: str, rng: random.Random, rate: float = 0.08) -> str:
    """Insert fillers ("um", "you know") and word repeats ("I I think") at about ``rate`` per word."""
    out: list[str] = []
    for word in text.split():
        roll = rng.random()
        if roll < rate / 2:
            out.append(rng.choice(_FILLERS))
        elif roll < rate:
            out.append(word)
        out.append(word)
    return " ".join(out)


def perturb(text: str, rng: random.Random) -> str:
    """The full perturbation: disfluencies, a spelling variety, then no punctuation or case."""
    text = add_disfluencies(text, rng)
    text = to_british(text) if rng.random() < 0.5 else text
    return strip_punctuation_case(text)


#: Named perturbations of the robustness benchmark, each text -> text given a generator.
PERTURBATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "no_punctuation_case": lambda t, _rng: strip_punctuation_case(t),
    "disfluent": add_disfluencies,
    "british": lambda t, _rng: to_british(t),
    "all": perturb,
}
