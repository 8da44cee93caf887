"""Evaluate a labeller on AnnoMI-format CSV: macro-F1, per-class F1 and confusion matrices per label.

Every session of the file is labelled end to end, exactly as ``equipoise analyse`` would label it, and the
labeller's output is compared with the gold labels. A subtype (``question_type`` ...) is scored on the turns
whose gold label has that subtype; where the labeller chose another behaviour its subtype is ``None``, shown
as the extra predicted column ``(none)`` and counted as an error. Stance has no AnnoMI column: it is scored
on a hand-labelled CSV of counsellor sentences by :func:`evaluate_stance`.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Role, Speaker, Transcript, Turn
from .data import LABEL_CLASSES, Session, read_annomi
from .labeller import Labeller
from .stance import STANCE_CLASSES

NONE = "(none)"


@dataclass(frozen=True)
class LabelScore:
    """Scores of one label: macro-F1 over the gold classes, per-class F1 and the confusion matrix."""

    name: str
    classes: tuple[str, ...]
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: list[list[int]]  # rows: gold classes; columns: predicted classes, then (none)
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"macro_f1": self.macro_f1, "per_class_f1": self.per_class_f1, "n": self.n,
                "classes": list(self.classes), "predicted_columns": [*self.classes, NONE],
                "confusion": self.confusion}


def score(name: str, classes: Sequence[str], gold: Sequence[str],
          predicted: Sequence[str | None]) -> LabelScore:
    """F1 per class, their unweighted mean over the classes that occur, and the confusion matrix.

    >>> s = score("x", ["a", "b"], ["a", "a", "b"], ["a", "b", "b"])
    >>> s.macro_f1, s.confusion
    (0.6667, [[1, 1, 0], [0, 1, 0]])
    """
    columns = [*classes, NONE]
    matrix = [[0] * len(columns) for _ in classes]
    for g, p in zip(gold, predicted, strict=True):
        col = columns.index(p) if p in classes else len(classes)
        matrix[list(classes).index(g)][col] += 1
    per_class = {}
    seen = []
    for k, c in enumerate(classes):
        tp = matrix[k][k]
        fp = sum(matrix[r][k] for r in range(len(classes))) - tp
        fn = sum(matrix[k]) - tp
        per_class[c] = round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0
        if tp + fp + fn:
            seen.append(per_class[c])
    # Classes that occur neither in the gold nor in the predictions do not count towards the mean.
    macro = round(sum(seen) / len(seen), 4) if seen else 0.0
    return LabelScore(name, tuple(classes), macro, per_class, matrix, len(gold))


def session_transcript(session: Session) -> Transcript:
    """An AnnoMI session as a Transcript (speakers named after their role)."""
    speakers = {role: Speaker(role.value, role) for role in Role}
    return Transcript.from_turns(f"annomi-{session.transcript_id}",
                                 [Turn(i, speakers[r], t) for i, (t, r) in
                                  enumerate(zip(session.texts, session.roles, strict=True))], "annomi")


def evaluate_sessions(labeller: Labeller, sessions: Sequence[Session]) -> dict[str, LabelScore]:
    """Label every session and score every learned label against its gold column."""
    gold: dict[str, list[str]] = {n: [] for n in LABEL_CLASSES}
    pred: dict[str, list[str | None]] = {n: [] for n in LABEL_CLASSES}
    for session in sessions:
        labels = labeller.label(session_transcript(session))
        for name in LABEL_CLASSES:
            for i, g in enumerate(session.gold[name]):
                if g is not None:
                    gold[name].append(g)
                    pred[name].append(getattr(labels[i], name))
    return {n: score(n, LABEL_CLASSES[n], gold[n], pred[n]) for n in LABEL_CLASSES if gold[n]}


def evaluate(labeller: Labeller, path: Path) -> dict[str, Any]:
    """Evaluate ``labeller`` on an AnnoMI-format CSV; a JSON-ready report."""
    sessions = read_annomi(path)
    if not sessions:
        raise InputError(path, "no utterances to evaluate")
    scores = evaluate_sessions(labeller, sessions)
    return {"labeller": {"name": labeller.name, "version": labeller.version}, "data": path.name,
            "sessions": len(sessions), "turns": sum(len(s) for s in sessions),
            "labels": {n: s.to_dict() for n, s in scores.items()}}


def read_stance_gold(path: Path) -> list[dict[str, str]]:
    """Rows of a stance CSV (columns ``text``, ``stance``, optional ``split``), checked."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for line, row in enumerate(rows, start=2):
        if row.get("stance") not in STANCE_CLASSES or not row.get("text"):
            raise InputError(path, "each row needs text and a stance (directive|collaborative|neutral)",
                             line=line)
    return rows


def evaluate_stance(labeller: Labeller, path: Path, split: str | None = None) -> LabelScore:
    """Score stance on single counsellor sentences, each labelled as a one-turn session."""
    rows = [r for r in read_stance_gold(path) if split is None or r.get("split") == split]
    therapist = Speaker("therapist", Role.THERAPIST)
    predicted = [labeller.label(Transcript.from_turns("stance", [Turn(0, therapist, r["text"])]))[0].stance
                 for r in rows]
    return score("stance", STANCE_CLASSES, [r["stance"] for r in rows], predicted)


def report_tables(report: dict[str, Any]) -> list[Any]:
    """Rich tables of an :func:`evaluate` or cross-validation report: a summary, then one confusion
    matrix per label (when the report has them)."""
    from rich.table import Table

    labels = report.get("labels") or report.get("cross_validation") or {}
    summary = Table(title="Macro-F1 and per-class F1")
    for column in ("label", "n", "macro-F1", "per-class F1"):
        summary.add_column(column, justify="right" if column in ("n", "macro-F1") else "left")
    tables: list[Any] = [summary]
    for name, s in labels.items():
        macro = s.get("macro_f1", s.get("macro_f1_mean"))
        sd = f" ± {s['macro_f1_sd']:.3f}" if "macro_f1_sd" in s else ""
        macro_text = f"{macro:.3f}{sd}"
        per_class = "  ".join(f"{c} {f:.2f}" for c, f in s["per_class_f1"].items())
        summary.add_row(name, str(s["n"]), macro_text, per_class)
        if "confusion" in s:
            matrix = Table(title=f"{name}: confusion (rows gold, columns predicted)")
            matrix.add_column("gold \\ predicted")
            for column in s["predicted_columns"]:
                matrix.add_column(column, justify="right")
            for cls, row in zip(s["classes"], s["confusion"], strict=True):
                matrix.add_row(cls, *(str(v) for v in row))
            tables.append(matrix)
    return tables
