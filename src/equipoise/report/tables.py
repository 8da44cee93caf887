"""Tidy tables for researchers: per-turn labels, per-session metrics, one row per session.

They hold labels and numbers only, never the words of a turn, so they can be shared more freely than the
transcripts (speaker names are kept: drop or pseudonymise them before sharing if they identify anyone).

* turns: one row per turn (session, index, speaker, role, times, each label, markers joined by ``;``,
  and the dimensions whose evidence includes the turn);
* metrics: one row per (session, dimension, metric) with the value, its reference range and the turns
  behind it (the metric's own turns; for the lean, the dimension's evidence);
* sessions: one row per session (summary, every lean, every metric as ``dimension.metric``).

The summary index is ``shared_power`` in every table; its schema-1 alias ``partnership`` is not repeated,
so that ``partnership`` names only the partnership dimension.

CSV needs nothing beyond the standard library; Parquet needs ``pyarrow`` (the ``parquet`` extra).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import UsageError
from .view import LABEL_FIELDS, as_profile, lists_metric_turns, metric_turns, number, parse_norm, turn_indexes

if TYPE_CHECKING:
    from ..profile import Profile

TURN_COLUMNS = ("session", "index", "speaker", "role", "start", "end", *LABEL_FIELDS, "markers",
                "evidence_for")
METRIC_COLUMNS = ("session", "dimension", "metric", "value", "norm_low", "norm_median", "norm_high",
                  "norm_span", "n_evidence", "turns")
SESSION_HEAD = ("session", "n_turns", "n_speakers", "labeller", "labeller_version", "equipoise_version",
                "power_lean", "shared_power")


def turn_rows(profile: Profile) -> list[dict[str, Any]]:
    """One row per turn: its labels and the dimensions it is evidence for."""
    profile = as_profile(profile)
    evidence_for: dict[int, list[str]] = {}
    for key, dim in profile.dimensions.items():
        for index in turn_indexes(dim.evidence, profile.n_turns):
            evidence_for.setdefault(index, []).append(key)
    rows = []
    for i, turn in enumerate(profile.turns):
        labels = turn.labels
        rows.append({
            "session": profile.transcript_id, "index": turn.index, "speaker": turn.speaker,
            "role": turn.role, "start": number(turn.start), "end": number(turn.end),
            **{name: labels.get(name) for name in LABEL_FIELDS},
            "markers": ";".join(labels.get("markers") or ()),
            "evidence_for": ";".join(evidence_for.get(i, ())),
        })
    return rows


def metric_rows(profile: Profile) -> list[dict[str, Any]]:
    """One row per (session, dimension, metric), the lean included as metric ``lean``.

    ``n_evidence`` and ``turns`` (indices joined by ``;``) are the metric's own turns, or the dimension's
    evidence for the lean; both are empty for a metric that comes from every turn (or when the profile
    does not list the turns of each metric).
    """
    profile = as_profile(profile)
    session, n_turns, listed = profile.transcript_id, profile.n_turns, lists_metric_turns(profile)
    rows = []
    for key, dim in profile.dimensions.items():
        linked = {"lean": turn_indexes(dim.evidence, n_turns), **(metric_turns(dim, n_turns, listed) or {})}
        values = {"lean": dim.lean, **dim.metrics}
        for name, value in values.items():
            norm = parse_norm(dim.norms.get(name))
            turns = linked.get(name)
            rows.append({"session": session, "dimension": key, "metric": name, "value": number(value),
                         "norm_low": norm.low if norm else None,
                         "norm_median": norm.median if norm else None,
                         "norm_high": norm.high if norm else None, "norm_span": norm.span if norm else None,
                         "n_evidence": None if turns is None else len(turns),
                         "turns": None if turns is None else ";".join(map(str, turns))})
    summary = profile.summary
    for name, value in (("power_lean", summary.power_lean), ("shared_power", summary.shared_power)):
        if number(value) is not None:
            rows.append({"session": session, "dimension": "summary", "metric": name, "value": number(value),
                         "norm_low": None, "norm_median": None, "norm_high": None, "norm_span": None,
                         "n_evidence": None, "turns": None})
    return rows


def session_row(profile: Profile) -> dict[str, Any]:
    """One row for the combined sessions table: summary, leans and metrics (``dimension.metric``)."""
    profile = as_profile(profile)
    row: dict[str, Any] = {
        "session": profile.transcript_id, "n_turns": profile.n_turns, "n_speakers": len(profile.speakers),
        "labeller": profile.labeller.get("name"), "labeller_version": profile.labeller.get("version"),
        "equipoise_version": profile.equipoise_version,
        "power_lean": number(profile.summary.power_lean),
        "shared_power": number(profile.summary.shared_power),
    }
    for key, dim in profile.dimensions.items():
        row[f"{key}.lean"] = number(dim.lean)
        for name, value in dim.metrics.items():
            row[f"{key}.{name}"] = number(value)
    return row


def union_columns(rows: Iterable[Mapping[str, Any]], head: Sequence[str] = ()) -> list[str]:
    """Every column that appears in ``rows``, ``head`` first, then in order of first appearance."""
    columns = dict.fromkeys(head)
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def write_csv(rows: Iterable[Mapping[str, Any]], path: Path, columns: Sequence[str]) -> Path:
    """Write rows as CSV with a header; missing values are empty cells."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        _write_rows(handle, rows, columns)
    return path


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """The CSV :func:`write_csv` writes, as text (for a download that never touches the disk).

    >>> csv_text([{"a": 1, "b": None}], ("a", "b")).splitlines()
    ['a,b', '1,']
    """
    handle = io.StringIO(newline="")
    _write_rows(handle, rows, columns)
    return handle.getvalue()


def _write_rows(handle: IO[str], rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore", restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise UsageError("Parquet output needs pyarrow: pip install 'equipoise[parquet]'") from None
    return pyarrow


def write_parquet(rows: Sequence[Mapping[str, Any]], path: Path, columns: Sequence[str]) -> Path:
    """Write rows as a Parquet file; column types are inferred, all-missing columns become strings."""
    pa = _pyarrow()
    arrays = {}
    for column in columns:
        values = [row.get(column) for row in rows]
        kind = pa.string() if all(v is None for v in values) else None
        arrays[column] = pa.array(values, type=kind, from_pandas=False)
    pa.parquet.write_table(pa.table(arrays), path)
    return path


def write_tables(profile: Profile, base: Path, kind: str) -> list[Path]:
    """Write a session's turns table to ``base`` and its metrics table beside it (``.metrics``)."""
    turns, metrics = turn_rows(profile), metric_rows(profile)
    metrics_path = base.with_name(f"{base.stem}.metrics{base.suffix}")
    write = write_parquet if kind == "parquet" else write_csv
    return [write(turns, base, TURN_COLUMNS), write(metrics, metrics_path, METRIC_COLUMNS)]
