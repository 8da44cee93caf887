"""The reference sessions: AnnoMI's training transcripts with their MI quality, source video and labels.

Used to build the norms (``scripts/build_norms.py``) and to validate the summary against expert judgement
(``benchmarks/validate_partnership.py``). Never used at analysis time, and never shipped: the data is
read from ``$EQUIPOISE_DATA`` or ``<repo root>/../shared/data``
(see :func:`equipoise.label.data.default_data_dir`).

Labels come in three kinds:
  - ``oof``: out-of-fold labels of the packaged labeller's recipe. Sessions are split into folds grouped by
    source video (``video_url``); each fold is labelled by a labeller trained on the other folds, so no
    session is labelled by a model that saw it or its people. This is how the labeller behaves on new data.
  - ``gold``: the expert codes (behaviour, subtypes, talk type) with the rule-based markers and stance.
  - ``shipped``: the packaged labeller (trained on all these sessions, so optimistic).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .label.labels import Labels, TurnLabels
from .model import Role, Transcript

LABEL_KINDS = ("oof", "gold", "shipped")


@dataclass(frozen=True)
class ReferenceSession:
    """One AnnoMI transcript with its expert MI-quality rating and source video."""

    transcript: Transcript
    quality: str
    group: str


def annomi_path(data: Path | None = None) -> Path:
    """The AnnoMI CSV in the shared data folder; raises InputError naming the folder when it is absent."""
    from .label.data import annomi_file, default_data_dir

    return annomi_file(data or default_data_dir())


def load_sessions(data: Path | None = None) -> list[ReferenceSession]:
    """Every AnnoMI training transcript (with its start times) and its quality and video, by transcript id."""
    from .ingest import build_transcript
    from .ingest.annomi import read_all

    path = annomi_path(data)
    meta: dict[str, tuple[str, str]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            meta.setdefault(row["transcript_id"].strip(),
                            (row["mi_quality"].strip(), row["video_url"].strip()))
    sessions = []
    for tid, parsed in read_all(path).items():
        transcript = build_transcript(Path(f"annomi-{tid}.csv"), parsed, "annomi")
        quality, group = meta[tid]
        sessions.append(ReferenceSession(transcript, quality, group))
    return sessions


def labels_for(sessions: Sequence[ReferenceSession], kind: str = "oof", *, data: Path | None = None,
               folds: int = 5, seed: int = 0) -> list[Labels]:
    """Labels of every session, of the given kind (see the module docstring)."""
    if kind == "shipped":
        from .label import load_labeller

        labeller = load_labeller()
        return [labeller.label(s.transcript) for s in sessions]
    if kind == "gold":
        return _gold(sessions, data)
    if kind == "oof":
        return _out_of_fold(sessions, data, folds, seed)
    from .errors import UsageError

    raise UsageError(f"unknown label kind {kind!r}; valid: {', '.join(LABEL_KINDS)}")


def _training_sessions(sessions: Sequence[ReferenceSession], data: Path | None) -> list:  # type: ignore[type-arg]
    from .label.data import read_annomi

    by_id = {s.transcript_id: s for s in read_annomi(annomi_path(data))}
    found = []
    for ref in sessions:
        tid = ref.transcript.id.removeprefix("annomi-")
        train = by_id[tid]
        if len(train) != ref.transcript.n_turns:
            raise ValueError(f"AnnoMI transcript {tid}: {len(train)} annotated turns, "
                             f"{ref.transcript.n_turns} read")
        found.append(train)
    return found


def _gold(sessions: Sequence[ReferenceSession], data: Path | None) -> list[Labels]:
    from .label.markers import find_markers
    from .label.stance import derive_stance

    out = []
    for ref, train in zip(sessions, _training_sessions(sessions, data), strict=True):
        turns = []
        previous_permission = False
        for i, turn in enumerate(ref.transcript.turns):
            markers = find_markers(turn.text)
            gold = {name: values[i] for name, values in train.gold.items()}
            if turn.role is Role.THERAPIST:
                stance = derive_stance(markers, gold["behaviour"], gold["input_type"],
                                       previous_permission=previous_permission)
                previous_permission = "permission" in markers
                turns.append(TurnLabels(
                    behaviour=gold["behaviour"], question_type=gold["question_type"],
                    reflection_type=gold["reflection_type"], input_type=gold["input_type"],
                    stance=stance, markers=markers))
            elif turn.role is Role.CLIENT:
                turns.append(TurnLabels(talk_type=gold["talk_type"], markers=markers))
            else:
                turns.append(TurnLabels(markers=markers))
        out.append(Labels(tuple(turns), "annomi-gold", "expert"))
    return out


def _out_of_fold(sessions: Sequence[ReferenceSession], data: Path | None, folds: int,
                 seed: int) -> list[Labels]:
    from dataclasses import replace

    from .label.labeller import TrainedLabeller
    from .label.train import TrainConfig, fit_artifact, video_folds

    train_sessions = _training_sessions(sessions, data)
    config = replace(TrainConfig(), folds=folds, seed=seed)
    labels: list[Labels | None] = [None] * len(sessions)
    for test_idx in video_folds(train_sessions, config):
        test = set(test_idx.tolist())
        artifact = fit_artifact([s for i, s in enumerate(train_sessions) if i not in test], config, {})
        labeller = TrainedLabeller(artifact)
        for i in sorted(test):
            found = labeller.label(sessions[i].transcript)
            labels[i] = Labels(found.turns, f"{found.labeller_name}-oof", found.labeller_version)
    missing = [sessions[i].transcript.id for i, lab in enumerate(labels) if lab is None]
    if missing:
        raise ValueError(f"sessions left out of every fold: {missing}")
    return [lab for lab in labels if lab is not None]


def save_labels(path: Path, sessions: Sequence[ReferenceSession], labels: Sequence[Labels],
                kind: str) -> None:
    """Keep computed labels (never text) in a JSON file, so benchmarks can skip the out-of-fold training."""
    import json

    path.write_text(json.dumps({"kind": kind, "sessions": [
        {"id": s.transcript.id, "labeller": [lab.labeller_name, lab.labeller_version],
         "turns": [{**t.to_dict(), "probabilities": dict(t.confidence)} for t in lab.turns]}
        for s, lab in zip(sessions, labels, strict=True)]}),
        encoding="utf-8")


def load_labels(path: Path, sessions: Sequence[ReferenceSession], kind: str) -> list[Labels] | None:
    """Labels saved by :func:`save_labels`, or None when the file is missing or does not fit the sessions."""
    import json

    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    saved = {s["id"]: s for s in data.get("sessions", ())}
    if data.get("kind") != kind or set(saved) != {s.transcript.id for s in sessions}:
        return None
    out = []
    for ref in sessions:
        entry = saved[ref.transcript.id]
        if len(entry["turns"]) != ref.transcript.n_turns:
            return None
        turns = tuple(replace(TurnLabels.from_dict(t), confidence=dict(t.get("probabilities") or {}))
                      for t in entry["turns"])
        out.append(Labels(turns, *entry["labeller"]))
    return out


def cached_labels(sessions: Sequence[ReferenceSession], kind: str, cache: Path | None = None,
                  **options: Any) -> list[Labels]:
    """:func:`labels_for`, read from / written to ``cache`` when one is given."""
    if cache is not None:
        found = load_labels(cache, sessions, kind)
        if found is not None:
            return found
    labels = labels_for(sessions, kind, **options)
    if cache is not None:
        save_labels(cache, sessions, labels, kind)
    return labels
