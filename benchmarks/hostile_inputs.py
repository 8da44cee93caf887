"""Hostile inputs of the hardening issue: each must get a clear error or a result within 20 s and 1.5 GB.

Every file is made in a temporary folder and run through ``equipoise analyse FILE --format json --out DIR``
in a child process; the script prints, per file, the outcome (exit code and the first line of the error),
the wall time and the child's peak memory (maximum resident set size), and exits 1 if any is over budget,
crashed or hung. Nothing here needs the network or data outside the repository::

    .venv/bin/python benchmarks/hostile_inputs.py [--only NAME ...] [--budget-seconds 20] [--budget-mb 1536]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from equipoise.limits import Limits

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
    'main+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def many_speakers(folder: Path) -> Path:
    path = folder / "speakers.csv"
    rows = ["speaker,text"] + [f"S{i},What do you make of it?" if i % 5 == 0 else f"S{i},I see."
                               for i in range(100_000)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def docx_bomb(folder: Path, unpacked_mb: int) -> Path:
    paragraph = "<w:p><w:r><w:t>Client: and then it went on and on</w:t></w:r></w:p>"
    body = paragraph * (unpacked_mb * 1_000_000 // len(paragraph))
    opening = "<w:p><w:r><w:t>Therapist: Hello?</w:t></w:r></w:p>"
    document = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                f'wordprocessingml/2006/main"><w:body>{opening}{body}</w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", RELS)
        package.writestr("word/document.xml", document)
    path = folder / f"bomb{unpacked_mb}.docx"
    path.write_bytes(buffer.getvalue())
    return path


def single_line(folder: Path) -> Path:
    path = folder / "line.txt"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Therapist: How are you?\nClient: ")
        chunk = "word " * 200_000
        for _ in range(40):
            handle.write(chunk)
        handle.write("\n")
    return path


def many_turns(folder: Path, turns: int) -> Path:
    path = folder / f"turns{turns}.txt"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(turns // 2):
            handle.write(f"Therapist: What happened next, on day {i}?\nClient: I went home and slept.\n")
    return path


def fifo(folder: Path) -> Path:
    path = folder / "x.txt"
    os.mkfifo(path)
    return path


CASES: dict[str, Callable[[Path], Path]] = {
    "100k-speakers": many_speakers,
    "docx-300MB": lambda f: docx_bomb(f, 300),
    "line-40MB": single_line,
    "turns-800k": lambda f: many_turns(f, 800_000),
    "fifo": fifo,
    "turns-at-limit": lambda f: many_turns(f, Limits().max_turns),
}


def run(path: Path, out: Path, budget_seconds: float) -> tuple[int | None, str, float, float]:
    """Run the CLI on ``path``; its peak memory is the largest VmHWM read while it runs (VmHWM starts
    afresh at exec, so the memory of this process, which made the file, does not count)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "equipoise.cli", "analyse", str(path), "--format", "json",
                              "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_kb = 0
    status = Path(f"/proc/{child.pid}/status")
    stderr = b""
    while True:
        try:
            _, stderr = child.communicate(timeout=0.05)
            break
        except subprocess.TimeoutExpired:
            pass
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except OSError:
            pass
        if time.perf_counter() - started > budget_seconds * 3:
            child.kill()
            child.communicate()
            return None, "hung: killed", time.perf_counter() - started, peak_kb / 1024
    seconds = time.perf_counter() - started
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.startswith("error")]
    return child.returncode, (lines[0] if lines else "ok"), seconds, peak_kb / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="run only these cases")
    parser.add_argument("--budget-seconds", type=float, default=20.0)
    parser.add_argument("--budget-mb", type=float, default=1536.0)
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one case, in its own process
    args = parser.parse_args(argv)
    if args.case:  # a fresh process per case: making one file does not weigh on the next
        with tempfile.TemporaryDirectory(prefix="equipoise-hostile-") as folder:
            made = Path(folder)
            path = CASES[args.case](made)
            code, outcome, seconds, peak = run(path, made / "out", args.budget_seconds)
        print(f"{args.case}\t{code}\t{seconds:.2f}\t{peak:.0f}\t{outcome}")
        return 0
    failures = 0
    print(f"{'case':<16} {'exit':>4} {'seconds':>8} {'peak MB':>8}  outcome")
    for name in args.only or CASES:
        line = subprocess.run([sys.executable, __file__, "--case", name, "--budget-seconds",
                               str(args.budget_seconds)], capture_output=True, text=True).stdout.strip()
        case, code, seconds, peak, outcome = line.split("\t", 4)
        over = (code == "None" or code not in ("0", "1") or float(seconds) > args.budget_seconds
                or float(peak) > args.budget_mb)
        failures += over
        print(f"{case:<16} {code:>4} {float(seconds):>8.2f} {float(peak):>8.0f}  {outcome[:110]}"
              + ("  <-- OVER BUDGET" if over else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
