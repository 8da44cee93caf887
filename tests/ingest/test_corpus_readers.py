"""Golden parses and errors for the segment and corpus readers: Whisper JSON and ConvoKit folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from equipoise.errors import InputError
from equipoise.ingest import load

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats"
SECRET = "my brother hit me"


def rows(transcript):
    return [(t.speaker.name, t.role.value, t.text, t.start, t.end) for t in transcript.turns]


def test_whisperx_segments_with_diarised_speakers():
    transcript = load(FIXTURES / "whisperx.json")
    assert transcript.source_format == "whisper"
    assert rows(transcript) == [
        ("SPEAKER_00", "therapist", "What would you like to focus on today?", 0.52, 3.9),
        ("SPEAKER_01", "client", "I think the arguments with my partner. They're getting worse.", 4.31, 9.02),
        ("SPEAKER_00", "therapist", "Worse in what way?", 9.4, 11.75),
    ]
    assert any("inferred 'SPEAKER_00' as therapist" in notice for notice in transcript.notices)


def test_whisper_without_speakers_asks_for_diarisation():
    with pytest.raises(InputError) as caught:
        load(FIXTURES / "whisper_no_speakers.json")
    message = str(caught.value)
    assert "whisper_no_speakers.json: the segments have no speaker labels" in message
    assert "diarisation" in message
    assert "focus on today" not in message


def test_bare_segment_list_word_speakers_and_unlabelled_segments_kept_as_unknown(tmp_path):
    path = tmp_path / "segments.json"
    path.write_text(json.dumps([
        {"start": 0, "end": 2, "text": "How are you?", "speaker": "Ana"},
        {"start": 2.5, "end": 4, "text": "Fine.", "speaker": "Ben"},
        {"start": 4.5, "end": 5, "text": SECRET},
        {"start": 5.5, "end": 6, "text": "Good.", "words": [{"word": "Good.", "speaker": "Ana"}]},
    ]), encoding="utf-8")
    transcript = load(path)
    assert rows(transcript)[2:] == [("Unknown", "other", SECRET, 4.5, 5.0),
                                    ("Ana", "therapist", "Good.", 5.5, 6.0)]
    assert any("1 segment(s) have no speaker label" in n and "segment 3" in n for n in transcript.notices)


@pytest.mark.parametrize("bad", ['"1:2:3:4"', '"later"', "-1", "true", "[1]"])
def test_whisper_malformed_time_names_the_segment(tmp_path, bad):
    path = tmp_path / "times.json"
    path.write_text('{"segments": [{"start": 0, "end": 1, "text": "Hi?", "speaker": "A"},'
                    f'{{"start": {bad}, "end": 3, "text": "{SECRET}", "speaker": "B"}}]}}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    assert "times.json, segment 2: malformed start time" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_whisper_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('{"segments": [\n{"start": 0, "end": 1, "text": "' + SECRET + '"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"cut.json, line \d+: is not valid JSON") as caught:
        load(path)
    assert SECRET not in str(caught.value)


def test_convokit_folder_reads_the_first_conversation_with_roles_from_speaker_meta():
    transcript = load(FIXTURES / "convokit")
    assert transcript.source_format == "convokit"
    assert rows(transcript) == [
        ("counsellor_12", "therapist", "What made you decide to come today?", 3.0, None),
        ("client_40", "client", "My wife, mostly. She says I've changed.", 7.5, None),
        ("counsellor_12", "therapist", "Your wife has noticed a change.", 12.0, None),
    ]
    assert any("holds 2 conversations; read only conversation_id 'u0'" in n for n in transcript.notices)
    assert not any("inferred" in n for n in transcript.notices)


def test_convokit_utterances_file_can_be_given_directly():
    transcript = load(FIXTURES / "convokit" / "utterances.jsonl")
    assert transcript.source_format == "convokit"
    assert transcript.n_turns == 3


def test_convokit_without_speakers_json_infers_roles(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "convokit" / "utterances.jsonl", corpus)
    transcript = load(corpus)
    assert [t.role.value for t in transcript.turns] == ["therapist", "client", "therapist"]
    assert any("inferred 'counsellor_12' as therapist" in n for n in transcript.notices)


def test_convokit_folder_without_utterances_is_refused(tmp_path):
    corpus = tmp_path / "empty_corpus"
    corpus.mkdir()
    (corpus / "speakers.json").write_text("{}", encoding="utf-8")
    refused = r"empty_corpus: is not a ConvoKit corpus: it has no utterances"
    with pytest.raises(InputError, match=refused) as err:
        load(corpus)
    assert "equipoise batch FOLDER" in err.value.describe()


def test_convokit_unknown_role_and_bad_lines_are_named(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    utterances = corpus / "utterances.jsonl"
    utterances.write_text(
        '{"id": "a", "speaker": "s1", "text": "Hi?", "conversation_id": "a", "reply_to": null}\n'
        f'{{"id": "b", "speaker": "s2", "text": "{SECRET}", "conversation_id": "a", "reply_to": "a", '
        '"meta": {"role": "judge"}}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(corpus)
    assert "utterances.jsonl, line 2: unknown role; valid roles: therapist, client" in str(caught.value)
    assert SECRET not in str(caught.value)
    utterances.write_text(f'{{"id": "a", "speaker": "s1", "text": "{SECRET}", "timestamp": "soon"}}\n',
                          encoding="utf-8")
    with pytest.raises(InputError, match=r"utterances.jsonl, line 1: malformed timestamp") as caught:
        load(corpus)
    assert SECRET not in str(caught.value)
    utterances.write_text('{"id": "a", "text": "no speaker"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: an utterance needs 'speaker' and 'text'"):
        load(corpus)
