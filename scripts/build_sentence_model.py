"""Build the sentence boundary model for unpunctuated turns (src/equipoise/label/models/sentences/).

Reads the punctuated training conversations of the shared data (AnnoMI and ESConv), takes nupunkt's sentence
boundaries as gold, removes punctuation and case, and fits the hashed logistic regression of
:mod:`equipoise.label.sentences`; the decision threshold is chosen under grouped 3-fold cross-validation (by
video for AnnoMI, by conversation for ESConv). Deterministic. Usage:

    python scripts/build_sentence_model.py [--data ../shared/data] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from equipoise.label import sentences
from equipoise.label.data import default_data_dir
from equipoise.label.train import load_corpora


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--out", type=Path, default=sentences.MODEL_DIR)
    args = parser.parse_args(argv)
    sessions, _ = load_corpora(args.data)
    groups = [(s.group, s.texts) for s in sessions]
    model, report = sentences.train_boundaries(groups, progress=lambda line: print(line, file=sys.stderr))
    model.save(args.out, report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
