"""Two readers against each other, and the profile against each, on the hold-outs judged twice.

    .venv/bin/python benchmarks/reader_agreement.py [--folder tests/validation/holdout12 ...]

A hold-out folder with a ``second_reader.toml`` beside its ``judgements.toml`` was judged a second time by a
reader who saw neither the first reader's judgements nor the model's output. For each such folder (default:
every one under ``tests/validation`` except a hold-out that has not been run, which holds ``NOT_RUN``), and
for all of them together, this prints per dimension:

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, action="append",
                        help="a hold-out folder with judgements.toml and second_reader.toml (repeatable)")
    args = parser.parse_args()

    from equipoise.validation import NOT_RUN, SECOND_READER, doubly_read_folder, doubly_read_folders, summed

    folders = args.folder or doubly_read_folders(VALIDATION)
    if not folders:
        raise SystemExit(f"no {SECOND_READER} found under {VALIDATION} beside a hold-out that has been run")
    for folder in folders:
        if (folder / NOT_RUN).is_file():
            raise SystemExit(f"{folder.name} has not been run: its first run is the clean measure of the "
                             "next change (tests/validation/README.md)")
    tables = []
    for folder in folders:
        try:
            tables.append(doubly_read_folder(folder))
        except ValueError as error:
            raise SystemExit(f"{folder / SECOND_READER}: {error}") from None
        print(f"\n{folder.name}")
        _print(tables[-1])
    if len(folders) > 1:
        print(f"\nall {len(folders)} folders")
        _print(summed(tables))


def _print(table: dict[str, dict[str, tuple[int, int]]]) -> None:
    from equipoise.validation import DOUBLY_READ

    print(f"{'dimension':<16}" + "".join(f"{c:>24}" for c in DOUBLY_READ))
    order = ["all", *sorted(k for k in table["readers"] if k != "all")]
    for key in order:
        cells = []
        for column in DOUBLY_READ:
            agree, n = table[column].get(key, (0, 0))
            cells.append(f"{agree:>4}/{n:<4} {agree / n if n else 0:5.2f}".rjust(24))
        print(f"{key:<16}" + "".join(cells))


if __name__ == "__main__":
    main()
