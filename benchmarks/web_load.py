"""Load on the web app: N concurrent users on loopback, throughput and p50/p95 latency per route.

Seeds the demo practice into a fresh SQLite database in a temporary folder, or into ``--database-url`` (an
empty PostgreSQL database, say), then runs ``equipoise serve --workers N`` on it on 127.0.0.1 (a free port)
in processes of its own. Each user signs
in as the demo therapist and walks the therapist's pages and their JSON twins a bounded number of times.
Only the standard library talks to the server; nothing leaves the machine::

    .venv/bin/python benchmarks/web_load.py [--users 20] [--rounds 5] [--workers 2] [--database-url URL]
        [--think SECONDS]

By default the users never pause (a stress test: latency is then about users over throughput). With
``--think S`` each user reads a page for a random 0.5 S to 1.5 S before the next request, as people do;
the think time is not counted in the latencies. Target of the hardening issue: p95 at most 500 ms for
pages, no errors.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(database_url: str, port: int, workers: int) -> tuple[subprocess.Popen[bytes], list[object]]:
    """Seed the demo practice into the database, then run ``equipoise serve`` on it in its own process(es),
    as a practice would: the users below share no interpreter (and no GIL) with the server."""
    from cryptography.fernet import Fernet

    from equipoise.web import Settings, create_app
    from equipoise.web.demo import seed

    base = f"http://127.0.0.1:{port}"
    key = Fernet.generate_key().decode("ascii")
    app = create_app(Settings(database_url=database_url, data_key=key, base_url=base))
    logins = seed(app)
    app.state.engine.dispose()  # type: ignore[attr-defined]
    command = [str(Path(sys.executable).with_name("equipoise")), "serve", "--database-url", database_url,
               "--port", str(port), "--workers", str(workers)]
    env = {**os.environ, "EQUIPOISE_DATA_KEY": key, "EQUIPOISE_BASE_URL": base}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/login", timeout=5):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit(f"equipoise serve did not start (exit status {server.returncode})") from None
            time.sleep(0.2)
    return server, logins


class User:
    def __init__(self, base: str, email: str, password: str) -> None:
        self.base = base
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies)
        token = self.json("/api/login")["csrf_token"]
        body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
        self.opener.open(urllib.request.Request(f"{base}/login", body, {"accept": "application/json"}))

    def json(self, path: str) -> dict:
        with self.opener.open(urllib.request.Request(self.base + path, headers={"accept": "application/json"})
                              ) as answer:
            return json.loads(answer.read())

    def get(self, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path) as answer:
                answer.read()
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        return status, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="walks of all routes per user")
    parser.add_argument("--database-url", help="an empty database to seed (default: a temporary SQLite)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (equipoise serve --workers)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a user reads a page before the next (default 0: never pause)")
    args = parser.parse_args(argv)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="equipoise-load-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'load.db'}"
        server, logins = start(url, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        therapist = next(login for login in logins if login.role == "therapist")  # type: ignore[attr-defined]
        first = User(base, therapist.email, therapist.password)  # type: ignore[attr-defined]
        clients = first.json("/api/clients")["clients"]
        client_id = clients[0]["id"]
        session_id = first.json(f"/api/clients/{client_id}")["sessions"][0]["id"]
        routes = {"home": "/", "clients": "/clients", "client": f"/clients/{client_id}",
                  "course": f"/clients/{client_id}/course", "session": f"/sessions/{session_id}",
                  "report": f"/sessions/{session_id}/report", "compare": f"/sessions/{session_id}/compare",
                  "api clients": "/api/clients", "api profile": f"/api/sessions/{session_id}/profile"}
        users = [User(base, therapist.email, therapist.password)  # type: ignore[attr-defined]
                 for _ in range(args.users)]
        times: dict[str, list[float]] = defaultdict(list)
        later: dict[str, list[float]] = defaultdict(list)  # after each user's first walk
        errors: list[tuple[str, int]] = []
        lock = threading.Lock()
        barrier = threading.Barrier(len(users))

        def walk(user: User, pauses: random.Random) -> None:
            barrier.wait()
            for walk_number in range(args.rounds):
                for name, path in routes.items():
                    if args.think:
                        time.sleep(args.think * pauses.uniform(0.5, 1.5))
                    status, seconds = user.get(path)
                    with lock:
                        times[name].append(seconds)
                        if walk_number:
                            later[name].append(seconds)
                        if status != 200:
                            errors.append((name, status))

        started = time.perf_counter()
        threads = [threading.Thread(target=walk, args=(u, random.Random(n))) for n, u in enumerate(users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    total = sum(len(v) for v in times.values())
    pause = f"reading {args.think:g} s a page" if args.think else "never pausing"
    print(f"{args.users} users ({pause}) x {args.rounds} rounds on {url.split(':')[0]}, "
          f"{args.workers} server process(es): {total} requests in "
          f"{elapsed:.1f} s, {total / elapsed:.1f} requests/s, {len(errors)} errors")
    # The first walk meets every report and chart not yet drawn in its server process (drawn once per
    # profile version, reader and process, then served from that process's cache); later walks are what
    # a practice sees once its reports were opened once.
    print(f"{'route':<14} {'n':>5} {'p50 ms':>8} {'p95 ms':>8}   {'later walks: p50':>16} {'p95 ms':>8}")
    for name, values in times.items():
        rest = later.get(name, [])
        tail = f"{_ms(statistics.median(rest)):>16} {_ms(_p95(rest)):>8}" if rest else ""
        median = statistics.median(values)
        print(f"{name:<14} {len(values):>5} {_ms(median):>8} {_ms(_p95(values)):>8}   {tail}")
    for walks, source in (("all walks", times), ("later walks", later)):
        pages = [v for name, values in source.items() if not name.startswith("api ") for v in values]
        if pages:
            print(f"all pages, {walks}: p95 {_ms(_p95(pages))} ms (target: at most 500 ms)")
    return 1 if errors else 0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


if __name__ == "__main__":
    sys.exit(main())
