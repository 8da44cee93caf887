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
