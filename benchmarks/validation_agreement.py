"""Agreement of the profile with a reader's judgements on the validation suite (tests/validation/).

    .venv/bin/python benchmarks/validation_agreement.py [--judgements FILE] [--quiet]
    .venv/bin/python benchmarks/validation_agreement.py --all

``--all`` runs the development suite and every hold-out under tests/validation/ that has been run, and
prints one line per set (judgements agreed of those counted) and the pooled table per dimension. A
hold-out folder holding a ``NOT_RUN`` file is skipped: its first run is the clean measure of the next
change, so it is run on purpose (``--judgements`` on its file, before and after the change), then the
file is deleted and the folder joins ``HOLDOUTS`` in tests/validation/test_validation_suite.py. Every
run hold-out has been read while the model was developed, so the pooled figure is not a held-out one;
each set's first-run figure is in tests/validation/README.md.

Runs every session of the judgements file through the pipeline and prints, per dimension (and ``power``,
the summary's power lean), how many of the reader's judgements the lean agrees with (rule in
:mod:`equipoise.validation`), then each disagreement with the reader's reason and the lean. The sessions
were written by this project: the figure says where the model and a careful reader differ on them, not
how it does on sessions nobody here has seen. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

SUITE = Path(__file__).resolve().parent.parent / "tests" / "validation" / "judgements.toml"
#: A hold-out folder with this file has not been run yet; ``--all`` leaves it alone.


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judgements", type=Path, default=SUITE)
    parser.add_argument("--quiet", action="store_true", help="only the table")
    parser.add_argument("--all", action="store_true",
                        help="every judgements file under tests/validation/, one line each, then pooled")
    args = parser.parse_args()

    import equipoise
    from equipoise.profile import Profile
    from equipoise.validation import NOT_RUN, agreement, describe, judgement_files, run_suite

    def analyse(path: Path, therapist: str | None) -> Profile:
        return equipoise.analyse(equipoise.load(path, therapist=(therapist,) if therapist else ()))

    if args.all:
        pooled = []
        files = judgement_files(SUITE.parent)
        for path in files:
            if (path.parent / NOT_RUN).is_file():
                print(f"{path.parent.name:<12} not run: skipped (its first run measures the next change)",
                      flush=True)
                continue
            found = run_suite(path, analyse)
            agree = sum(item.agrees for item in found)
            name = "suite" if path == SUITE else path.parent.name
            print(f"{name:<12} {agree:>4} / {len(found):<4} {agree / len(found):.2f}", flush=True)
            pooled.extend(found)
        print()
        print(describe(agreement(pooled)))
        return
    comparisons = run_suite(args.judgements, analyse)
    print(describe(agreement(comparisons)))
    if args.quiet:
        return
    print("\ndisagreements:")
    for item in comparisons:
        if not item.agrees:
            j = item.judgement
            lean = "unavailable" if item.lean is None else f"{item.lean:+.2f}"
            print(f"  {j.session:<28} {j.dimension:<15} reader {j.side:<9} model {item.measured or '-':<9} "
                  f"lean {lean:<11} ({j.reason})")


if __name__ == "__main__":
    main()
