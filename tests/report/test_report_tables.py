"""Tidy tables for researchers: per-turn labels and per-session metrics, never transcript text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from equipoise.report import write
from equipoise.report.tables import metric_rows, session_row, turn_rows


def test_turn_table_has_one_row_per_turn_and_no_text(profile, transcript) -> None:
    rows = turn_rows(profile)
    assert [r["index"] for r in rows] == list(range(16))
    assert rows[6]["input_type"] == "advice" and rows[6]["markers"] == "directive"
    assert rows[14]["markers"] == "affirmation;self_disclosure"
    assert "disclosure" in rows[14]["evidence_for"].split(";")
    assert not any(t.text in str(row.values()) for row in rows for t in transcript.turns)


def test_metric_table_is_long_with_norms(profile) -> None:
    rows = metric_rows(profile)
    floor = {r["metric"]: r for r in rows if r["dimension"] == "floor"}
    assert floor["lean"]["value"] == 0.22 and floor["lean"]["norm_low"] == -0.35
    assert floor["word_share_therapist"]["norm_high"] == 0.6
    assert {"power_lean", "partnership"} <= {r["metric"] for r in rows if r["dimension"] == "summary"}


def test_metric_table_lists_each_metrics_own_turns(profile) -> None:
    rows = {(r["dimension"], r["metric"]): r for r in metric_rows(profile)}
    assert rows["client_agency", "sustain_talk"]["turns"] == "1;3;7"
    assert rows["client_agency", "sustain_talk"]["n_evidence"] == 3
    assert rows["client_agency", "lean"]["turns"] == "7;11;13;15"          # the dimension's evidence
    assert rows["client_agency", "pushback_followed_share"]["turns"] is None   # from every turn
    assert rows["partnership", "we_language"]["turns"] == "" and rows["partnership", "we_language"][
        "n_evidence"] == 0


def test_session_row_is_wide(profile) -> None:
    row = session_row(profile)
    assert row["session"] == "sample" and row["n_turns"] == 16 and row["partnership"] == 0.58
    assert row["floor.lean"] == 0.22 and row["accommodation.lean"] is None
    assert row["client_agency.change_talk"] == 3


def test_csv_writer_writes_turns_and_metrics(profile, tmp_path: Path) -> None:
    paths = write(profile, None, tmp_path, "csv")
    assert [p.name for p in paths] == ["sample.csv", "sample.metrics.csv"]
    with paths[0].open(newline="") as handle:
        turns = list(csv.DictReader(handle))
    assert len(turns) == 16 and turns[0]["question_type"] == "open" and turns[1]["question_type"] == ""
    with paths[1].open(newline="") as handle:
        assert any(r["metric"] == "lean" and r["dimension"] == "agenda" for r in csv.DictReader(handle))


def test_parquet_writer_round_trips(profile, tmp_path: Path) -> None:
    parquet = pytest.importorskip("pyarrow.parquet", reason="pyarrow (the parquet extra) is not installed")
    paths = write(profile, None, tmp_path, "parquet")
    turns = parquet.read_table(paths[0]).to_pylist()
    assert len(turns) == 16 and turns[6]["stance"] == "directive" and turns[0]["start"] is None
    metrics = parquet.read_table(paths[1]).to_pylist()
    assert {r["dimension"] for r in metrics} >= {"floor", "summary"}
