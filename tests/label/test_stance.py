"""Stance: the documented rule, and its macro-F1 on hand-labelled counsellor sentences (stance_gold.csv).

``stance_gold.csv`` was written for this project by hand (not taken from any corpus): 210 counsellor sentences
from MI, CBT, crisis-line, peer-support, coaching, family and medical settings. The ``dev`` rows (150) were
written first and used to tune the marker rules; the ``holdout`` rows (60) were written before that tuning
and never used for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from equipoise.label import load_labeller
from equipoise.label.evaluate import evaluate_stance, read_stance_gold
from equipoise.label.stance import derive_stance
from equipoise.model import Role, Speaker, Transcript, Turn

GOLD = Path(__file__).with_name("stance_gold.csv")


@pytest.mark.parametrize(("markers", "behaviour", "input_type", "previous", "expected"), [
    (("confront", "affirmation"), "other", None, False, "directive"),
    (("advice",), "input", "advice", False, "directive"),
    ((), "input", "advice", False, "directive"),
    (("directive",), "other", None, False, "directive"),
    (("advice", "autonomy"), "input", "advice", False, "collaborative"),
    (("advice", "options"), "input", "options", False, "collaborative"),
    (("advice",), "input", "advice", True, "collaborative"),
    (("affirmation",), "other", None, False, "collaborative"),
    (("question", "feedback_request"), "question", None, False, "collaborative"),
    ((), "input", "negotiation", False, "collaborative"),
    (("question",), "question", None, False, "neutral"),
    ((), "reflection", None, False, "neutral"),
    ((), "input", "information", False, "neutral"),
])
def test_stance_rule(markers: tuple[str, ...], behaviour: str, input_type: str | None, previous: bool,
                     expected: str) -> None:
    assert derive_stance(markers, behaviour, input_type, previous_permission=previous) == expected


def test_advice_right_after_a_permission_question_is_collaborative() -> None:
    t, c = Speaker("T", Role.THERAPIST), Speaker("C", Role.CLIENT)
    turns = [Turn(0, t, "Would it be okay if I made a suggestion?"), Turn(1, c, "Sure, go ahead."),
             Turn(2, t, "You could try keeping a drink diary for a week.")]
    with_permission = load_labeller().label(Transcript.from_turns("s", turns))
    assert with_permission[2].stance == "collaborative"
    alone = load_labeller().label(Transcript.from_turns("s", turns[2:]))
    assert alone[0].stance == "directive"


def test_gold_file_is_balanced_and_split() -> None:
    rows = read_stance_gold(GOLD)
    assert len(rows) >= 150
    for split in ("dev", "holdout"):
        stances = [r["stance"] for r in rows if r["split"] == split]
        assert {s: stances.count(s) for s in set(stances)} == dict.fromkeys(
            ("directive", "collaborative", "neutral"), len(stances) // 3)


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_stance_macro_f1_on_hand_labelled_sentences(split: str) -> None:
    result = evaluate_stance(load_labeller(), GOLD, split)
    assert result.macro_f1 >= 0.80, result.per_class_f1
