"""`equipoise serve --workers 2` as a practice runs it: the first process prepares the database, two server
processes answer, and none outlives the first however it ends (SIGTERM, or kill -9)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc for child processes")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.add(int(entry.name))
    for child in list(found):
        found |= _descendants(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = _free_port()
    command = [str(Path(sys.executable).with_name("equipoise")), "serve", "--port", str(port),
               "--workers", "2", "--database-url", f"sqlite:///{tmp_path / 'practice.db'}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "EQUIPOISE_DATA_KEY": ""}, start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"{base}/api/login", timeout=5) as reply:
                return reply.status == 200
        except OSError:
            return False

    try:
        assert _wait_for(answers, 180), "equipoise serve --workers 2 did not answer"
        yield process, base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def test_two_server_processes_answer_and_stop_with_sigterm(server: tuple[subprocess.Popen[bytes], str]
                                                          ) -> None:
    process, base = server
    children = _descendants(process.pid)
    servers = [pid for pid in children if b"equipoise" in Path(f"/proc/{pid}/cmdline").read_bytes()
               or b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert len(servers) >= 2, "expected two server processes under the first one"
    with urllib.request.urlopen(f"{base}/login", timeout=30) as reply:
        assert reply.status == 200 and b"Sign in" in reply.read()
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 0
    assert _wait_for(lambda: not any(_alive(pid) for pid in children), 30), "a server process outlived serve"


def test_server_processes_end_when_the_first_is_killed(server: tuple[subprocess.Popen[bytes], str]) -> None:
    process, _base = server
    children = _descendants(process.pid)
    assert children
    process.kill()  # kill -9: no chance to stop its children
    process.wait(10)
    assert _wait_for(lambda: not any(_alive(pid) for pid in children), 30), "an orphan server kept running"
