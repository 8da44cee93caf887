"""Format detection: by extension, by content when the extension is missing or misleading."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest

from equipoise.errors import UsageError
from equipoise.ingest import detect, formats, load

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats"

CASES = [
    ("teams.vtt", "vtt"),
    ("zoom.vtt", "vtt"),
    ("otter.srt", "srt"),
    ("otter.txt", "otter"),
    ("whisperx.json", "whisper"),
    ("whisper_no_speakers.json", "whisper"),
    ("roles.csv", "csv"),
    ("session.jsonl", "jsonl"),
    ("mi_coded_style.csv", "annomi"),
    ("convokit/utterances.jsonl", "convokit"),
]


@pytest.mark.parametrize(("name", "expected"), CASES)
def test_fixture_detected_by_its_extension(name, expected):
    assert detect(FIXTURES / name).name == expected


@pytest.mark.parametrize(("name", "expected"), CASES)
@pytest.mark.parametrize("suffix", ["", ".txt", ".dat"])
def test_fixture_detected_by_content_without_the_right_extension(tmp_path, name, expected, suffix):
    copy = tmp_path / f"transcript{suffix}"
    shutil.copy(FIXTURES / name, copy)
    assert detect(copy).name == expected


def test_docx_detected_with_and_without_extension(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("T: Hello?")
    document.add_paragraph("C: Hi.")
    document.save(str(tmp_path / "session.docx"))
    shutil.copy(tmp_path / "session.docx", tmp_path / "session")
    assert detect(tmp_path / "session.docx").name == "docx"
    assert detect(tmp_path / "session").name == "docx"
    assert load(tmp_path / "session").n_turns == 2


def test_folder_is_a_convokit_corpus():
    assert detect(FIXTURES / "convokit").name == "convokit"


def test_plain_text_stays_plain_with_or_without_extension(tmp_path):
    for name in ("session.txt", "session"):
        path = tmp_path / name
        path.write_text("Therapist: What brings you here?\nClient: My sleep.\n", encoding="utf-8")
        assert detect(path).name == "plain"


def test_zoom_vtt_saved_as_txt_is_still_read_as_vtt(tmp_path):
    # Every third line of a Zoom VTT looks like a plain-text prefix; the WEBVTT header must win.
    cues = "".join(f"{i}\n00:00:{i:02d}.000 --> 00:00:{i:02d}.500\n{'Ana' if i % 2 else 'Ben'}: words\n\n"
                   for i in range(1, 30))
    path = tmp_path / "zoom.txt"
    path.write_text("WEBVTT\n\n" + cues, encoding="utf-8")
    assert detect(path).name == "vtt"


@pytest.mark.parametrize(("name", "forced"), [("roles.csv", "csv"), ("otter.txt", "otter")])
def test_input_format_forces_a_reader(name, forced):
    assert load(FIXTURES / name, input_format=forced).source_format == forced


def test_unknown_input_format_lists_the_valid_ones():
    with pytest.raises(UsageError, match="available formats: convokit, docx, vtt, srt, whisper"):
        formats.get("pdf")


def test_every_builtin_format_loads_and_documents_the_shape_it_accepts():
    for fmt in formats.all_formats():
        assert fmt.description and fmt.extensions and fmt.sniff is not None
        if fmt.name != "plain":
            assert "Accepted shape" in (importlib.import_module(fmt.read.__module__).__doc__ or "")


def test_otter_txt_with_a_title_line_is_still_otter(tmp_path):
    path = tmp_path / "titled.txt"
    path.write_text("Session 3 - recorded with consent\n\n" + (FIXTURES / "otter.txt").read_text("utf-8"),
                    encoding="utf-8")
    assert detect(path).name == "otter"
    assert load(path).n_turns == 4
