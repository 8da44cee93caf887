"""The floor in seconds (floor 1.1): speaking time, speech rate, silences and interruptions, on sessions
timed by hand; and nothing of it without start and end times."""

from __future__ import annotations

import pytest

from equipoise.analysers import Config, registry
from equipoise.model import Role, Speaker, Transcript, Turn

T, C = Speaker("Ana", Role.THERAPIST), Speaker("Ben", Role.CLIENT)


def floor(rows: list[tuple[Speaker, str, float | None, float | None]]) -> dict[str, object]:
    transcript = Transcript.from_turns("s", [Turn(i, who, text, start, end)
                                             for i, (who, text, start, end) in enumerate(rows)])
    result = registry.get("floor").analyse(transcript, None, Config())
    return {"metrics": result.metrics, "turns": result.metric_turns}


TIMED = [
    (T, "How have you been this week?", 0.0, 2.0),          # 6 words in 2 s
    (C, "Not so good, to be honest with you.", 2.5, 6.0),   # 8 words in 3.5 s
    (T, "Tell me more.", 9.0, 10.0),                        # breaks a 3 s silence
    (C, "Well it started on Monday when", 10.5, 13.0),      # cut in on at 12.0, stops first: yields
    (T, "Was that the meeting?", 12.0, 14.0),               # an interruption by the therapist
    (C, "Yes, the one I told you", 14.2, 18.0),
    (T, "Right.", 16.0, 16.5),                              # an overlap, not an interruption: Ben goes on
    (C, "about before.", 21.0, 22.0),                       # breaks a 3 s silence (after 18.0)
]


def test_speaking_seconds_and_words_per_minute_per_party() -> None:
    m = floor(TIMED)["metrics"]
    assert m["speaking_seconds_therapist"] == pytest.approx(2.0 + 1.0 + 2.0 + 0.5)
    assert m["speaking_seconds_client"] == pytest.approx(3.5 + 2.5 + 3.8 + 1.0)
    assert m["speech_rate_therapist"] == pytest.approx((6 + 3 + 4 + 1) / (5.5 / 60))
    assert m["speech_rate_other"] is None


def test_silences_of_two_seconds_or_more_and_who_broke_them() -> None:
    found = floor(TIMED)
    m, turns = found["metrics"], found["turns"]
    assert m["silences_broken_therapist"] == 1 and turns["silences_broken_therapist"] == (2,)
    assert m["silences_broken_client"] == 1 and turns["silences_broken_client"] == (7,)
    assert m["silence_seconds"] == pytest.approx(6.0)
    assert m["longest_silence_seconds"] == pytest.approx(3.0)


def test_an_interruption_is_a_cut_in_after_which_the_other_stops_first() -> None:
    found = floor(TIMED)
    m, turns = found["metrics"], found["turns"]
    assert m["overlaps_therapist"] == 2                       # turns 4 and 6 start inside Ben's turn
    assert m["interruptions_therapist"] == 1 and turns["interruptions_therapist"] == (4,)
    assert m["yields_client"] == 1 and turns["yields_client"] == (3,)
    assert m["interruptions_client"] == 0 and m["yields_therapist"] == 0


def test_no_seconds_without_start_and_end_times() -> None:
    starts_only = [(who, text, start, None) for who, text, start, _ in TIMED]
    untimed = [(who, text, None, None) for who, text, _, _ in TIMED]
    for rows in (starts_only, untimed):
        m = floor(rows)["metrics"]
        assert not any(k.startswith(("speaking_seconds", "speech_rate", "silence", "interruptions", "yields"))
                       for k in m)


def test_swapping_the_roles_swaps_the_seconds() -> None:
    swapped = [(C if who is T else T, text, start, end) for who, text, start, end in TIMED]
    m, s = floor(TIMED)["metrics"], floor(swapped)["metrics"]
    for name in ("speaking_seconds", "speech_rate", "silences_broken", "interruptions", "yields"):
        assert m[f"{name}_therapist"] == s[f"{name}_client"]
