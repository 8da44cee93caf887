"""The shipped labeller on tiny hand-built transcripts: right fields, None where they must be, no mutation."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from equipoise.errors import UsageError
from equipoise.label import Labels, TurnLabels, load_labeller
from equipoise.label.data import LABEL_CLASSES
from equipoise.model import Role, Speaker, Transcript, Turn

T = Speaker("Sam", Role.THERAPIST)
C = Speaker("Alex", Role.CLIENT)
N = Speaker("Nurse", Role.OTHER)


def session() -> Transcript:
    lines = [
        (T, "Hi Alex, what brings you in today?"),
        (C, "My wife says I drink too much, but I don't think it's a problem."),
        (T, "You feel she's overreacting."),
        (C, "Yeah. I mean, I want to keep my job though, so maybe I should cut down."),
        (T, "Would it be okay if I shared some information about drinking and sleep?"),
        (C, "Sure."),
        (T, "You should stop drinking completely, you're just making excuses."),
        (N, "Sorry to interrupt, your next appointment is waiting."),
        (T, "It's entirely up to you what you do with this. What do you think?"),
    ]
    return Transcript.from_turns("tiny", [Turn(i, s, text) for i, (s, text) in enumerate(lines)])


@pytest.fixture(scope="module")
def labelled() -> tuple[Transcript, Labels]:
    transcript = session()
    return transcript, load_labeller().label(transcript)


def test_one_label_set_per_turn_with_labeller_identity(labelled: tuple[Transcript, Labels]) -> None:
    transcript, labels = labelled
    labeller = load_labeller()
    assert len(labels) == transcript.n_turns
    assert all(isinstance(t, TurnLabels) for t in labels.turns)
    assert (labels.labeller_name, labels.labeller_version) == (labeller.name, labeller.version)
    assert labeller.name and labeller.version


def test_therapist_turns_have_therapist_labels_only(labelled: tuple[Transcript, Labels]) -> None:
    transcript, labels = labelled
    for turn, lab in zip(transcript.turns, labels.turns, strict=True):
        if turn.role is not Role.THERAPIST:
            continue
        assert lab.behaviour in LABEL_CLASSES["behaviour"]
        assert lab.stance in ("directive", "collaborative", "neutral")
        assert lab.talk_type is None
        subtype = {"question": "question_type", "reflection": "reflection_type", "input": "input_type"}
        for field in ("question_type", "reflection_type", "input_type"):
            value = getattr(lab, field)
            if subtype.get(lab.behaviour) == field:
                assert value in LABEL_CLASSES[field]
            else:
                assert value is None


def test_client_and_other_turns_have_no_therapist_labels(labelled: tuple[Transcript, Labels]) -> None:
    transcript, labels = labelled
    for turn, lab in zip(transcript.turns, labels.turns, strict=True):
        if turn.role is Role.THERAPIST:
            continue
        therapist_only = (lab.behaviour, lab.question_type, lab.reflection_type, lab.input_type, lab.stance)
        assert therapist_only == (None,) * 5
        if turn.role is Role.CLIENT:
            assert lab.talk_type in LABEL_CLASSES["talk_type"]
        else:
            assert lab.talk_type is None
    assert "apology" in labels[7].markers


def test_clear_cases_are_labelled_as_a_coder_would(labelled: tuple[Transcript, Labels]) -> None:
    _, labels = labelled
    assert labels[0].behaviour == "question"
    assert labels[0].question_type == "open"
    assert "permission" in labels[4].markers
    assert labels[4].stance == "collaborative"
    assert labels[6].stance == "directive"
    assert {"advice", "confront"} <= set(labels[6].markers)
    assert labels[8].stance == "collaborative"


def test_label_does_not_mutate_the_transcript() -> None:
    transcript = session()
    before = copy.deepcopy(transcript)
    load_labeller().label(transcript)
    assert transcript == before


def test_empty_transcript_gives_no_labels() -> None:
    labels = load_labeller().label(Transcript.from_turns("empty", []))
    assert len(labels) == 0


def test_loading_is_cached() -> None:
    assert load_labeller() is load_labeller()


def test_unknown_labeller_names_the_available_ones() -> None:
    with pytest.raises(UsageError, match="available names: counselling-linear"):
        load_labeller("no-such-model")


def test_shipped_artifact_round_trips_byte_for_byte(tmp_path: Path) -> None:
    from equipoise.label.artifact import Artifact
    from equipoise.label.labeller import DEFAULT_MODEL, MODELS_DIR

    shipped = MODELS_DIR / DEFAULT_MODEL
    Artifact.load(shipped).save(tmp_path)
    for name in ("manifest.json", "vocab.json", "weights.npz"):
        assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), name


def test_the_labeller_version_names_the_artifact_and_the_rules() -> None:
    from equipoise.label.markers import RULES_VERSION

    labeller = load_labeller()
    assert labeller.version == f"{labeller.artifact.version}+rules.{RULES_VERSION}"


def two_turns(first: tuple[Speaker, str], second: tuple[Speaker, str]) -> Labels:
    transcript = Transcript.from_turns("pair", [Turn(0, first[0], first[1]), Turn(1, second[0], second[1])])
    return load_labeller().label(transcript)


def test_a_bare_no_answering_a_closed_question_is_not_pushback() -> None:
    assert "disagreement" not in two_turns((T, "Did you drink last night?"), (C, "No."))[1].markers
    assert "disagreement" in two_turns((T, "You should stop drinking."), (C, "No."))[1].markers


@pytest.mark.parametrize("text", ["I don't think I can do that.", "I don't want to do that yet.",
                                  "I didn't like the worksheets."])
def test_real_pushback_is_caught(text: str) -> None:
    assert "disagreement" in two_turns((T, "How about the worksheets?"), (C, text))[1].markers


def test_a_long_turn_is_labelled_utterance_by_utterance() -> None:
    text = "You feel torn about it. You should call your sister tonight. What do you think?"
    turn = two_turns((C, "I can't decide."), (T, text))[1]
    assert [text[u.start:u.end] for u in turn.utterances] == [
        "You feel torn about it.", "You should call your sister tonight.", "What do you think?"]
    assert "advice" in turn.utterances[1].markers
    assert turn.utterances[2].behaviour == "question"
    assert all(u.behaviour in LABEL_CLASSES["behaviour"] and 0 < u.confidence["behaviour"] <= 1
               for u in turn.utterances)


def test_a_one_sentence_turn_has_no_separate_utterances() -> None:
    assert two_turns((C, "I can't decide."), (T, "What would help?"))[1].utterances == ()


def test_every_learned_label_carries_a_probability(labelled: tuple[Transcript, Labels]) -> None:
    transcript, labels = labelled
    for turn, lab in zip(transcript.turns, labels.turns, strict=True):
        learned = {"therapist": ("behaviour", "stance"), "client": ("talk_type",)}.get(turn.role.value, ())
        for name in learned:
            assert 0.0 < lab.confidence[name] <= 1.0, (turn.index, name)


def test_stance_keeps_the_rule_beside_the_learned_label(labelled: tuple[Transcript, Labels]) -> None:
    _, labels = labelled
    assert labels[6].stance_rule == "directive"
    assert all(lab.stance_rule is not None for t, lab in zip(session().turns, labels.turns, strict=True)
               if t.role is Role.THERAPIST)
