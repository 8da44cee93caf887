"""Bad input (issue 2, item 5): clear errors that name the file and line, never quote transcript text.

Every case goes through the library (:func:`equipoise.load`) and through the CLI. Each bad file holds
the word in ``SECRET``; no message, note or output may contain it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import equipoise
from equipoise.cli import main
from equipoise.errors import EquipoiseError, InputError, UsageError

SECRET = "Quokkaberry"

GOOD = (
    "Therapist: What would you like to talk about today?\n"
    "Client: Mostly my sleep, and a worry I keep having about the café on Rue Noël.\n"
    "Therapist: Sleep, and that worry. What happens at night?\n"
    f"Client: I lie awake and think about {SECRET}, over and over.\n"
    "Therapist: It keeps you awake.\n"
    "Client: It does. I'm naïve about how much it costs me — about €20 a week in coffee, too.\n"
)


def run_cli(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``equipoise`` in-process; an exception other than SystemExit is a crash."""
    # Wide enough that the summary table never shortens a file name.
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "400", **(env or {})})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI crashed with {result.exception!r}") from result.exception
    return result


def assert_clean(text: str) -> None:
    """No transcript text in anything shown to the user."""
    assert SECRET.casefold() not in text.casefold()
    assert "Rue Noël" not in text


def assert_names(message: str, path: Path, line: int | None = None, unit: str = "line") -> None:
    assert path.name in message, message
    if line is not None:
        assert f"{unit} {line}" in message, message
    assert_clean(message)


def load_error(path: Path, **options: object) -> InputError:
    with pytest.raises(InputError) as info:
        equipoise.load(path, **options)
    return info.value


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


# --- files that cannot be read: (file name, content, words expected in the reason, line or None) ---

def _binary() -> bytes:
    return bytes(range(256)) * 8 + SECRET.encode() + b"\x00\x00\x01\x02" * 50


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x10\x00\x00" * 300 + SECRET.encode()


def _undecodable() -> bytes:
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid as UTF-8: nothing can read this line.
    return (GOOD + "Therapist: And then?\n").encode() + b"Client: \x81\x8d\x81 " + SECRET.encode() + b"\n"


HEADERLESS = f"Ana,How are you? {SECRET}\nSam,Fine thanks {SECRET}\n".encode()

UNREADABLE: list[tuple[str, bytes, str, int | None]] = [
    ("empty.txt", b"", "empty", None),
    ("blank.txt", b"  \n\n\t\n", "white space", None),
    ("binary.txt", _binary(), "binary", None),
    ("picture.png.txt", _png(), "binary", None),
    ("undecodable.txt", _undecodable(), "neither UTF-8", 8),
    ("malformed_time.txt", (f"[00:00:05] Therapist: How are you?\n[00:00:09] Client: Fine, {SECRET}.\n"
                            f"[00:61:00] Therapist: Good.\n[00:01:10] Client: Yes.\n").encode(),
     "malformed time", 3),
    ("backwards.txt", (f"[00:02:00] Therapist: How are you?\n[00:02:09] Client: Fine, {SECRET}.\n"
                       f"[00:01:00] Therapist: Good.\n[00:03:10] Client: Yes.\n").encode(),
     "backwards", 3),
    ("one_speaker.txt", f"Therapist: Hello.\nTherapist: Is anyone there? {SECRET}\n".encode(),
     "only one speaker", None),
    ("no_prefixes.txt", f"Just some notes about {SECRET}.\nNothing that names a speaker.\n".encode(),
     "no speaker prefixes", None),
    ("backwards.vtt", ("WEBVTT\n\n00:00:05.000 --> 00:00:08.000\n<v Dr Ana Ruiz>How are you?</v>\n\n"
                       f"00:00:09.000 --> 00:00:12.000\n<v Sam>Fine, {SECRET}.</v>\n\n"
                       "00:00:02.000 --> 00:00:04.000\n<v Dr Ana Ruiz>Good.</v>\n").encode(),
     "backwards", 9),
    ("ends_first.vtt", ("WEBVTT\n\n00:00:05.000 --> 00:00:08.000\n<v Dr Ana Ruiz>How are you?</v>\n\n"
                        f"00:00:19.000 --> 00:00:12.000\n<v Sam>Fine, {SECRET}.</v>\n").encode(),
     "before it starts", 6),
    ("malformed.vtt", ("WEBVTT\n\n00:00:05.000 --> 00:00:08.000\n<v Dr Ana Ruiz>How are you?</v>\n\n"
                       f"00:00:xx.000 --> 00:00:12.000\n<v Sam>Fine, {SECRET}.</v>\n").encode(),
     "malformed", 6),
    ("malformed_time.csv", (f"speaker,text,role,start,end\nAna,How are you?,therapist,00:00:01,00:00:03\n"
                            f"Sam,\"Fine, {SECRET}.\",client,soon,00:00:09\n").encode(),
     "malformed start time", 3),
    ("backwards.csv", (f"speaker,text,start\nAna,How are you?,10\nSam,\"Fine, {SECRET}.\",20\n"
                       "Ana,Good.,5\n").encode(), "backwards", 4),
    ("bad_role.csv", f"speaker,text,role\nAna,Hi,therapist\nSam,{SECRET},boss\n".encode(), "role", 3),
    ("headerless.csv", HEADERLESS, "column", 1),
    ("huge_field.csv", b'speaker,text\nAna,"' + SECRET.encode() * 20_000 + b'"\nSam,Fine.\n', "CSV", 2),
    ("nested.jsonl", b"[" * 200_000 + b"\n", "nested", 1),
    ("broken.jsonl", ('{"speaker": "Ana", "text": "How are you?"}\n'
                      f'{{"speaker": "Sam", "text": "Fine, {SECRET}\n').encode(), "JSON", 2),
    ("backwards.jsonl", ('{"speaker": "Ana", "text": "How are you?", "start": 30}\n'
                         f'{{"speaker": "Sam", "text": "Fine, {SECRET}", "start": 12.5}}\n').encode(),
     "backwards", 2),
]


@pytest.mark.parametrize(("name", "content", "reason", "line"), UNREADABLE,
                         ids=[case[0] for case in UNREADABLE])
def test_unreadable_file_raises_input_error_naming_file_without_text(
        tmp_path: Path, name: str, content: bytes, reason: str, line: int | None) -> None:
    path = write(tmp_path, name, content)
    error = load_error(path)
    message = str(error)
    assert reason.casefold() in message.casefold()
    assert_names(message, path, line, error.unit)
    assert error.path is not None and Path(error.path).name == name


@pytest.mark.parametrize(("name", "content", "reason", "line"), UNREADABLE,
                         ids=[case[0] for case in UNREADABLE])
def test_unreadable_file_fails_in_cli_with_exit_1(
        tmp_path: Path, name: str, content: bytes, reason: str, line: int | None) -> None:
    path = write(tmp_path, name, content)
    result = run_cli("analyse", str(path))
    assert result.exit_code == 1
    assert path.name in result.stderr
    assert "error" in result.stderr
    assert_clean(result.output)


# --- encodings: each is read, and a notice says what was assumed ---

ENCODINGS: list[tuple[str, Callable[[str], bytes], str]] = [
    ("utf-16 with BOM", lambda text: text.encode("utf-16"), "UTF-16"),
    ("utf-16-le without BOM", lambda text: text.encode("utf-16-le"), "UTF-16-LE"),
    ("utf-16-be without BOM", lambda text: text.encode("utf-16-be"), "UTF-16-BE"),
    ("utf-8 with BOM", lambda text: text.encode("utf-8-sig"), "UTF-8"),
    ("cp1252", lambda text: text.encode("cp1252"), "Windows-1252"),
]


@pytest.mark.parametrize(("label", "encode", "assumed"), ENCODINGS, ids=[case[0] for case in ENCODINGS])
def test_wrongly_encoded_file_is_read_and_the_assumption_reported(
        tmp_path: Path, label: str, encode: Callable[[str], bytes], assumed: str) -> None:
    path = write(tmp_path, "session.txt", encode(GOOD))
    transcript = equipoise.load(path)
    reference = equipoise.load(write(tmp_path, "reference.txt", GOOD))
    assert [t.text for t in transcript.turns] == [t.text for t in reference.turns]
    assert [t.speaker for t in transcript.turns] == [t.speaker for t in reference.turns]
    notes = [n for n in transcript.notices if assumed in n]
    assert notes, transcript.notices
    for note in transcript.notices:
        assert_names(note, path)

    result = run_cli("analyse", str(path))
    assert result.exit_code == 0
    assert assumed in result.stderr
    assert_clean(result.output)


TABLE = ("speaker\ttext\trole\r\nAna\tHow are you? Café\ttherapist\r\n"
         "Sam\tFine and naïve about €20\tclient\r\n")
VTT = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>How are you? Café</v>\n\n"
       "00:00:03.000 --> 00:00:04.000\n<v Sam>Fine and naïve about €20</v>\n")


@pytest.mark.parametrize(("name", "content", "encoding", "assumed"), [
    ("excel_unicode_text.tsv", TABLE, "utf-16", "UTF-16"),
    ("excel.csv", TABLE.replace("\t", ","), "cp1252", "Windows-1252"),
    ("excel_utf8.csv", TABLE.replace("\t", ";"), "utf-8-sig", "UTF-8"),
    ("teams.vtt", VTT, "utf-16", "UTF-16"),
    ("teams_bom.vtt", VTT, "utf-8-sig", "UTF-8"),
], ids=lambda value: value if isinstance(value, str) and len(value) < 30 else "")
def test_other_formats_in_other_encodings_are_read_and_reported(
        tmp_path: Path, name: str, content: str, encoding: str, assumed: str) -> None:
    path = write(tmp_path, name, content, encoding)
    transcript = equipoise.load(path)
    assert [t.text for t in transcript.turns] == ["How are you? Café", "Fine and naïve about €20"]
    assert any(assumed in note for note in transcript.notices), transcript.notices


def test_plain_utf8_needs_no_notice(tmp_path: Path) -> None:
    transcript = equipoise.load(write(tmp_path, "session.txt", GOOD))
    assert not any("UTF" in n or "1252" in n for n in transcript.notices)


# --- files that are read, with something reported ---

def test_more_than_two_speakers_are_read_and_reported(tmp_path: Path) -> None:
    text = GOOD + "Partner: Can I add something? It affects me too.\nTherapist: Of course.\n" \
                  f"Partner: The {SECRET} thing keeps us both up.\n"
    path = write(tmp_path, "couple.txt", text)
    transcript = equipoise.load(path)
    assert [s.name for s in transcript.speakers] == ["Therapist", "Client", "Partner"]
    assert transcript.speakers[2].role is equipoise.Role.CLIENT
    notes = [n for n in transcript.notices if "3 speakers" in n]
    assert notes and "Partner (client)" in notes[0]
    for note in transcript.notices:
        assert_names(note, path)

    result = run_cli("analyse", str(path))
    assert result.exit_code == 0
    assert "3 speakers" in result.stderr
    assert_clean(result.output)


def test_turn_without_text_is_skipped_and_reported(tmp_path: Path) -> None:
    text = GOOD.replace("Therapist: It keeps you awake.\n", "Therapist:\n")
    path = write(tmp_path, "gap.txt", text)
    transcript = equipoise.load(path)
    assert transcript.n_turns == 5
    assert all(t.text for t in transcript.turns)
    notes = [n for n in transcript.notices if "no text" in n]
    assert notes and "line 5" in notes[0]

    result = run_cli("analyse", str(path))
    assert result.exit_code == 0
    assert "no text" in result.stderr and "line 5" in result.stderr
    assert_clean(result.output)


def test_empty_text_cell_in_a_table_is_skipped_and_reported_by_row(tmp_path: Path) -> None:
    path = write(tmp_path, "gap.csv", f"speaker,text\nAna,How are you?\nSam,\nAna,And {SECRET}?\nSam,Fine.\n")
    transcript = equipoise.load(path, therapist=["Ana"])
    assert transcript.n_turns == 3
    assert any("no text" in n and "row 3" in n for n in transcript.notices)


def test_unknown_therapist_name_fails_that_file(tmp_path: Path) -> None:
    path = write(tmp_path, "session.txt", GOOD)
    with pytest.raises(InputError) as info:
        equipoise.load(path, therapist=["Dr Nobody"])
    message = str(info.value)
    assert "Dr Nobody" in message and "Therapist" in message  # says what was asked and what exists
    assert_names(message, path)

    result = run_cli("analyse", "--therapist", "Dr Nobody", str(path))
    assert result.exit_code == 1
    assert "Dr Nobody" in result.stderr
    assert_clean(result.output)


def test_unknown_client_name_fails_that_file_and_not_the_others(tmp_path: Path) -> None:
    path = write(tmp_path, "session.txt", GOOD)
    other = write(tmp_path, "other.txt", GOOD.replace("Client:", "Someone Else:"))
    result = run_cli("analyse", "--client", "Someone Else", str(path), str(other))
    assert result.exit_code == 1
    assert "other" in result.stdout  # the file that has the speaker was still analysed
    assert "Someone Else" in result.stderr
    assert_clean(result.output)


def test_therapist_override_names_a_speaker_without_case(tmp_path: Path) -> None:
    path = write(tmp_path, "named.txt", GOOD.replace("Therapist:", "Ana:").replace("Client:", "Sam:"))
    transcript = equipoise.load(path, therapist=["sam"])
    assert [(s.name, s.role) for s in transcript.speakers] == [
        ("Ana", equipoise.Role.CLIENT), ("Sam", equipoise.Role.THERAPIST)]


# --- size limit ---

def test_200_mb_file_is_refused_with_a_clear_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: takes no disk space and is never read whole
        handle.write(f"Therapist: {SECRET}\n".encode())
        handle.truncate(200 * 1024 * 1024)
    error = load_error(path)
    assert "limit" in str(error) and "MB" in str(error)
    assert "EQUIPOISE_MAX_INPUT_MB" in str(error)
    assert_names(str(error), path)

    result = run_cli("analyse", str(path))
    assert result.exit_code == 1
    assert "limit" in result.stderr
    assert_clean(result.output)


def test_size_limit_can_be_lowered_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "session.txt", GOOD * 20)
    assert equipoise.load(path).n_turns == 120
    monkeypatch.setenv("EQUIPOISE_MAX_INPUT_MB", "0.001")
    error = load_error(path)
    assert "limit" in str(error)
    assert_names(str(error), path)

    result = run_cli("analyse", str(path), env={"EQUIPOISE_MAX_INPUT_MB": "0.001"})
    assert result.exit_code == 1
    assert "limit" in result.stderr


def test_malformed_size_limit_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "session.txt", GOOD)
    monkeypatch.setenv("EQUIPOISE_MAX_INPUT_MB", "lots")
    with pytest.raises(EquipoiseError, match="EQUIPOISE_MAX_INPUT_MB"):
        equipoise.load(path)


# --- several inputs, missing files, usage errors ---

def test_one_bad_file_among_several_does_not_stop_the_others(tmp_path: Path) -> None:
    first = write(tmp_path, "first.txt", GOOD)
    bad = write(tmp_path, "bad.txt", _binary())
    empty = write(tmp_path, "empty.txt", b"")
    last = write(tmp_path, "last.csv", "speaker,text,role\nAna,Hello,therapist\nSam,Hi,client\n")
    result = run_cli("analyse", str(first), str(bad), str(empty), str(last))
    assert result.exit_code == 1
    assert "first.txt" in result.stdout and "last.csv" in result.stdout
    assert "bad.txt" in result.stderr and "empty.txt" in result.stderr
    assert "bad.txt" not in result.stdout
    assert_clean(result.output)


def test_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    error = load_error(path)
    assert_names(str(error), path)
    result = run_cli("analyse", str(path))
    assert result.exit_code == 1
    assert "nowhere.txt" in result.stderr


def test_folder_that_is_no_corpus_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.txt").write_text(SECRET)
    with pytest.raises(InputError) as info:
        equipoise.load(folder)
    assert_names(str(info.value), folder)
    assert run_cli("analyse", str(folder)).exit_code == 1


@pytest.mark.parametrize("args", [
    ["analyse"],
    ["analyse", "--input-format", "nosuch", "x.txt"],
    ["analyse", "--no-such-option", "x.txt"],
    ["no-such-command"],
], ids=["no files", "unknown format", "unknown option", "unknown command"])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    write(tmp_path, "x.txt", GOOD)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = run_cli(*args)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2
    assert_clean(result.output)


def test_unknown_format_lists_the_valid_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", GOOD)
    with pytest.raises(UsageError, match=r"available formats: .*plain"):
        equipoise.load(path, input_format="nosuch")
    result = run_cli("analyse", "--input-format", "nosuch", str(path))
    assert "plain" in result.stderr
