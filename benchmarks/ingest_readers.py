"""How long each reader takes on a large synthetic session, and the peak memory of the process.

Run: ``.venv/bin/python benchmarks/ingest_readers.py [TURNS]`` (default 20000 turns, about 2.6 MB per
file; a 60-minute session has about 600). Files are written to a temporary folder and removed.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from equipoise.ingest import load

SENTENCE = "I have been thinking about what you said last week and it still feels hard to talk about?"


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _files(turns: int) -> dict[str, str]:
    who = ["Ben", "Ana"]
    n = range(turns)
    return {
        "zoom.vtt": "WEBVTT\n\n" + "".join(
            f"{i + 1}\n{_clock(i)}.000 --> {_clock(i)}.900\n{who[i % 2]}: {SENTENCE}\n\n" for i in n),
        "teams.vtt": "WEBVTT\n\n" + "".join(
            f"{_clock(i)}.000 --> {_clock(i)}.900\n<v {who[i % 2]}>{SENTENCE}</v>\n\n" for i in n),
        "otter.srt": "".join(
            f"{i + 1}\n{_clock(i)},000 --> {_clock(i)},900\n{who[i % 2]}: {SENTENCE}\n\n" for i in n),
        "otter.txt": "".join(f"{who[i % 2]}  {_clock(i)}\n{SENTENCE}\n\n" for i in n),
        "session.csv": "speaker,start,text\n" + "".join(f"{who[i % 2]},{i},{SENTENCE}\n" for i in n),
        "session.jsonl": "".join(json.dumps({"speaker": who[i % 2], "start": i, "text": SENTENCE}) + "\n"
                                 for i in n),
        "whisperx.json": json.dumps({"segments": [
            {"speaker": who[i % 2], "start": i, "end": i + 0.5, "text": SENTENCE} for i in range(turns)]}),
    }


def main(turns: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, text in _files(turns).items():
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            began = time.perf_counter()
            transcript = load(path)
            elapsed = time.perf_counter() - began
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{name:14s} {path.stat().st_size / 1e6:6.1f} MB {transcript.n_turns:7d} turns "
                  f"{elapsed:6.2f} s  {turns / elapsed:8.0f} turns/s  peak RSS so far {peak:5.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
