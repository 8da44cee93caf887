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
from equipoise.label.stance import derive_stance, stance_phrases
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


# Rules 5: the stance's phrase moves, written from MISC's definitions (Support, Affirm, Emphasize autonomy,
# Seek collaboration, Advise with permission; Direct, Advise without permission, Confront, Warn). Examples
# and counter-examples written before the rules were run on them.
@pytest.mark.parametrize(("text", "moves"), [
    ("Oh hun, I'm really sorry you're dealing with all this.", {"support"}),
    ("I'm so sorry you're going through this.", {"support"}),
    ("That must be so hard for you.", {"support"}),
    ("You're not alone in this.", {"support"}),
    ("No wonder you're tired.", {"support"}),
    ("that must have been so scary for you", {"support"}),
    ("It's completely understandable to feel numb after a loss.", {"support"}),
    ("im here if u want to vent more", {"support"}),
    ("Sending big hugs your way.", {"support"}),
    ("Three weeks without a drink is huge.", {"affirm"}),
    ("Asking for help took real courage.", {"affirm"}),
    ("No pressure at all, you can set your own pace.", {"adhere"}),
    ("What feels doable for you this week?", {"adhere"}),
    ("Would you like a suggestion that worked for me?", {"adhere"}),
    ("Unfollow her on everything tonight.", {"direct"}),
    ("Just eat something small every few hours.", {"direct"}),
    ("why dont you just quit", {"direct"}),
    ("You're being really dramatic about this.", {"confront"}),
    ("Keep this up and you'll end up in hospital.", {"confront"}),
    ("It's not your fault he left.", {"support"}),
    ("you didnt deserve any of that", {"support"}),
    ("You're stronger than you think.", {"affirm"}),
    ("You did the right thing ringing us tonight.", {"affirm"}),
    ("if you skip the meeting again they won't be there for you", {"confront"}),
    ("Don't expect anyone to help you if you won't help yourself.", {"confront"}),
])
def test_stance_phrases_find_the_move(text: str, moves: set[str]) -> None:
    assert moves <= stance_phrases(text)


@pytest.mark.parametrize("text", [
    "Sorry, I'm running a few minutes late.",
    "Sorry, I interrupted you.",
    "I'm sorry I'm late.",
    "It's been a hard year for you.",
    "It sounds like mornings are the hardest part.",
    "That's hard to say without knowing more.",
    "Tell me more about your sister.",
    "Take care, speak soon.",
    "Thank you for sharing that.",
    "Go on.",
    "Look, I get it.",
    "Did you try calling them?",
    "How long has this been going on?",
    "I hope you brought the forms.",
    "If you keep the diary, we can look at it next week.",
    "It's not your turn yet.",
    "You did the forms already?",
    "The thought was that everyone knows you're stupid.",
    "Knowing isn't enough on its own, and I don't expect it to be.",
])
def test_stance_phrases_leave_other_turns_alone(text: str) -> None:
    assert not stance_phrases(text) & {"support", "direct", "confront"}


def test_phrase_moves_decide_the_rule_where_markers_are_silent() -> None:
    assert derive_stance((), "other", None, previous_permission=False, phrases={"support"}) == "collaborative"
    assert derive_stance((), "input", None, previous_permission=False, phrases={"direct"}) == "directive"
    assert derive_stance((), "input", None, previous_permission=False,
                         phrases={"direct", "adhere"}) == "collaborative"
    assert derive_stance(("affirmation",), "other", None, previous_permission=False,
                         phrases={"confront"}) == "directive"


# Peer-support sentences. stance_support_dev.csv (40) was written here with its labels before rules 5
# existed (rules 4: 0.683) and the support phrases were written on its errors: a development set. Two
# hold-outs (stance_peer_holdout*.csv, 90 each) were written and labelled by writers who did not run the
# labeller or read its rules. The first was run with rules 4 (0.696) and with the support phrases alone
# (0.759), then read while the other phrases were written: it now measures nothing. The second was first
# run with rules 5 (0.637 with rules 4, 0.782 with rules 5), then read. The third (chat and transcribed
# speech) was first run with rules 5 (0.675 with rules 4, 0.802). The fourth was first run before and after
# the last phrases (0.552 with rules 4, 0.715, 0.727). The fifth (transcribed speech: disfluent, unpunctuated
# and clean turns) was first run with rules 6 (0.681 with rules 5, 0.703). Floors below the first runs.
@pytest.mark.parametrize(("name", "floor"), [("stance_support_dev.csv", 0.90),
                                             ("stance_peer_holdout.csv", 0.70),
                                             ("stance_peer_holdout2.csv", 0.72),
                                             ("stance_peer_holdout3.csv", 0.72),
                                             ("stance_peer_holdout4.csv", 0.68),
                                             ("stance_peer_holdout5.csv", 0.66)])
def test_stance_on_peer_support_sentences(name: str, floor: float) -> None:
    result = evaluate_stance(load_labeller(), Path(__file__).with_name(name))
    assert result.n >= 40
    assert result.macro_f1 >= floor, result.per_class_f1
