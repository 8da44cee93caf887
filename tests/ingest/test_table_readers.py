"""Golden parses and errors for the table readers: generic CSV and JSONL, AnnoMI CSV."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from equipoise.errors import InputError
from equipoise.ingest import annomi, load

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats"
SECRET = "my brother hit me"


def rows(transcript):
    return [(t.speaker.name, t.role.value, t.text, t.start, t.end) for t in transcript.turns]


def test_csv_with_roles_clock_times_quoted_newlines_and_an_empty_role():
    transcript = load(FIXTURES / "roles.csv")
    assert transcript.source_format == "csv"
    assert rows(transcript) == [
        ("Ana", "therapist", "Before we start, is it all right if I ask about the sleep diary?", 1.0, 6.5),
        ("Ben", "client", "Sure. I filled it in most nights, except the weekend.", 7.0, 15.0),
        ("Ben", "client", "Well, I forgot Saturday, and Sunday I stayed at my mum's.", 15.5, 19.0),
        ("Ana", "therapist", "So most nights you managed it, even with a busy week. What did you notice "
         "when you read it back?", 20.0, 31.0),
        ("Ben", "client", "That I go to bed later when I've been on my phone, I suppose.", 31.5, 40.0),
    ]
    assert not any("inferred" in notice for notice in transcript.notices)


def test_jsonl_keeps_order_mixed_time_forms_and_ignores_other_keys():
    transcript = load(FIXTURES / "session.jsonl")
    assert transcript.source_format == "jsonl"
    assert rows(transcript) == [
        ("Therapist", "therapist", "How did the conversation with your manager go?", 0.0, 4.2),
        ("Client", "client", "Better than I feared. I actually said what I needed.", 4.8, 10.0),
        ("Therapist", "therapist", "You said what you needed. How did that feel?", 10.5, 14.0),
        ("Client", "client", "Strange. Good strange.", 14.6, None),
    ]


def test_csv_aliases_and_semicolons(tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("Name;Utterance;Start_Time\nAna;Anything else?;0:05\nBen;No;0:07\n", encoding="utf-8")
    assert [(t.speaker.name, t.text, t.start) for t in load(path).turns] == [
        ("Ana", "Anything else?", 5.0), ("Ben", "No", 7.0)]


def test_csv_unknown_role_names_the_row_and_lists_the_accepted_words(tmp_path):
    path = tmp_path / "role.csv"
    path.write_text(f"speaker,role,text\nAna,therapist,Hello?\nBen,supervisor,{SECRET}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert "role.csv, row 3: unknown value in the role column" in message
    assert "therapist: therapist" in message and "listener" in message and "seeker" in message
    assert "--therapist NAME" in message
    assert SECRET not in message


def test_therapist_named_by_the_user_settles_roles_whatever_the_role_column_says(tmp_path):
    path = tmp_path / "role.csv"
    path.write_text("speaker,role,text\nAna,host,How are you?\nBen,guest,Not bad at all today.\n",
                    encoding="utf-8")
    transcript = load(path, therapist=["ana"])
    assert [(s.name, s.role.value) for s in transcript.speakers] == [("Ana", "therapist"), ("Ben", "client")]


@pytest.mark.parametrize(("helper", "seeker"), [("listener", "seeker"), ("supporter", "member"),
                                                ("Peer-Supporter", "help_seeker"), ("counsellor", "patient"),
                                                ("volunteer", "caller")])
def test_peer_support_role_words_are_accepted(tmp_path, helper, seeker):
    path = tmp_path / "peer.csv"
    path.write_text(f"speaker,role,text\nKofi,{helper},What's brought you here?\nJo,{seeker},My break-up.\n",
                    encoding="utf-8")
    transcript = load(path)
    assert [(s.name, s.role.value) for s in transcript.speakers] == [("Kofi", "therapist"), ("Jo", "client")]


def test_table_rows_of_one_speaker_stay_separate_turns(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("speaker,role,text\nAna,therapist,Hello.\nAna,therapist,How are you?\nBen,client,Fine.\n",
                    encoding="utf-8")
    assert load(path).n_turns == 3


@pytest.mark.parametrize("bad", ["00:61:00", "1:2:3:4", "soon", "-4", "nan"])
def test_csv_malformed_time_names_the_row_without_quoting_text(tmp_path, bad):
    path = tmp_path / "time.csv"
    path.write_text(f"speaker,start,text\nAna,0,Hello?\nBen,{bad},{SECRET}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert "time.csv, row 3: malformed start time" in message
    assert SECRET not in message


def test_csv_missing_text_column_lists_accepted_names(tmp_path):
    path = tmp_path / "columns.csv"
    path.write_text(f"speaker,words\nAna,{SECRET}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path, input_format="csv")
    message = str(caught.value)
    assert "columns.csv, row 1: no text column (accepted names: text: text, utterance" in message
    assert "the first row has 2 column(s)" in message
    assert SECRET not in message


def test_csv_without_a_header_row_does_not_quote_its_first_row(tmp_path):
    path = tmp_path / "headless.csv"
    path.write_text(f"Ana,{SECRET}\nBen,fine\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path, input_format="csv")
    assert "no speaker or text column" in str(caught.value)
    assert SECRET not in str(caught.value) and "Ana" not in str(caught.value)


def test_jsonl_errors_name_the_line(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text(f'{{"speaker": "Ana", "text": "Hi?"}}\n\n{{"speaker": "Ben", "text": "{SECRET}"\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.jsonl, line 3: is not valid JSON") as caught:
        load(path)
    assert SECRET not in str(caught.value)
    path.write_text(f'{{"speaker": "Ana", "text": "Hi?"}}\n{{"who": "Ben", "text": "{SECRET}"}}\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.jsonl, line 2: no speaker column") as caught:
        load(path)
    assert SECRET not in str(caught.value) and "keys found: who, text" in str(caught.value)
    path.write_text(f'{{"speaker": "Ana", "text": "Hi?", "end": [1]}}\n'
                    f'{{"speaker": "Ben", "text": "{SECRET}"}}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: malformed end time"):
        load(path)


def test_annomi_reads_the_first_transcript_sorted_deduplicated_and_smoothed():
    transcript = load(FIXTURES / "mi_coded_style.csv")
    assert transcript.source_format == "annomi"
    assert rows(transcript) == [
        ("Therapist", "therapist", "Thanks for coming in today. What would you like to talk about?",
         5.0, None),
        ("Client", "client", "My doctor says I drink too much, but I don't see it that way.", 9.0, None),
        ("Therapist", "therapist", "Some of it, though, matters to you.", 19.0, None),
        ("Client", "client", "I guess I do worry about my liver.", 19.0, None),
    ]
    notices = " ".join(transcript.notices)
    assert "holds 2 transcripts; read only transcript_id 7" in notices
    assert "1 utterance(s)" in notices and "(row 6)" in notices


def test_annomi_read_all_gives_every_session():
    sessions = annomi.read_all(FIXTURES / "mi_coded_style.csv")
    assert list(sessions) == ["7", "9"]
    assert [(t.speaker, t.role.value, t.start) for t in sessions["9"].turns] == [
        ("Therapist", "therapist", 2.0), ("Client", "client", 4.0)]


def test_annomi_unknown_interlocutor_and_missing_column(tmp_path):
    path = tmp_path / "bad.csv"
    header = "transcript_id,utterance_id,interlocutor,timestamp,utterance_text\n"
    path.write_text(header + f"1,0,therapist,00:00:01,Hi?\n1,1,narrator,00:00:02,{SECRET}\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    assert "bad.csv, row 3: unknown interlocutor; valid values: therapist, client" in str(caught.value)
    assert SECRET not in str(caught.value)
    path.write_text("transcript_id,interlocutor,utterance_text\n1,therapist,Hi?\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 1: no utterance_id column"):
        load(path, input_format="annomi")


def test_annomi_unreadable_timestamp_is_left_empty_and_reported(tmp_path):
    # AnnoMI itself holds one such time ("00:09:025"); refusing the corpus over optional metadata would
    # block every session in the file.
    path = tmp_path / "typo.csv"
    path.write_text("transcript_id,utterance_id,interlocutor,timestamp,utterance_text\n"
                    f"1,0,therapist,00:00:01,Hi?\n1,1,client,00:09:025,{SECRET}\n", encoding="utf-8")
    transcript = load(path)
    assert [t.start for t in transcript.turns] == [1.0, None]
    assert any("1 unreadable timestamp(s) left empty (row 3)" in n for n in transcript.notices)
    assert not any(SECRET in n for n in transcript.notices)


def _shared_data() -> Path:
    root = os.environ.get("EQUIPOISE_DATA")
    base = Path(root) if root else Path(__file__).resolve().parents[2].parent / "shared" / "data"
    return base / "annomi"


@pytest.mark.data
@pytest.mark.parametrize("name", ["annomi-simple-train.csv", "annomi-full-train.csv"])
def test_every_shared_annomi_session_reads(name):
    path = _shared_data() / name
    if not path.is_file():
        pytest.skip(f"the shared AnnoMI data is absent ({name}); set EQUIPOISE_DATA to its folder")
    from equipoise.ingest import build_transcript

    sessions = annomi.read_all(path)
    assert len(sessions) == 103
    for parsed in sessions.values():
        transcript = build_transcript(path, parsed, "annomi")
        assert transcript.therapists and transcript.clients
