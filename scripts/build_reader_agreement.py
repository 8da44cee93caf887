"""Build ``src/equipoise/data/reader_agreement.json``: how each lean compares with careful readers.

    .venv/bin/python scripts/build_reader_agreement.py [--check]

Reads every validation set judged by two readers that has been run (``tests/validation/*/`` with a
``second_reader.toml`` beside ``judgements.toml`` and no ``NOT_RUN``), profiles each session with the
installed model and records, per dimension and for the summary's power lean, how often the profile named
the side both readers chose (where they chose the same) and how often the two readers chose the same side.
The reports print these beside each lean (:func:`equipoise.validation.reader_checks`). Rerun it after any
change to an analyser or the labeller, or when a doubly read set is added; ``--check`` only compares and
exits with 1 when the file is out of date. About 30 seconds; prints numbers only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "equipoise" / "data" / "reader_agreement.json"
VALIDATION = ROOT / "tests" / "validation"


def record(validation: Path = VALIDATION) -> dict[str, object]:
    """The file's content, computed now from the doubly read sets under ``validation``."""
    from equipoise.validation import doubly_read_folders, reader_record

    folders = doubly_read_folders(validation)
    if not folders:
        raise SystemExit(f"no doubly read set that has been run under {validation.name}/")
    return reader_record(folders)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the file; exit 1 when it differs")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    content = record()
    text = json.dumps(content, indent=1) + "\n"
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out.name} is out of date: rerun scripts/build_reader_agreement.py", file=sys.stderr)
            raise SystemExit(1)
        print(f"{args.out.name} is up to date")
        return
    args.out.write_text(text, encoding="utf-8")
    for key, row in content["dimensions"].items():  # type: ignore[attr-defined]
        (a, n), (ra, rn) = row["profile"], row["readers"]
        print(f"{key:<15} profile {a:>3}/{n:<3} {a / n:.2f}   readers {ra:>3}/{rn:<3} {ra / rn:.2f}")
    print(f"wrote {args.out.name} from {len(content['sets'])} sets")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
