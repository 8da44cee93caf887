"""Batch analysis of a folder: outputs per input, failures listed without text, resume, workers, Dask."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from equipoise.batch import JOURNAL, find_inputs, plan_jobs, read_journal, run_batch
from equipoise.cli import main
from equipoise.errors import UsageError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SECRET = "zebra-marmalade-secret"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three example sessions in two folders, a file that fails, and things that are not transcripts."""
    root = tmp_path / "corpus"
    (root / "course").mkdir(parents=True)
    shutil.copy(EXAMPLES / "directive.txt", root)
    shutil.copy(EXAMPLES / "reverse_shift.jsonl", root)
    shutil.copy(EXAMPLES / "course" / "session1.txt", root / "course")
    (root / "broken.vtt").write_text(f"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\n<v A>{SECRET}\n")
    (root / "README.md").write_text("# not a session\n")
    (root / ".hidden.txt").write_text("T: hidden\nC: hidden\n")
    return root


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_inputs_are_found_recursively_without_hidden_files_or_docs(corpus: Path) -> None:
    found = [p.relative_to(corpus).as_posix() for p in find_inputs(corpus)]
    assert found == ["broken.vtt", "course/session1.txt", "directive.txt", "reverse_shift.jsonl"]


def test_output_folder_inside_the_input_folder_is_not_read(corpus: Path) -> None:
    out = corpus / "out"
    out.mkdir()
    (out / "old.txt").write_text("T: a\nC: b\n")
    assert all("out" not in p.parts for p in find_inputs(corpus, exclude=out))


def test_inputs_sharing_a_stem_keep_their_suffix(tmp_path: Path) -> None:
    for name in ("a.txt", "a.vtt", "b.txt"):
        (tmp_path / name).write_text("x")
    jobs = plan_jobs(sorted(tmp_path.iterdir()), tmp_path, tmp_path / "out", "html", "client")
    assert [Path(j.output).name for j in jobs] == ["a.txt.client.html", "a.vtt.client.html", "b.client.html"]


def test_batch_writes_outputs_tables_and_failures_without_text(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_batch(corpus, out, fmt="csv", workers=1)
    assert (result.n_inputs, result.done, result.skipped, result.failed) == (4, 3, 0, 1)
    assert (out / "directive.csv").is_file() and (out / "directive.metrics.csv").is_file()
    assert (out / "course" / "session1.csv").is_file()
    failures = _rows(out / "failures.csv")
    assert [f["file"] for f in failures] == ["broken.vtt"]          # relative to the batch folder
    assert "line 3" in failures[0]["reason"]
    sessions = _rows(out / "sessions.csv")
    assert sorted(r["session"] for r in sessions) == ["directive", "reverse_shift", "session1"]
    assert sorted(r["file"] for r in sessions) == ["course/session1.txt", "directive.txt",
                                                   "reverse_shift.jsonl"]
    assert all(float(r["n_turns"]) > 0 and r["floor.lean"] for r in sessions)
    assert all(0 <= float(r["shared_power"]) <= 1 and "partnership" not in r for r in sessions)
    for path in out.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(encoding="utf-8", errors="ignore")


def test_batch_resumes_and_force_redoes(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(corpus, out, fmt="json", workers=1)
    again = run_batch(corpus, out, fmt="json", workers=1)
    assert (again.done, again.skipped, again.failed) == (0, 3, 1)   # the failed one is retried
    (out / "directive.json").unlink()
    partly = run_batch(corpus, out, fmt="json", workers=1)
    assert (partly.done, partly.skipped) == (1, 2)
    assert len(_rows(out / "sessions.csv")) == 3                     # skipped sessions stay in the table
    forced = run_batch(corpus, out, fmt="json", workers=1, force=True)
    assert (forced.done, forced.skipped) == (3, 0)
    assert len(read_journal(out)) == 3
    assert len((out / JOURNAL).read_text().splitlines()) == 3          # older records compacted away


def test_an_interrupted_journal_line_is_ignored(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(corpus, out, fmt="json", workers=1)
    with (out / JOURNAL).open("a") as handle:
        handle.write('{"name": "cut sh')
    assert len(read_journal(out)) == 3


def test_two_local_worker_processes_give_the_same_sessions(corpus: Path, tmp_path: Path) -> None:
    one = run_batch(corpus, tmp_path / "one", fmt="json", workers=1)
    two = run_batch(corpus, tmp_path / "two", fmt="json", workers=2)
    assert (two.done, two.failed, two.turns) == (one.done, one.failed, one.turns)
    rows_one = sorted(_rows(tmp_path / "one" / "sessions.csv"), key=lambda r: r["session"])
    rows_two = sorted(_rows(tmp_path / "two" / "sessions.csv"), key=lambda r: r["session"])
    assert [r["power_lean"] for r in rows_one] == [r["power_lean"] for r in rows_two]


def test_dask_cluster_runs_the_same_job(corpus: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="Dask distributed (the dask extra) is missing")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        result = run_batch(corpus, tmp_path / "out", fmt="parquet", scheduler=cluster.scheduler_address)
    assert (result.done, result.failed) == (3, 1)
    assert (tmp_path / "out" / "directive.parquet").is_file()
    assert result.sessions_table == tmp_path / "out" / "sessions.parquet"


def test_unreachable_scheduler_is_a_usage_error(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("distributed", reason="Dask distributed (the dask extra) is missing")
    monkeypatch.setattr("equipoise.batch.SCHEDULER_TIMEOUT", "1s")
    with pytest.raises(UsageError, match="cannot reach the Dask scheduler"):
        run_batch(corpus, tmp_path / "out", scheduler="tcp://127.0.0.1:9")


def test_cli_batch_exit_codes_and_messages(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(main, ["batch", str(corpus), "--out", str(out), "--format", "html",
                                  "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert "3 analysed, 0 skipped, 1 failed" in result.stderr
    assert "broken.vtt" in result.stderr and SECRET not in result.stderr + result.stdout
    assert (out / "directive.html").is_file()
    again = runner.invoke(main, ["batch", str(corpus / "course"), "--out", str(tmp_path / "o2")])
    assert again.exit_code == 0 and (tmp_path / "o2" / "session1.json").is_file()
    bad = runner.invoke(main, ["batch", str(corpus), "--out", str(out), "--format", "docx"])
    assert bad.exit_code == 2 and "available formats" in bad.stderr
