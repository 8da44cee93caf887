"""The AnnoMI reference sessions behind the norms and the validation (skipped without the shared data)."""

from __future__ import annotations

import pytest

from equipoise.errors import InputError
from equipoise.reference import labels_for, load_labels, load_sessions, save_labels


@pytest.fixture(scope="module")
def sessions():  # type: ignore[no-untyped-def]
    try:
        return load_sessions()
    except InputError:
        pytest.skip("the shared AnnoMI data is absent; set EQUIPOISE_DATA to the folder holding annomi/")


@pytest.mark.data
def test_every_session_has_a_quality_rating_and_a_source_video(sessions) -> None:  # type: ignore[no-untyped-def]
    assert len(sessions) == 103
    assert {s.quality for s in sessions} == {"high", "low"}
    assert all(s.group.startswith("http") for s in sessions)
    assert all(s.transcript.clients and s.transcript.therapists for s in sessions)


@pytest.mark.data
def test_expert_labels_line_up_with_the_turns_and_survive_the_cache(sessions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    few = sessions[:3]
    gold = labels_for(few, "gold")
    for session, labels in zip(few, gold, strict=True):
        assert len(labels) == session.transcript.n_turns
        for turn, label in zip(session.transcript.turns, labels.turns, strict=True):
            assert (label.behaviour is not None) == (turn.role.value == "therapist")
    path = tmp_path / "labels.json"
    save_labels(path, few, gold, "gold")
    assert load_labels(path, few, "gold") == gold
    assert load_labels(path, few, "oof") is None          # a cache of another kind is not used
    saved = path.read_text()
    assert not any(t.text in saved for s in few for t in s.transcript.turns if len(t.text) > 12)


@pytest.mark.data
def test_the_cache_keeps_each_labels_calibrated_probabilities(sessions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    few = sessions[:1]
    shipped = labels_for(few, "shipped")
    assert any(t.confidence for t in shipped[0].turns)
    path = tmp_path / "labels.json"
    save_labels(path, few, shipped, "shipped")
    loaded = load_labels(path, few, "shipped")
    assert loaded is not None
    for before, after in zip(shipped[0].turns, loaded[0].turns, strict=True):
        assert after.confidence == pytest.approx(before.confidence)
