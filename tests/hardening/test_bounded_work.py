"""Bounded work per input (issue 13, item 4): every stage has a limit with a clear error, the same on
every path (library, CLI, batch, web), and role inference is linear in the number of speakers."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

import equipoise
from equipoise.errors import LimitError
from equipoise.ingest.raw import RawTurn
from equipoise.ingest.roles import assign_roles
from equipoise.limits import LIMITS, Limits
from equipoise.runner import ERRORS, failure, run_one

SECRET = "Pangolinfig"


def _transcript(tmp_path: Path, lines: list[str], name: str = "s.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_too_many_turns_are_refused_naming_the_limit(tmp_path: Path) -> None:
    path = _transcript(tmp_path, [f"{'T' if i % 2 else 'C'}: {SECRET} {i}?" for i in range(30)])
    with pytest.raises(LimitError) as raised:
        equipoise.load(path, limits=Limits(max_turns=20))
    assert "number of turns (30)" in str(raised.value) and "EQUIPOISE_MAX_TURNS" in str(raised.value)
    assert SECRET not in str(raised.value)


def test_too_many_speakers_are_refused_at_the_first_one_over(tmp_path: Path) -> None:
    rows = ["speaker,text", "Therapist,Hello?"] + [f"Person{i},{SECRET}" for i in range(12)]
    path = _transcript(tmp_path, rows, "s.csv")
    with pytest.raises(LimitError, match=r"number of speakers \(11\)"):
        equipoise.load(path, limits=Limits(max_speakers=10))


def test_an_overlong_turn_is_refused_before_it_is_split_or_labelled(tmp_path: Path) -> None:
    path = _transcript(tmp_path, ["Therapist: Hello?", "Client: " + SECRET * 1000])
    with pytest.raises(LimitError, match=r"line 2.*length in characters") as raised:
        equipoise.load(path, limits=Limits(max_turn_chars=5000))
    assert SECRET not in str(raised.value)


def test_a_docx_that_unpacks_past_the_limit_is_refused_before_parsing(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Therapist: How are you?")
    document.add_paragraph("Client: " + "a" * 2_000_000)  # compresses to a few kB
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 100_000
    monkeypatch.setenv("EQUIPOISE_MAX_UNPACKED_BYTES", "1000000")
    with pytest.raises(LimitError, match="unpacked DOCX package"):
        equipoise.load(path)


def test_a_profile_over_its_size_limit_is_not_written(tmp_path: Path) -> None:
    path = _transcript(tmp_path, ["Therapist: What brings you?", "Client: My sleep."])
    written: list[str] = []
    with pytest.raises(LimitError, match="size of its profile"):
        run_one(path, analyse=lambda t: {"turns": ["x"] * 1000}, limits=Limits(max_profile_bytes=1000),
                write=lambda t, p: written.append("x") or [])
    assert written == []


def test_role_inference_is_linear_in_speakers() -> None:
    # 40,000 speakers took minutes when each speaker's score scanned every turn.
    turns = [RawTurn(f"S{i}", "What do you think?" if i % 7 == 0 else "I see, my day.", i + 1)
             for i in range(40_000)]
    started = time.perf_counter()
    roles, _notices = assign_roles(Path("x.txt"), turns)
    assert time.perf_counter() - started < 5
    assert len(roles) == 40_000 and list(roles.values()).count(equipoise.Role.THERAPIST) == 1


def test_role_inference_gives_the_same_answer_as_before_on_a_small_session() -> None:
    turns = [RawTurn("A", "I feel my job is too much for me.", 1), RawTurn("B", "What makes it so?", 2),
             RawTurn("A", "My boss, I guess.", 3), RawTurn("B", "Tell me about your boss.", 4)]
    roles, notices = assign_roles(Path("x.txt"), turns)
    assert roles["B"] is equipoise.Role.THERAPIST and roles["A"] is equipoise.Role.CLIENT
    assert "in 100% of turns" in notices[0]


def test_every_limit_is_declared_with_an_environment_variable_and_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    for limit in LIMITS:
        assert limit.env_var in docs, limit.name
    assert Limits.from_env({"EQUIPOISE_MAX_SPEAKERS": "7"}).max_speakers == 7


def test_one_table_maps_each_error_to_an_exit_code_and_an_http_status() -> None:
    from equipoise.errors import InputError, UsageError

    assert failure(LimitError("a.txt", "x")).http_status == 413
    assert failure(InputError("a.txt", "x")).http_status == 422
    assert (failure(UsageError("x")).exit_code, failure(UsageError("x")).http_status) == (2, 400)
    unexpected = failure(RuntimeError(f"the client said {SECRET}"), "a.txt")
    assert unexpected.http_status == 500 and SECRET not in unexpected.message
    assert "RuntimeError" in unexpected.message
    assert len({kind for kind, *_ in ERRORS}) == len(ERRORS)
