"""Files (issue 13, items 1, 7, 8): outputs private to their owner, FIFOs and links out of a corpus not
read, batch workers that end with their parent."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from equipoise.batch import find_inputs, run_batch
from equipoise.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_reports_and_their_folder_are_private_whatever_the_umask(tmp_path: Path) -> None:
    from equipoise import analyse, load
    from equipoise.report import write

    previous = os.umask(0o022)
    try:
        transcript = load(EXAMPLES / "collaborative.txt")
        written = write(analyse(transcript), transcript, tmp_path / "out" / "reports", "json")
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "out") == 0o700 and _mode(tmp_path / "out" / "reports") == 0o700
    assert [_mode(p) for p in written] == [0o600]


def test_the_cli_writes_every_file_private(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        result = CliRunner().invoke(main, ["analyse", str(EXAMPLES / "collaborative.txt"),
                                           str(EXAMPLES / "directive.txt"), "--course", "--format", "json",
                                           "--out", str(tmp_path / "out")])
        assert os.umask(0o022) == 0o022  # the CLI put the caller's umask back
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "out").iterdir())
    assert {p.name for p in files} >= {"course.json", "collaborative.json"}
    assert {_mode(p) for p in files} == {0o600}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_like_a_transcript_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    started = time.perf_counter()
    # In a child process: before the fix this blocked forever, which must not hang the test run.
    run = subprocess.run([sys.executable, "-m", "equipoise.cli", "analyse", str(fifo)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "not a regular file" in run.stderr
    assert time.perf_counter() - started < 120


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_batch_skips_fifos_and_links_out_of_the_corpus_and_says_so(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copy(EXAMPLES / "directive.txt", root)
    outside = tmp_path / "private.txt"
    outside.write_text("Therapist: not part of the corpus?\nClient: no.\n")
    (root / "leak.txt").symlink_to(outside)
    (root / "inside.txt").symlink_to(root / "directive.txt")
    os.mkfifo(root / "pipe.txt")
    skipped: list[tuple[str, str]] = []
    names = [p.name for p in find_inputs(root, skipped=skipped)]
    assert names == ["directive.txt", "inside.txt"]
    assert dict(skipped).keys() == {"leak.txt", "pipe.txt"}
    assert "symbolic link" in dict(skipped)["leak.txt"]
    assert [p.name for p in find_inputs(root, follow_links=True)] == ["directive.txt", "inside.txt",
                                                                       "leak.txt"]
    result = run_batch(root, tmp_path / "out", fmt="json")
    assert result.done == 2 and dict(result.not_read).keys() == {"leak.txt", "pipe.txt"}
    assert not (tmp_path / "out" / "leak.json").exists()
    assert _mode(tmp_path / "out") == 0o700
    assert {_mode(p) for p in (tmp_path / "out").iterdir()} == {0o600}


WORKER = """
import os, sys, time
from equipoise.batch import die_with_parent
pid = os.fork()
if pid == 0:            # the worker
    die_with_parent(os.getppid())
    time.sleep(60)
    os._exit(0)
print(pid, flush=True)  # the batch process: tell the test its worker, then wait to be killed
time.sleep(60)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_worker_ends_when_its_batch_process_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", WORKER], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(parent.stdout.readline())  # type: ignore[union-attr]
        time.sleep(0.5)
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if not _alive(worker):
                break
            time.sleep(0.1)
        else:
            os.kill(worker, 9)
            pytest.fail("the worker outlived its parent")
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()  # type: ignore[union-attr]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie nobody reaps (PID 1 of a container may not) has ended all the same
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] != "Z"
    except OSError:
        return True


def test_a_demo_folder_left_by_a_killed_server_is_swept_and_a_live_one_kept(tmp_path: Path) -> None:
    from equipoise.web.serve import DEMO_PREFIX, OWNER_FILE, sweep_demo_folders

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f"{DEMO_PREFIX}left"
    live = tmp_path / f"{DEMO_PREFIX}live"
    for folder, pid in ((left, dead.pid), (live, os.getpid())):
        folder.mkdir()
        (folder / OWNER_FILE).write_text(str(pid))
        (folder / "demo.db").write_bytes(b"x")
    assert sweep_demo_folders(tmp_path) == [left]
    assert not left.exists() and live.exists()


def test_sigterm_ends_a_cli_run_like_ctrl_c_so_clean_ups_run(tmp_path: Path) -> None:
    marker = tmp_path / "cleaned"
    script = f"""
import os, signal, sys, time
import click
from equipoise.cli import main

@main.command("wait-here")
def wait_here():
    try:
        print("ready", flush=True)
        time.sleep(60)
    finally:
        open({str(marker)!r}, "w").close()

main(["wait-here"])
"""
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"  # type: ignore[union-attr]
        child.terminate()
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()  # type: ignore[union-attr]
    assert marker.exists()
