"""Evaluate a labeller on AnnoMI-format CSV or ESConv JSONL: macro-F1, per-class F1 and confusion matrices
per label, and for support chats the F1 of single acts (question, advice, self-disclosure, affirmation).

Every session of the file is labelled end to end, exactly as ``equipoise analyse`` would label it, and the
labeller's output is compared with the gold labels (for ESConv, its strategies mapped as in
:mod:`equipoise.label.esconv`). A subtype (``question_type`` ...) is scored on the turns whose gold label has
that subtype; where the labeller chose another behaviour its subtype is ``None``, shown as the extra
predicted column ``(none)`` and counted as an error. Stance gold is derived from the corpora's codes
(docs/labeller.md, *Label mapping*); :func:`evaluate_stance` also scores a hand-labelled CSV of sentences.
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


def predicted_support(labels: Any) -> str:
    """The ``support`` class a turn's labels show: its self-disclosure or affirmation marker, else none."""
    if "self_disclosure" in labels.markers:
        return "self_disclosure"
    return "affirmation" if "affirmation" in labels.markers else "none"


#: Single acts scored as yes/no over every therapist turn with a behaviour gold: (gold test, predicted test).
ACTS: dict[str, tuple[Any, Any]] = {
    "question": (lambda g: g["behaviour"] == "question", lambda p: p.behaviour == "question"),
    "reflection": (lambda g: g["behaviour"] == "reflection", lambda p: p.behaviour == "reflection"),
    "advice": (lambda g: g["input_type"] == "advice" and g["behaviour"] == "input",
               lambda p: p.behaviour == "input" and p.input_type == "advice"),
    "self_disclosure": (lambda g: g["support"] == "self_disclosure",
                        lambda p: "self_disclosure" in p.markers),
    "affirmation": (lambda g: g["support"] == "affirmation", lambda p: "affirmation" in p.markers),
}


#: Another way of reading stance, scored beside the shipped one: the transparent rule alone.
STANCE_VARIANTS: dict[str, tuple[str, Any]] = {
    "stance_rule": ("stance", lambda lab: lab.stance_rule),
}


def _act_f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    return round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0


def evaluate_sessions(labeller: Labeller, sessions: Sequence[Session]) -> dict[str, LabelScore]:
    """Label every session and score every label that has a gold column (``support`` through the markers)."""
    return evaluate_corpus(labeller, sessions)[0]


def evaluate_corpus(labeller: Labeller, sessions: Sequence[Session]) -> tuple[dict[str, LabelScore],
                                                                                 dict[str, float]]:
    """Per-label scores and per-act F1 (:data:`ACTS`, over turns whose corpus codes that act)."""
    gold: dict[str, list[str]] = {n: [] for n in (*LABEL_CLASSES, *STANCE_VARIANTS)}
    pred: dict[str, list[str | None]] = {n: [] for n in gold}
    acts: dict[str, list[tuple[bool, bool]]] = {n: [] for n in ACTS}
    for session in sessions:
        labels = labeller.label(session_transcript(session))
        for name in gold:
            for i, g in enumerate(session.gold[STANCE_VARIANTS.get(name, (name,))[0]]):
                if g is not None:
                    gold[name].append(g)
                    if name in STANCE_VARIANTS:
                        value = STANCE_VARIANTS[name][1](labels[i])
                    elif name == "support":
                        value = predicted_support(labels[i])
                    else:
                        value = getattr(labels[i], name)
                    pred[name].append(value)
        for i in range(len(session)):
            row = {n: session.gold[n][i] for n in LABEL_CLASSES}
            if row["behaviour"] is None:
                continue
            for act, (is_gold, is_pred) in ACTS.items():
                if act in ("self_disclosure", "affirmation") and row["support"] is None:
                    continue  # a corpus without these codes
                acts[act].append((bool(is_gold(row)), bool(is_pred(labels[i]))))
    scores = {n: score(n, LABEL_CLASSES[STANCE_VARIANTS.get(n, (n,))[0]], gold[n], pred[n])
              for n in gold if gold[n]}
    return scores, {a: _act_f1(pairs) for a, pairs in acts.items() if pairs and any(g for g, _ in pairs)}


def read_sessions(path: Path) -> list[Session]:
    """Gold sessions of an evaluation file: ESConv JSONL (``.jsonl``) or AnnoMI-format CSV."""
    if path.suffix.lower() == ".jsonl":
        from .esconv import read_esconv

        return read_esconv(path)
    return read_annomi(path)


def evaluate(labeller: Labeller, path: Path) -> dict[str, Any]:
    """Evaluate ``labeller`` on an AnnoMI-format CSV or an ESConv JSONL file; a JSON-ready report."""
    sessions = read_sessions(path)
    if not sessions:
        raise InputError(path, "no utterances to evaluate")
    scores, acts = evaluate_corpus(labeller, sessions)
    return {"labeller": {"name": labeller.name, "version": labeller.version}, "data": path.name,
            "corpus": sessions[0].corpus, "sessions": len(sessions), "turns": sum(len(s) for s in sessions),
            "labels": {n: s.to_dict() for n, s in scores.items()}, "acts_f1": acts}


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

    if "cross_validation" in report:
        tables: list[Any] = []
        for corpus, labels in report["cross_validation"].get("corpora", {}).items():
            tables.extend(report_tables({"labels": labels, "title": f"{corpus}: grouped CV"}))
        calibration = report["cross_validation"].get("calibration", {})
        if calibration:
            table = Table(title="Calibration (out-of-fold): expected calibration error")
            for column in ("head", "temperature", "ECE raw", "ECE calibrated"):
                table.add_column(column)
            for name, c in calibration.items():
                table.add_row(name, f"{c['temperature']:.3f}", f"{c['ece_raw']:.3f}",
                              f"{c['ece_calibrated']:.3f}")
            tables.append(table)
        return tables
    labels = report.get("labels") or {}
    summary = Table(title=report.get("title", "Macro-F1 and per-class F1"))
    for column in ("label", "n", "macro-F1", "per-class F1"):
        summary.add_column(column, justify="right" if column in ("n", "macro-F1") else "left")
    tables: list[Any] = [summary]
    for name, s in labels.items():
        macro = s.get("macro_f1", s.get("macro_f1_mean"))
        sd = f" ± {s['macro_f1_sd']:.3f}" if "macro_f1_sd" in s else ""
        macro_text = f"{macro:.3f}{sd}"
        per_class = "  ".join(f"{c} {f:.2f}" for c, f in s["per_class_f1"].items())
        perturbed = s.get("perturbed", {})
        if perturbed:
            macro_text += "".join(f"  ({v}: {p['macro_f1_mean']:.3f})" for v, p in perturbed.items())
        summary.add_row(name, str(s["n"]), macro_text, per_class)
        if "confusion" in s:
            matrix = Table(title=f"{name}: confusion (rows gold, columns predicted)")
            matrix.add_column("gold \\ predicted")
            for column in s["predicted_columns"]:
                matrix.add_column(column, justify="right")
            for cls, row in zip(s["classes"], s["confusion"], strict=True):
                matrix.add_row(cls, *(str(v) for v in row))
            tables.append(matrix)
    if report.get("acts_f1"):
        acts = Table(title="Single acts (F1, yes/no over therapist turns)")
        acts.add_column("act")
        acts.add_column("F1", justify="right")
        for act, f1 in report["acts_f1"].items():
            acts.add_row(act, f"{f1:.3f}")
        tables.append(acts)
    return tables
