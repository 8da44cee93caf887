"""Perturbations used for robust training and the robustness benchmark, and the features' normal form."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from equipoise.label.features import normalise, word_ngrams
from equipoise.label.perturb import add_disfluencies, perturb, strip_punctuation_case, to_american, to_british


def test_punctuation_and_case_go_but_apostrophes_stay() -> None:
    assert strip_punctuation_case("Well, I don't KNOW... Really?!") == "well i don't know really"


def test_spelling_varieties_round_trip() -> None:
    british = to_british("My behavior and my favorite color; Mom realized.")
    assert british == "My behaviour and my favourite colour; Mum realised."
    assert to_american(british) == "My behavior and my favorite color; Mom realized."


def test_perturbation_is_deterministic_given_the_generator() -> None:
    text = "So what would you like to do about the drinking?"
    assert perturb(text, random.Random(3)) == perturb(text, random.Random(3))
    assert "?" not in perturb(text, random.Random(3))


def test_disfluencies_only_add_words() -> None:
    text = "I think I want to stop"
    out = add_disfluencies(text, random.Random(1), rate=0.9).split()
    assert len(out) > len(text.split())
    assert [w for w in out if w in text.split()][: len(text.split())]


def test_the_features_read_one_form_for_every_spelling_and_filler() -> None:
    assert normalise("Um, I I realise my behaviour") == normalise("i realize my behavior")
    assert word_ngrams("Uh, you feel stuck", (1, 1)) == word_ngrams("you feel stuck", (1, 1))


@given(st.text(max_size=200))
def test_normalise_never_fails_and_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once or normalise(normalise(once)) == normalise(once)
