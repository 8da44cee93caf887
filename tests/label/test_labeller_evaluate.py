"""AnnoMI reading (majority vote), scoring, and `equipoise evaluate` on a tiny CSV made in the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from annomi_tiny import write_tiny_annomi
from click.testing import CliRunner

from equipoise.cli import main
from equipoise.errors import InputError
from equipoise.label import Labels, TurnLabels, load_labeller
from equipoise.label.data import read_annomi
from equipoise.label.evaluate import evaluate, evaluate_sessions, score
from equipoise.model import Role, Transcript


class GoldLabeller:
    """A labeller that copies the gold labels of the synthetic sessions (to check the scoring)."""

    name, version = "gold", "0"

    def __init__(self, path: Path) -> None:
        self.by_id = {f"annomi-{s.transcript_id}": s for s in read_annomi(path)}

    def label(self, transcript: Transcript) -> Labels:
        session = self.by_id[transcript.id]
        turns = []
        for i in range(len(session)):
            gold = {name: session.gold[name][i] for name in session.gold}
            support = gold.pop("support")
            turns.append(TurnLabels(**gold, stance_rule=gold["stance"],  # type: ignore[arg-type]
                                    markers=(support,) if support not in (None, "none") else ()))
        return Labels(tuple(turns), self.name, self.version)


def test_several_annotators_are_merged_by_majority_vote(tmp_path: Path) -> None:
    sessions = read_annomi(write_tiny_annomi(tmp_path / "full.csv", disagree=True))
    first = sessions[0]
    assert first.roles[:2] == [Role.THERAPIST, Role.CLIENT]
    assert first.gold["behaviour"][0] == "question"  # two of three annotators
    assert first.gold["question_type"][0] == "open"
    assert first.gold["talk_type"][0] is None and first.gold["behaviour"][1] is None
    assert len(first) == len({*range(len(first))})


def test_scores_are_macro_f1_with_a_none_column() -> None:
    s = score("behaviour", ("a", "b"), ["a", "a", "b", "b"], ["a", None, "b", "a"])
    assert s.confusion == [[1, 0, 1], [1, 1, 0]]
    assert s.per_class_f1 == {"a": 0.5, "b": pytest.approx(0.6667)}
    assert s.macro_f1 == pytest.approx(0.5833, abs=1e-4)


def test_a_perfect_labeller_scores_one(tmp_path: Path) -> None:
    path = write_tiny_annomi(tmp_path / "full.csv")
    scores = evaluate_sessions(GoldLabeller(path), read_annomi(path))
    assert {n: s.macro_f1 for n, s in scores.items()} == dict.fromkeys(scores, 1.0)
    assert set(scores) == {"behaviour", "question_type", "reflection_type", "input_type", "talk_type",
                           "stance", "stance_rule"}


def test_evaluate_reports_every_label_of_the_shipped_labeller(tmp_path: Path) -> None:
    report = evaluate(load_labeller(), write_tiny_annomi(tmp_path / "full.csv"))
    assert report["turns"] == sum(len(s) for s in read_annomi(tmp_path / "full.csv"))
    behaviour = report["labels"]["behaviour"]
    assert set(behaviour["per_class_f1"]) == {"reflection", "question", "input", "other"}
    assert sum(map(sum, behaviour["confusion"])) == behaviour["n"]
    assert 0.5 < behaviour["macro_f1"] <= 1.0  # easy synthetic turns


def test_cli_evaluate_json_and_table(tmp_path: Path) -> None:
    path = write_tiny_annomi(tmp_path / "full.csv")
    runner = CliRunner()
    result = runner.invoke(main, ["evaluate", "--data", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["labels"]["talk_type"]["n"] > 0
    table = runner.invoke(main, ["evaluate", "--data", str(path)])
    assert table.exit_code == 0
    assert "macro-F1" in table.output and "confusion" in table.output


def test_cli_evaluate_names_the_file_when_it_is_not_annomi(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("speaker,text\nA,hello\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "--data", str(bad)])
    assert result.exit_code == 2
    assert "bad.csv" in result.output and "missing column" in result.output
    with pytest.raises(InputError):
        read_annomi(bad)


def test_evaluate_reads_support_chats_and_scores_single_acts() -> None:
    path = Path(__file__).with_name("support_chat_style.jsonl")
    report = evaluate(load_labeller(), path)
    assert report["corpus"] == "esconv" and report["sessions"] == 1
    assert {"behaviour", "stance", "support"} <= set(report["labels"])
    assert {"question", "advice", "self_disclosure", "affirmation"} <= set(report["acts_f1"])
    assert all(0.0 <= f <= 1.0 for f in report["acts_f1"].values())
    result = CliRunner().invoke(main, ["evaluate", "--data", str(path)])
    assert result.exit_code == 0 and "Single acts" in result.output
