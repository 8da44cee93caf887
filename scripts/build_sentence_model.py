"""Build the models for unpunctuated turns: sentence boundaries (src/equipoise/label/models/sentences/) and
questions (src/equipoise/label/models/questions/).

Reads the punctuated training conversations of the shared data (AnnoMI and ESConv). The boundary model takes
nupunkt's sentence boundaries as gold, the question model whether each of those sentences ends with a question
mark; both read the words with punctuation and case removed (:mod:`equipoise.label.sentences`). Each decision
threshold is chosen under grouped 3-fold cross-validation (by video for AnnoMI, by conversation for ESConv),
where the question model is also compared with the ``question`` marker's rules on the same unpunctuated
sentences. The question model learns from the utterances the shipped boundary model finds (the one just
built, unless ``--out`` puts that elsewhere), as it meets them at run time. Deterministic. Usage:

    python scripts/build_sentence_model.py [--data ../shared/data] [--out DIR] [--questions-out DIR]
                                           [--only boundaries|questions]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from equipoise.label import sentences
from equipoise.label.data import default_data_dir
from equipoise.label.train import load_corpora


def marker_asks(text: str) -> bool:
    """The ``question`` marker's rules on one unpunctuated sentence (the question model's comparison)."""
    from equipoise.label.markers import rules_find

    return rules_find("question", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--out", type=Path, default=sentences.MODEL_DIR, help="boundary model folder")
    parser.add_argument("--questions-out", type=Path, default=sentences.QUESTION_DIR,
                        help="question model folder")
    parser.add_argument("--only", choices=("boundaries", "questions"), help="build only one of the two")
    args = parser.parse_args(argv)
    sessions, _ = load_corpora(args.data)
    groups = [(s.group, s.texts) for s in sessions]

    def progress(line: str) -> None:
        print(line, file=sys.stderr)

    if args.only != "questions":
        model, report = sentences.train_boundaries(groups, progress=progress)
        model.save(args.out, report)
        sentences.boundary_model.cache_clear()  # the question model reads the boundaries just written
        print("boundaries", report)
    if args.only != "boundaries":
        questions, report = sentences.train_questions(groups, baseline=marker_asks, progress=progress)
        questions.save(args.questions_out, report)
        print("questions", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
