"""Golden parses and errors for the document readers: Otter TXT and Word DOCX."""

from __future__ import annotations

from pathlib import Path

import pytest

from equipoise.errors import InputError
from equipoise.ingest import load

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats"
SECRET = "my brother hit me"


def rows(transcript):
    return [(t.speaker.name, t.role.value, t.text, t.start, t.end) for t in transcript.turns]


def test_otter_txt_headers_give_speakers_and_start_times_and_paragraphs_stay_one_turn():
    transcript = load(FIXTURES / "otter.txt")
    assert transcript.source_format == "otter"
    assert rows(transcript) == [
        ("Morgan Reyes", "therapist", "Welcome back. Last week you mentioned wanting to cut down on "
         "drinking at weekends. Where are you with that now?", 3.0, None),
        ("Chris", "client", "I managed two dry weekends. The third one fell apart at my brother's birthday. "
         "It was harder than I thought it would be.", 12.0, None),
        ("Morgan Reyes", "therapist", "Two out of three. What helped on the weekends that went well?",
         31.0, None),
        ("Chris", "client", "Planning something for Saturday morning, mostly.", 3605.0, None),
    ]


def test_otter_line_that_looks_like_a_header_once_is_text(tmp_path):
    path = tmp_path / "clock.txt"
    path.write_text("Ana  0:01\nWhen did you wake?\n\nBen  0:04\nEarly.\n\nAt around 5:30\n\n"
                    "Ana  0:09\nThat is early?\n", encoding="utf-8")
    transcript = load(path)
    assert [t.text for t in transcript.turns] == [
        "When did you wake?", "Early. At around 5:30", "That is early?"]


def test_otter_malformed_time_names_file_and_line_without_quoting_text(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(f"Ana  0:01\nHello?\n\nBen  0:75\n{SECRET}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path, input_format="otter")
    message = str(caught.value)
    assert "bad.txt, line 4: malformed time" in message
    assert SECRET not in message


def _docx(path: Path, paragraphs=(), tables=()):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for table_rows in tables:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for row, values in zip(table.rows, table_rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    document.save(str(path))
    return path


def test_docx_paragraphs_with_prefixes_continuations_and_line_breaks(tmp_path):
    path = _docx(tmp_path / "session.docx", [
        "Session 4, 12 March",
        "",
        "Therapist: What would make this week a good one?",
        "Client: Getting through the team meeting.",
        "Without leaving early, I mean.",
        "Therapist: So staying until the end matters.\nClient: It does.",
    ])
    transcript = load(path)
    assert transcript.source_format == "docx"
    assert rows(transcript) == [
        ("Therapist", "therapist", "What would make this week a good one?", None, None),
        ("Client", "client", "Getting through the team meeting. Without leaving early, I mean.", None, None),
        ("Therapist", "therapist", "So staying until the end matters.", None, None),
        ("Client", "client", "It does.", None, None),
    ]
    assert any("skipped 1 paragraph(s) before the first speaker prefix" in n for n in transcript.notices)


def test_docx_table_with_a_header_row(tmp_path):
    path = _docx(tmp_path / "table.docx", ["Transcript"], [[
        ("Time", "Speaker", "Role", "Utterance"),
        ("00:00:02", "Kim", "counsellor", "How are you finding the new routine?"),
        ("00:00:06", "Alex", "patient", "Harder than I hoped."),
    ]])
    assert rows(load(path)) == [
        ("Kim", "therapist", "How are you finding the new routine?", 2.0, None),
        ("Alex", "client", "Harder than I hoped.", 6.0, None),
    ]


def test_docx_two_column_table_without_header(tmp_path):
    path = _docx(tmp_path / "plain_table.docx", [], [[
        ("Kim", "How are you finding the new routine?"),
        ("Alex", "Harder than I hoped."),
        ("Kim", "Harder in what way?"),
    ]])
    transcript = load(path)
    assert [(t.speaker.name, t.text) for t in transcript.turns] == [
        ("Kim", "How are you finding the new routine?"), ("Alex", "Harder than I hoped."),
        ("Kim", "Harder in what way?")]


def test_docx_bad_role_in_table_names_the_table_row(tmp_path):
    path = _docx(tmp_path / "role.docx", [], [[
        ("speaker", "role", "text"), ("Kim", "therapist", "Hello?"), ("Alex", "boss", SECRET)]])
    with pytest.raises(InputError) as caught:
        load(path)
    assert "role.docx, table row 3: unknown value in the role column; accepted words are therapist:" \
        in str(caught.value)
    assert SECRET not in str(caught.value)


def test_docx_malformed_time_before_a_prefix_names_the_paragraph(tmp_path):
    path = _docx(tmp_path / "time.docx", ["[00:01] T: Hello?", "", f"[00:99] C: {SECRET}"])
    with pytest.raises(InputError) as caught:
        load(path)
    assert "time.docx, paragraph 3: malformed time" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_damaged_docx_is_refused_with_the_kind_of_damage(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(InputError, match=r"broken.docx: is not a readable DOCX file \(\w+\)"):
        load(path)


def test_prefixes_accept_accented_names_and_numbered_speakers(tmp_path):
    # Shared by plain text and DOCX: "Speaker 2" (Otter, Zoom without names) and non-ASCII names.
    path = tmp_path / "names.txt"
    path.write_text("Speaker 1: ¿Qué te trae hoy?\nÉlodie: Le sommeil.\nSpeaker 1: Depuis quand?\n"
                    "Élodie: Un mois.\n", encoding="utf-8")
    transcript = load(path)
    assert [t.speaker.name for t in transcript.turns] == ["Speaker 1", "Élodie", "Speaker 1", "Élodie"]
