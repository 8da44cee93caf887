"""Utterance splitting: nupunkt on punctuated turns, the learned boundary model on unpunctuated ones."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from equipoise.label import sentences
from equipoise.label.sentences import fit_boundaries, split, training_examples


def pieces(text: str) -> list[str]:
    return [text[a:b] for a, b in split(text)]


def test_punctuated_turns_split_at_sentences_and_keep_abbreviations() -> None:
    assert split("Okay. So what happened next?") == [(0, 5), (6, 28)]
    assert pieces("Dr. Patel said 2.5 mg. Does that fit?") == ["Dr. Patel said 2.5 mg.", "Does that fit?"]


def test_empty_and_blank_turns_have_no_utterances() -> None:
    assert split("") == [] and split("   ") == []


def test_a_short_unpunctuated_turn_is_one_utterance() -> None:
    assert pieces("i don't know") == ["i don't know"]


def test_the_boundary_model_learns_where_sentences_start() -> None:
    texts = ["I see. What happened then?", "That sounds hard. What did you do?",
             "You felt alone. What helped?", "It was late. What time was it?"] * 20
    words, gold = training_examples(texts)
    model = fit_boundaries(words, gold, c=10.0)
    spans = sentences.unpunctuated_spans("you felt tired what did you do next", model)
    assert len(spans) == 2


@pytest.mark.skipif(sentences.boundary_model() is None, reason="the sentence boundary model is not built "
                    "(python scripts/build_sentence_model.py)")
def test_the_shipped_model_splits_clear_unpunctuated_turns() -> None:
    turns = ["okay so you feel stuck at work what would you like to do about it",
             "i hear you that sounds really hard how are you sleeping these days",
             "thank you for telling me that i know it was not easy can we talk about what happened next"]
    assert sum(len(split(t)) >= 2 for t in turns) >= 2


@given(st.text(alphabet=st.sampled_from(list("abc def.?! '\n")), max_size=120))
def test_spans_are_ordered_disjoint_and_cover_every_word(text: str) -> None:
    spans = split(text)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(spans[k][1] <= spans[k + 1][0] for k in range(len(spans) - 1))
    covered = " ".join(text[a:b] for a, b in spans)
    assert re.findall(r"[a-z]+", covered) == re.findall(r"[a-z]+", text)


def test_restore_leaves_punctuated_and_empty_text_alone() -> None:
    assert sentences.restore("Okay. So what happened next?") == "Okay. So what happened next?"
    assert sentences.restore("Fine, thanks!") == "Fine, thanks!"
    assert sentences.restore("") == ""


def test_the_question_model_learns_what_asks() -> None:
    texts = ["Do you drink at night?", "I drink at night.", "Did you sleep?", "I slept well.",
             "Are you okay?", "I am okay."] * 20
    utterances, gold = sentences.question_examples(texts)
    assert len(utterances) == len(gold) == 120 and sum(gold) == 60
    assert sentences.question_examples(["Well, I see. Do you sleep?"]) == (
        [((), ("well", "i", "see")), (("i", "see"), ("do", "you", "sleep"))], [0, 1])
    model = sentences.fit_questions(utterances, gold, c=10.0)
    assert model.asks(["do", "you", "sleep"]) and not model.asks(["i", "sleep"])
    assert not model.asks([])


@pytest.mark.skipif(sentences.question_model() is None, reason="the question model is not built "
                    "(python scripts/build_sentence_model.py)")
def test_the_shipped_question_model_restores_question_marks() -> None:
    assert sentences.restore("do you drink most nights").endswith("?")
    assert sentences.restore("what would you like to talk about today").endswith("?")
    assert sentences.restore("i drink most nights and it helps me sleep").endswith(".")
    long_turn = "okay so you feel stuck at work what would you like to do about it"
    assert sentences.restore(long_turn).endswith("?")


@pytest.mark.skipif(sentences.question_model() is None, reason="the question model is not built")
def test_a_question_without_punctuation_is_a_question_for_the_rules_and_the_analysers() -> None:
    from equipoise.analysers.text import looks_like_question
    from equipoise.label.markers import find_markers

    assert "question" in find_markers("any thoughts of hurting yourself")
    assert "question" in find_markers("anything else on your mind today")
    assert looks_like_question("is there anything you want to ask me")
    assert not looks_like_question("i went to the shop and then i came home")


@given(st.text(alphabet=st.sampled_from(list("abc def '\n")), max_size=120))
def test_restore_only_adds_punctuation(text: str) -> None:
    restored = sentences.restore(text)
    assert re.findall(r"[a-z']+", restored) == re.findall(r"[a-z']+", text)
    assert set(restored) - set(text) <= {".", "?", " "}


def test_train_questions_cross_validates_on_the_splits_met_at_run_time() -> None:
    texts = ["I see. Do you sleep well at night?", "That sounds hard. What did you do then?",
             "You felt alone. I went home early.", "It was late. Are you tired now?"]
    groups = [(f"g{k}", texts) for k in range(6)]
    model, report = sentences.train_questions(groups, folds=3, baseline=lambda text: text.startswith("do"))
    assert report["threshold"] in sentences.QUESTION_THRESHOLDS and report["folds"] == 3
    assert report["utterances"] == 48 and report["questions"] == 18
    assert 0.0 <= report["baseline"]["precision"] <= 1.0 and report["f1"] > report["baseline"]["f1"]
    assert model.threshold == report["threshold"]


def test_an_opener_may_stand_alone_before_a_learned_boundary() -> None:
    model = sentences.BoundaryModel(weights=None, threshold=0.5)  # type: ignore[arg-type]
    always = [1.0] * 5  # a boundary is likely at every gap of six words

    def first(text: str) -> int:
        return model.boundaries(text.split(" "), always)[0]

    assert first("great it sounds like a plan") == 0  # "great" stands alone
    assert first("it sounds like a good plan") == 1  # any other utterance keeps two words
    assert first("sounds great like a fine plan") == 1


@pytest.mark.skipif(sentences.boundary_model() is None, reason="the sentence boundary model is not built")
def test_a_spoken_affirmation_opening_an_unpunctuated_turn_is_found() -> None:
    from equipoise.label.markers import find_markers

    assert "affirmation" in find_markers("great it sounds like you have a plan for the weekend")
    assert "affirmation" in find_markers("excellent well done for getting to the meeting on your own")
    assert "affirmation" not in find_markers("good morning how are you doing today")
