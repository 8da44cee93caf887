"""``equipoise analyse`` with --format json, --out and --course; exit codes 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from equipoise.cli import main
from equipoise.label.labeller import available_models

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = pytest.mark.skipif(not available_models(), reason="no packaged labeller artifact")


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_format_json_prints_the_profile_of_one_file() -> None:
    result = run("analyse", "--format", "json", str(EXAMPLES / "directive.txt"))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1 and data["transcript"]["id"] == "directive"
    assert data["summary"]["power_lean"] > 0


def test_out_writes_one_json_per_input_named_by_its_stem(tmp_path: Path) -> None:
    result = run("analyse", "--format", "json", "--out", str(tmp_path), str(EXAMPLES / "directive.txt"),
                 str(EXAMPLES / "power_shift.csv"))
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["directive.json", "power_shift.json"]
    assert json.loads((tmp_path / "power_shift.json").read_text())["transcript"]["has_timestamps"]


def test_course_states_the_shift_and_writes_course_json(tmp_path: Path) -> None:
    files = [str(EXAMPLES / "course" / f"session{i}.txt") for i in range(1, 5)]
    shown = run("analyse", "--course", *files)
    assert shown.exit_code == 0
    assert "The agenda moved toward the client from session 3 on" in shown.stdout
    written = run("analyse", "--course", "--format", "json", "--out", str(tmp_path), *files)
    assert written.exit_code == 0
    course = json.loads((tmp_path / "course.json").read_text())
    assert course["sessions"] == ["session1", "session2", "session3", "session4"]
    assert any(s["series"] == "agenda" and s["session"] == 3 for s in course["shifts"])


def test_a_bad_file_among_good_ones_exits_1_and_the_rest_are_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("no speakers here\n")
    out = tmp_path / "out"
    result = run("analyse", "--format", "json", "--out", str(out), str(bad), str(EXAMPLES / "directive.txt"))
    assert result.exit_code == 1
    assert (out / "directive.json").is_file()


@pytest.mark.parametrize("args", [
    ["analyse", "--format", "nosuch", "x.txt"],
    ["analyse", "--format", "html", "x.txt"],             # a file format needs --out
    ["analyse", "--out", "somewhere", "x.txt"],           # the summary is printed, not written
])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_course_orders_sessions_by_the_dates_in_their_names(tmp_path: Path) -> None:
    names = {1: "priya_2024-03-05.txt", 2: "priya_2024-03-12.txt", 3: "priya_2024-03-19.txt",
             4: "priya_2024-03-26.txt"}
    for i, name in names.items():
        (tmp_path / name).write_bytes((EXAMPLES / "course" / f"session{i}.txt").read_bytes())
    given = [str(tmp_path / names[i]) for i in (3, 1, 4, 2)]
    result = run("analyse", "--course", "--format", "json", *given)
    assert result.exit_code == 0 and "course order: date" in result.stderr
    course = json.loads(result.stdout)["course"]
    assert course["sessions"] == [Path(names[i]).stem for i in (1, 2, 3, 4)]
