"""Research stratification: per-session metadata joined to a batch, and the lean of each group."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from equipoise.batch import METADATA_REPORT, run_batch
from equipoise.cli import main
from equipoise.errors import InputError, UsageError
from equipoise.metadata import join_metadata, parse_metadata
from equipoise.stratification import interval, summarise

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PRIVATE = "orchid-lantern-private"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Three example sessions analysed with metadata: two matched (by path and by stem), one row without
    consent, one row for no session."""
    base = tmp_path_factory.mktemp("strata")
    root = base / "corpus"
    (root / "course").mkdir(parents=True)
    shutil.copy(EXAMPLES / "directive.txt", root)
    shutil.copy(EXAMPLES / "collaborative.txt", root)
    shutil.copy(EXAMPLES / "course" / "session1.txt", root / "course")
    meta = base / "meta.csv"
    meta.write_text("session,age_group,consent\n"
                    "course/session1,30s,yes\n"
                    "directive,40s,Yes\n"
                    f"collaborative,{PRIVATE},no\n"
                    "missing_session,50s,yes\n", encoding="utf-8")
    out = base / "out"
    result = run_batch(root, out, fmt="csv", workers=1, metadata=meta)
    assert result.metadata is not None
    report = result.metadata
    assert (report.matched, report.without_consent) == (2, 1)
    assert report.unmatched_rows == [(5, "missing_session", "no session of the batch has this name")]
    assert report.sessions_without == ["collaborative.txt"]
    return out, meta


def test_metadata_columns_are_joined_to_the_sessions_table(batch_out: tuple[Path, Path]) -> None:
    out, _ = batch_out
    rows = {r["file"]: r for r in _rows(out / "sessions.csv")}
    assert rows["course/session1.txt"]["age_group"] == "30s"
    assert rows["directive.txt"]["age_group"] == "40s"
    # Without consent the row is left out: its session has no metadata, and its values appear nowhere.
    assert rows["collaborative.txt"]["age_group"] == "" and rows["collaborative.txt"]["consent"] == ""
    for path in out.rglob("*"):
        if path.is_file():
            assert PRIVATE not in path.read_text(encoding="utf-8", errors="ignore")
    listed = _rows(out / METADATA_REPORT)
    assert [(r["kind"], r["session"]) for r in listed] == [("metadata row", "missing_session"),
                                                            ("session", "collaborative.txt")]


def test_cli_batch_reports_what_matched_nothing(batch_out: tuple[Path, Path], tmp_path: Path) -> None:
    _, meta = batch_out
    out = tmp_path / "again"
    root = tmp_path / "c"
    root.mkdir()
    shutil.copy(EXAMPLES / "directive.txt", root)
    result = CliRunner().invoke(main, ["batch", str(root), "--out", str(out), "--workers", "1",
                                       "--format", "csv", "--metadata", str(meta)])
    assert result.exit_code == 0, result.output
    assert "1 session(s) matched, 2 row(s) matched no session" in result.stderr
    assert "line 2 (course/session1)" in result.stderr and "line 5 (missing_session)" in result.stderr
    assert PRIVATE not in result.stderr + result.stdout


def test_a_bad_metadata_file_is_refused_before_anything_is_analysed(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    shutil.copy(EXAMPLES / "directive.txt", root)
    meta = tmp_path / "meta.csv"
    meta.write_text(f"session,group\ndirective,a\ncollaborative,{PRIVATE},extra\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(root), "--out", str(tmp_path / "out"), "--workers", "1",
                                       "--metadata", str(meta)])
    assert result.exit_code == 2
    assert f"{meta}, line 3: 3 cells where the header has 2" in result.stderr
    assert PRIVATE not in result.stderr and not (tmp_path / "out" / "directive.json").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("", "the metadata file is empty"),
    ("group\na\n", "line 1: the header has no 'session' column"),
    ("session,n_turns\na,1\n", "line 1: the column 'n_turns' is already a column of the sessions table"),
    ("session,g,g\na,1,2\n", "line 1: the column 'g' appears twice"),
    ("session,g\na,1\n,2\n", "line 3: the session column is empty"),
    ("session,g\na,1\nb,2\na,3\n", "line 4: a second row for the same session (the first is on line 2)"),
    ('session,g\na,"open quote\n', "line 2: not valid CSV"),
])
def test_bad_metadata_names_the_file_and_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        parse_metadata(text.splitlines(), "meta.csv", reserved=("file", "n_turns"))
    assert str(caught.value).startswith("meta.csv")


def test_a_quoted_cell_may_span_lines_and_the_next_row_keeps_its_line_number() -> None:
    meta = parse_metadata('session,note\na,"two\nlines"\nb,x\n'.splitlines(keepends=True), "m.csv")
    assert [(r.line, r.key, r.values["note"]) for r in meta.rows] == [(2, "a", "two\nlines"), (4, "b", "x")]


def test_a_stem_shared_by_two_sessions_must_be_given_as_a_path() -> None:
    rows = [{"file": "a/s1.txt", "session": "s1"}, {"file": "b/s1.txt", "session": "s1"}]
    meta = parse_metadata(["session,g", "s1,x", "b/s1.txt,y"], "m.csv")
    joined, report = join_metadata(rows, meta)
    assert [r["g"] for r in joined] == [None, "y"]
    assert report.unmatched_rows == [(2, "s1", "2 sessions have this name; give the path from the batch "
                                               "folder")]
    assert report.sessions_without == ["a/s1.txt"]


def _synthetic(groups: dict[str, list[float]]) -> list[dict[str, object]]:
    return [{"file": f"{g}{i}.txt", "session": f"{g}{i}", "power_lean": v, "floor.lean": -v, "site": g}
            for g, values in groups.items() for i, v in enumerate(values)]


def test_groups_get_n_mean_and_a_t_interval() -> None:
    rows = _synthetic({"north": [0.1, 0.2, 0.3, 0.4, 0.5], "south": [0.0] * 6})
    cells, no_value = summarise(rows, "site", min_group=5)
    assert no_value == 0
    north = next(c for c in cells if c.group == "north" and c.number == "power_lean")
    assert north.n == 5 and north.mean == pytest.approx(0.3)
    # sd = 0.158..., t(0.975, 4) = 2.776: half-width 0.196
    assert north.ci_low == pytest.approx(0.3 - 0.19632, abs=1e-4)
    assert north.ci_high == pytest.approx(0.3 + 0.19632, abs=1e-4)
    south = next(c for c in cells if c.group == "south" and c.number == "floor.lean")
    assert (south.n, south.mean, south.ci_low, south.ci_high) == (6, 0.0, 0.0, 0.0)
    assert [c.number for c in cells if c.group == "north"] == ["power_lean", "floor.lean"]


def test_small_groups_are_suppressed_without_any_number() -> None:
    no_site = {"file": "x.txt", "session": "x", "power_lean": 0.2, "floor.lean": 0.1, "site": ""}
    rows = [*_synthetic({"big": [0.1] * 5, "small": [0.9] * 4}), no_site]
    cells, no_value = summarise(rows, "site", min_group=5)
    assert no_value == 1
    small = [c for c in cells if c.group == "small"]
    assert small and all(c.suppressed and c.n is None and c.mean is None and c.ci_low is None
                         for c in small)


def test_one_session_has_no_interval() -> None:
    mean, low, high = interval([0.4])
    assert (mean, low, high) == (0.4, None, None)
    assert not any(math.isnan(x) for x in interval([0.2, 0.4])[1:] if x is not None)


def test_an_unknown_column_names_the_available_ones() -> None:
    with pytest.raises(UsageError, match=r"no column 'age'.*site"):
        summarise(_synthetic({"a": [0.1]}), "age")


def test_cli_summarise_prints_groups_and_writes_csv(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    rows = _synthetic({"north": [0.1, 0.2, 0.3, 0.4, 0.5], "south": [0.2, 0.3]})
    with (out / "sessions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    target = tmp_path / "summary.csv"
    result = CliRunner().invoke(main, ["summarise", str(out), "--by", "site", "--csv", str(target)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "north" in result.stdout and "suppressed" in result.stdout and "grade nobody" in result.stdout
    assert "+0.30" in result.stdout and "+0.10 to +0.50" in result.stdout
    written = _rows(target)
    assert written[0] == {"by": "site", "group": "north", "number": "power_lean", "n": "5",
                          "mean": written[0]["mean"], "ci_low": written[0]["ci_low"],
                          "ci_high": written[0]["ci_high"], "suppressed": ""}
    assert float(written[0]["mean"]) == pytest.approx(0.3)
    assert next(r for r in written if r["group"] == "south")["n"] == ""
    assert all(r["suppressed"] == "yes" for r in written if r["group"] == "south")
    missing = CliRunner().invoke(main, ["summarise", str(tmp_path / "nowhere"), "--by", "site"])
    assert missing.exit_code == 2


def test_summarise_reads_a_real_batch(batch_out: tuple[Path, Path]) -> None:
    out, _ = batch_out
    result = CliRunner().invoke(main, ["summarise", str(out), "--by", "age_group", "--min-group", "1"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "30s" in result.stdout and "40s" in result.stdout and "floor.lean" in result.stdout
    assert "1 session(s) without a value for age_group" in result.stderr


def test_a_parquet_batch_gets_the_metadata_too_and_summarise_reads_it(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow", reason="pyarrow (the parquet extra) is missing")
    root = tmp_path / "c"
    root.mkdir()
    shutil.copy(EXAMPLES / "directive.txt", root)
    meta = tmp_path / "meta.csv"
    meta.write_text("session,site\ndirective.txt,north\n", encoding="utf-8")
    result = run_batch(root, tmp_path / "out", fmt="parquet", workers=1, metadata=meta)
    assert result.sessions_table == tmp_path / "out" / "sessions.parquet"
    from equipoise.stratification import read_sessions

    rows = read_sessions(tmp_path / "out")
    assert rows[0]["site"] == "north"
    cells, _ = summarise(rows, "site", min_group=1)
    assert cells[0].group == "north" and cells[0].n == 1 and cells[0].ci_low is None
