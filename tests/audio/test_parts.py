"""The parts of the audio path on hand-made inputs: windows, stretches, format sniffing, transcript files."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from equipoise.audio.decode import RATE
from equipoise.audio.export import render
from equipoise.audio.recognise import WINDOW_SECONDS, Word, windows
from equipoise.audio.voices import stretches
from equipoise.ingest.audio import sniff
from equipoise.model import Role, Speaker, Transcript, Turn


def test_windows_cover_the_recording_in_bounded_pieces_cut_at_quiet_moments() -> None:
    rng = np.random.default_rng(0)
    samples = (rng.normal(0, 3000, RATE * 7 * 60)).astype(np.int16)
    quiet = RATE * 115
    samples[quiet:quiet + RATE] = 0  # a silence just before the first window's end
    spans = windows(samples)
    assert spans[0][0] == 0 and spans[-1][1] == len(samples)
    assert all(a[1] == b[0] for a, b in pairwise(spans))
    assert all(last - first <= WINDOW_SECONDS * RATE for first, last in spans)
    assert quiet <= spans[0][1] <= quiet + RATE


def test_stretches_break_at_pauses_segments_and_length() -> None:
    words = [Word(" a", 0.0, 0.5, 0), Word(" b", 0.5, 1.0, 0), Word(" c", 1.5, 2.0, 0),  # pause 0.5 s
             Word(" d", 2.0, 2.4, 1),                                                 # new segment
             *[Word(" e", 2.4 + 0.4 * i, 2.8 + 0.4 * i, 1) for i in range(10)]]       # 4 s of talk
    groups = stretches(words)
    assert [len(g) for g in groups[:3]] == [2, 1, 7]  # d and e0-e5: 2.0 s to 4.8 s, within 3 s
    assert all(g[-1].end - g[0].start <= 3.0 for g in groups)


def test_recordings_are_recognised_by_their_first_bytes_not_text() -> None:
    assert sniff("RIFF\ufffd\x17\x17\x00WAVEfmt ")
    assert sniff("ID3\x04\x00\x00") and sniff("OggS\x00\x02") and sniff("fLaC\x00")
    assert sniff("\x00\x00\x00\x1cftypM4A ") and sniff("\x1aE\u07e3\ufffdB")
    assert not sniff("RIFF: the therapist said ...") and not sniff("T: ID3 forms\nC: yes")


def test_transcript_files_carry_speaker_role_start_end_and_text() -> None:
    turns = [Turn(0, Speaker("SPEAKER_1", Role.THERAPIST), "Hello, how are you?", 0.5, 1.75),
             Turn(1, Speaker("SPEAKER_2", Role.CLIENT), 'I said "fine".', 2.0, 3661.5)]
    transcript = Transcript.from_turns("s", turns)
    assert render(transcript, "csv").splitlines()[2] == 'SPEAKER_2,client,2.00,3661.50,"I said ""fine""."'
    assert '"role": "therapist"' in render(transcript, "jsonl").splitlines()[0]
    vtt = render(transcript, "vtt")
    assert vtt.startswith("WEBVTT") and "01:01:01.500" in vtt and "<v SPEAKER_1>Hello" in vtt


def test_batch_workers_share_the_cpus_between_their_recognisers(monkeypatch: pytest.MonkeyPatch) -> None:
    from equipoise import batch
    from equipoise.audio import recognise

    monkeypatch.setattr(recognise, "available_cpus", lambda: 8)
    monkeypatch.setattr(recognise, "_share", None)
    monkeypatch.setattr(batch, "die_with_parent", lambda parent: None)
    assert recognise.threads() == 4  # one process alone: the CPUs it may use, at most 4
    batch.start_worker(0, 4)  # the initializer of each of a batch's four workers
    assert recognise.threads() == 2
    recognise.share_cpus(16)
    assert recognise.threads() == 1  # more workers than CPUs: one thread each
