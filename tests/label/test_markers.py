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


def _disfluent(text: str) -> str:
    """A filler after the first word and the second word said twice, as a transcriber writes speech."""
    words = text.split()
    if len(words) < 3:
        return f"Um, {text}"
    return " ".join([words[0], "um,", words[1], words[1], *words[2:]])


@pytest.mark.parametrize(("name", "text"), POSITIVE)
def test_marker_survives_fillers_and_repeated_words(name: str, text: str) -> None:
    assert name in find_markers(_disfluent(text)), _disfluent(text)


@pytest.mark.parametrize(("text", "present"), [
    ("you need need to stop drinking", "advice"),
    ("I, I don't think I want to do that yet", "disagreement"),
    ("is it okay if I, you know, share an idea", "permission"),
    ("uh what do you think would help", "feedback_request"),
    ("it's completely up to you, I mean, whatever you decide", "autonomy"),
])
def test_markers_read_speech_without_its_disfluencies(text: str, present: str) -> None:
    assert present in find_markers(text)


def test_unpunctuated_text_is_read_as_the_utterances_the_boundary_model_finds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import equipoise.label.markers as markers
    from equipoise.label import sentences

    text = "that sounds really hard do you want to talk about what happened"
    cut = text.index(" do ")

    def clear() -> None:
        markers.find_markers.cache_clear()
        sentences.restore.cache_clear()

    monkeypatch.setattr(sentences, "question_model", lambda: None)  # full stops only: the boundaries alone
    monkeypatch.setattr(sentences, "split_spans", lambda t: ((0, cut), (cut + 1, len(t))))
    clear()
    try:
        assert "question" in markers.find_markers(text)
        monkeypatch.setattr(sentences, "split_spans", lambda t: ((0, len(t)),))
        clear()
        assert "question" not in markers.find_markers(text)  # no sentence start before "do you"
    finally:
        clear()


def test_punctuated_text_is_not_split_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import equipoise.label.markers as markers
    from equipoise.label import sentences

    def fail(text: str) -> tuple[tuple[int, int], ...]:
        raise AssertionError("the boundary model ran on punctuated text")

    monkeypatch.setattr(sentences, "split_spans", fail)
    markers.find_markers.cache_clear()
    sentences.restore.cache_clear()
    try:
        assert "question" in markers.find_markers("That sounds hard. Do you want to talk about it?")
    finally:
        markers.find_markers.cache_clear()
        sentences.restore.cache_clear()


@pytest.mark.parametrize(("text", "absent"), [
    ("I'm so sorry to hear about your dad.", "apology"),
    ("I'm sorry that happened to you.", "apology"),
    ("You need to pull yourself together.", "we"),
    ("Get it together, honestly.", "collaboration"),
])
def test_sympathy_is_no_apology_and_an_idiom_is_no_joint_work(text: str, absent: str) -> None:
    assert absent not in find_markers(text)


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("Sleep's better. I'm getting six hours now.", set(), {"directive"}),
    ("Drink was the problem, not the job.", set(), {"directive"}),
    ("Don't wanna be back here again.", set(), {"directive"}),
    ("Don't think about it tonight. Just go to bed.", {"directive"}, set()),
    ("I'd also recommend a stress risk assessment in your first week.", {"advice"}, set()),
    ("I'd be recommending a four-week phased return.", {"advice"}, set()),
])
def test_nouns_and_dropped_subjects_are_no_imperative_and_recommending_is_advice(
        text: str, present: set[str], absent: set[str]) -> None:
    found = set(find_markers(text))
    assert present <= found and not absent & found


@pytest.mark.parametrize(("text", "present", "absent"), [
    ("Take your time. Then stop drinking.", {"directive"}, set()),
    ("Take care going home, Stuart.", set(), {"directive"}),
    ("Part of you might want to let it go, and part of you wants to hold on.", set(), {"advice"}),
    ("Is there anything you need to tell me?", set(), {"advice", "directive"}),
    ("You can step back up to full hours if you need to.", set(), {"advice", "directive"}),
    ("And if you need to relax, go for a walk.", {"advice"}, set()),
    ("You have to face it: you're drinking every day.", {"confront"}, set()),
    ("You couldn't face it after the funeral.", set(), {"confront"}),
])
def test_kindness_and_reflected_ambivalence_are_no_direction(text: str, present: set[str],
                                                             absent: set[str]) -> None:
    found = set(find_markers(text))
    assert present <= found and not absent & found
