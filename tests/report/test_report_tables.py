"""Tidy tables for researchers: per-turn labels and per-session metrics, never transcript text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from equipoise.profile import Profile
from equipoise.report import write
from equipoise.report.tables import LABEL_FIELDS, SESSION_HEAD, metric_rows, session_row, turn_rows


def test_turn_table_has_one_row_per_turn_and_no_text(profile: Profile, transcript) -> None:
    rows = turn_rows(profile)
    assert [r["index"] for r in rows] == list(range(16))
    for row, turn in zip(rows, profile.turns, strict=True):
        assert {name: row[name] for name in LABEL_FIELDS} == {name: turn.labels[name]
                                                              for name in LABEL_FIELDS}
        assert row["markers"] == ";".join(turn.labels["markers"])
    for key, dim in profile.dimensions.items():
        for index in dim.evidence:
            assert key in rows[index]["evidence_for"].split(";")
    assert not any(t.text in str(row.values()) for row in rows for t in transcript.turns)


def test_metric_table_is_long_with_norms(profile: Profile) -> None:
    rows = metric_rows(profile)
    floor = {r["metric"]: r for r in rows if r["dimension"] == "floor"}
    norms = profile.dimensions["floor"].norms
    assert floor["lean"]["value"] == profile.lean("floor")
    assert floor["lean"]["norm_low"] == norms["lean"]["p10"]
    assert floor["word_share_therapist"]["norm_high"] == norms["word_share_therapist"]["p90"]
    summary = {r["metric"]: r["value"] for r in rows if r["dimension"] == "summary"}
    # The summary index has one name; "partnership" names only the dimension.
    assert summary == {"power_lean": profile.power_lean, "shared_power": profile.shared_power}


def test_metric_table_lists_each_metrics_own_turns(profile: Profile) -> None:
    rows = {(r["dimension"], r["metric"]): r for r in metric_rows(profile)}
    for key, dim in profile.dimensions.items():
        assert rows[key, "lean"]["turns"] == ";".join(map(str, sorted(dim.evidence)))   # the dimension's
        for metric in dim.metrics:
            own = dim.metric_turns.get(metric)
            row = rows[key, metric]
            if own is None:                                                    # from every turn
                assert row["turns"] is None and row["n_evidence"] is None, (key, metric)
            else:
                assert row["turns"] == ";".join(map(str, own)), (key, metric)
                assert row["n_evidence"] == len(own), (key, metric)


def test_session_row_is_wide(profile: Profile) -> None:
    row = session_row(profile)
    assert row["session"] == "sample" and row["n_turns"] == 16 and row["shared_power"] == profile.shared_power
    assert "partnership" not in row and "partnership" not in SESSION_HEAD
    for key, dim in profile.dimensions.items():
        assert row[f"{key}.lean"] == dim.lean
        assert all(row[f"{key}.{name}"] == value for name, value in dim.metrics.items())


def test_csv_writer_writes_turns_and_metrics(profile: Profile, tmp_path: Path) -> None:
    paths = write(profile, None, tmp_path, "csv")
    assert [p.name for p in paths] == ["sample.csv", "sample.metrics.csv"]
    with paths[0].open(newline="") as handle:
        turns = list(csv.DictReader(handle))
    assert [t["question_type"] for t in turns] == [t.labels["question_type"] or "" for t in profile.turns]
    with paths[1].open(newline="") as handle:
        assert any(r["metric"] == "lean" and r["dimension"] == "agenda" for r in csv.DictReader(handle))


def test_parquet_writer_round_trips(profile: Profile, tmp_path: Path) -> None:
    parquet = pytest.importorskip("pyarrow.parquet", reason="pyarrow (the parquet extra) is not installed")
    paths = write(profile, None, tmp_path, "parquet")
    turns = parquet.read_table(paths[0]).to_pylist()
    assert [t["stance"] for t in turns] == [t.labels["stance"] for t in profile.turns]
    assert turns[0]["start"] is None
    metrics = parquet.read_table(paths[1]).to_pylist()
    assert {r["dimension"] for r in metrics} >= {"floor", "summary"}
