"""Two readers against each other, and the profile against each, on the hold-outs judged twice.

    .venv/bin/python benchmarks/reader_agreement.py [--folder tests/validation/holdout12 ...]

A hold-out folder with a ``second_reader.toml`` beside its ``judgements.toml`` was judged a second time by a
reader who saw neither the first reader's judgements nor the model's output. For each such folder (default:
every one under ``tests/validation``), and for all of them together, this prints per dimension:

- how often the two readers agree (judgements both made, neither ``unsure``): the ceiling a model can be
  expected to reach against one reader, since the readers themselves differ;
- how often the profile agrees with the first reader, with the second, and with both where they agree.

The comparison rule is :mod:`equipoise.validation`'s (a lean of +0.2 or more reads "therapist", -0.2 or
less "client"). Asserts nothing; never prints transcript text, only the readers' sides.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

VALIDATION = Path(__file__).resolve().parent.parent / "tests" / "validation"
SECOND = "second_reader.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, action="append",
                        help="a hold-out folder with judgements.toml and second_reader.toml (repeatable)")
    args = parser.parse_args()
    folders = args.folder or sorted(p.parent for p in VALIDATION.glob(f"*/{SECOND}"))
    if not folders:
        raise SystemExit(f"no {SECOND} found under {VALIDATION}")

    import equipoise
    from equipoise.profile import Profile
    from equipoise.validation import read_judgements, reader_agreement, side

    def analyse(path: Path, therapist: str | None) -> Profile:
        return equipoise.analyse(equipoise.load(path, therapist=(therapist,) if therapist else ()))

    totals: dict[str, dict[str, list[int]]] = {}
    for folder in folders:
        first = read_judgements(folder / "judgements.toml")
        second = read_judgements(folder / SECOND)
        if {s.file for s in first} != {s.file for s in second}:
            raise SystemExit(f"{folder / SECOND}: its sessions differ from judgements.toml's")
        theirs = {(j.session, j.dimension): j.side for s in second for j in s.judgements}
        table: dict[str, dict[str, list[int]]] = {}
        for key, (agree, n) in reader_agreement(first, second).items():
            _count((table, totals), "readers", key, agree, n)
        for session in first:
            profile = analyse(folder / "sessions" / session.file, session.therapist)
            for judgement in session.judgements:
                if judgement.dimension == "power":
                    lean = profile.summary.power_lean
                else:
                    result = profile.dimensions.get(judgement.dimension)
                    lean = result.lean if result is not None and result.available else None
                measured = side(lean)
                other = theirs[(judgement.session, judgement.dimension)]
                tables = (table, totals)
                for dimension in (judgement.dimension, "all"):
                    if judgement.side != "unsure":
                        _count(tables, "model vs first", dimension, measured == judgement.side)
                    if other != "unsure":
                        _count(tables, "model vs second", dimension, measured == other)
                    if judgement.side != "unsure" and other == judgement.side:
                        _count(tables, "model where both agree", dimension, measured == other)
        print(f"\n{folder.name}")
        _print(table)
    if len(folders) > 1:
        print(f"\nall {len(folders)} folders")
        _print(totals)


def _count(tables: tuple[dict[str, dict[str, list[int]]], ...], column: str, key: str, agree: int,
           n: int = 1) -> None:
    """Add ``agree`` of ``n`` to the cell (``key``, ``column``) of every table."""
    for table in tables:
        row = table.setdefault(key, {}).setdefault(column, [0, 0])
        row[0] += agree
        row[1] += n


COLUMNS = ("readers", "model vs first", "model vs second", "model where both agree")


def _print(table: dict[str, dict[str, list[int]]]) -> None:
    print(f"{'dimension':<16}" + "".join(f"{c:>24}" for c in COLUMNS))
    order = ["all", *sorted(k for k in table if k != "all")]
    for key in order:
        cells = []
        for column in COLUMNS:
            agree, n = table[key].get(column, [0, 0])
            cells.append(f"{agree:>4}/{n:<4} {agree / n if n else 0:5.2f}".rjust(24))
        print(f"{key:<16}" + "".join(cells))


if __name__ == "__main__":
    main()
