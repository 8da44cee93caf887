"""Every marker rule: its documented examples match, its counter-examples do not, also on support chats."""

from __future__ import annotations

from pathlib import Path

import pytest

from equipoise.label.markers import MARKER_NAMES, MARKERS, find_markers, markers_table

DOCS = Path(__file__).resolve().parents[2] / "docs" / "labeller.md"

POSITIVE = [(m.name, text) for m in MARKERS for text in m.examples]
NEGATIVE = [(m.name, text) for m in MARKERS for text in m.counterexamples]

# Sentences in the style of peer-support chats, crisis lines and coaching (not MI role-plays), written for
# this test: (text, markers that must be found, markers that must not be found).
SUPPORT_CHAT = [
    ("hey, how r u holding up tonight?", {"question"}, {"advice", "directive"}),
    ("honestly u should just block him", {"advice"}, {"permission", "question"}),
    ("Have you eaten anything today?", {"question"}, {"advice", "self_disclosure"}),
    ("Can I share something that helped me when I was in a dark place?", {"permission", "question"},
     {"directive"}),
    ("I went through a breakup like that last year, it was awful", {"self_disclosure"}, {"advice"}),
    ("my dad was the same with me growing up", {"self_disclosure"}, {"question"}),
    ("Please call 911 right now.", {"directive"}, {"permission", "autonomy"}),
    ("whatever you choose is ok, it's your life", {"autonomy"}, {"directive", "advice"}),
    ("nah that's not what happened", {"disagreement"}, {"affirmation"}),
    ("ur doing amazing, reaching out takes guts", {"affirmation"}, {"confront"}),
    ("maybe try a short walk? or some people like journaling", {"hedge", "options", "advice"}, {"confront"}),
    ("we'll figure this out together", {"we", "collaboration"}, {"directive"}),
    ("sorry, i didn't get that", {"apology"}, {"question"}),
    ("What do you think would help right now?", {"question", "feedback_request"}, {"advice"}),
    ("The shelter opens at 6pm on weekdays.", set(), {"question", "advice", "directive", "self_disclosure"}),
    ("it might help to write down what ur feeling when it starts", {"advice", "hedge"}, {"question"}),
    ("you could reach out to the student counselling service", {"advice"}, {"directive", "question"}),
    ("i've been in the same boat, it gets easier", {"self_disclosure"}, {"advice"}),
    ("something that really helped me was a daily routine", {"self_disclosure"}, {"question"}),
    ("you could text them or call, which would you prefer?", {"options", "question"}, {"confront"}),
]


@pytest.mark.parametrize(("name", "text"), POSITIVE)
def test_marker_matches_its_examples(name: str, text: str) -> None:
    assert name in find_markers(text)


@pytest.mark.parametrize(("name", "text"), NEGATIVE)
def test_marker_ignores_its_counterexamples(name: str, text: str) -> None:
    assert name not in find_markers(text)


@pytest.mark.parametrize(("text", "present", "absent"), SUPPORT_CHAT)
def test_markers_transfer_to_support_conversations(text: str, present: set[str], absent: set[str]) -> None:
    found = set(find_markers(text))
    assert present <= found
    assert not absent & found


def test_vocabulary_has_the_markers_the_power_model_needs() -> None:
    required = {"permission", "autonomy", "affirmation", "advice", "directive", "confront", "self_disclosure",
                "we", "hedge", "disagreement", "options"}
    assert required <= set(MARKER_NAMES)
    assert len(MARKER_NAMES) == len(set(MARKER_NAMES))


def test_every_marker_has_examples_both_ways() -> None:
    for marker in MARKERS:
        assert len(marker.examples) >= 3, marker.name
        assert len(marker.counterexamples) >= 2, marker.name


def test_markers_come_in_vocabulary_order_and_ignore_case_and_curly_apostrophes() -> None:
    found = find_markers("LET’S LOOK AT IT TOGETHER. YOU SHOULD STOP.")
    assert list(found) == sorted(found, key=MARKER_NAMES.index)
    assert {"we", "advice", "collaboration"} <= set(found)


def test_empty_text_has_no_markers() -> None:
    assert find_markers("") == ()


def test_docs_table_is_generated_from_the_rules() -> None:
    assert markers_table() in DOCS.read_text(encoding="utf-8")
