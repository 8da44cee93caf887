"""Training: a deterministic artifact that loads without pickle and labels; CV reporting; the CLI."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from annomi_tiny import write_tiny_annomi
from click.testing import CliRunner

from equipoise.cli import main
from equipoise.label import load_labeller
from equipoise.label.data import annomi_file, default_data_dir, read_annomi
from equipoise.label.esconv import read_esconv
from equipoise.label.evaluate import session_transcript
from equipoise.label.train import (
    TrainConfig,
    featurise,
    fit_head,
    fit_space,
    gold_column,
    row_weights,
    train,
)

SMALL = TrainConfig(folds=3)


def artifact_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_data_and_seed_give_a_byte_identical_artifact(tmp_path: Path) -> None:
    data = write_tiny_annomi(tmp_path / "tiny.csv", sessions=12)
    train(data, tmp_path / "a", SMALL, cv=False)
    train(data, tmp_path / "b", SMALL, cv=False)
    assert artifact_bytes(tmp_path / "a") == artifact_bytes(tmp_path / "b")
    assert set(artifact_bytes(tmp_path / "a")) == {"manifest.json", "vocab.json", "weights.npz"}


def test_a_trained_artifact_loads_by_folder_and_labels(tmp_path: Path) -> None:
    data = write_tiny_annomi(tmp_path / "tiny.csv", sessions=12)
    report = train(data, tmp_path / "model", SMALL, cv=True)
    cv = report["cross_validation"]["corpora"]["annomi"]
    assert set(cv) == {"behaviour", "question_type", "reflection_type", "input_type", "talk_type", "stance"}
    assert all(0.0 <= v["macro_f1_mean"] <= 1.0 and len(v["per_fold"]) == 3 for v in cv.values())
    assert all("no_punctuation_case" in v["perturbed"] for v in cv.values())
    calibration = report["cross_validation"]["calibration"]
    assert all(c["temperature"] > 0 and 0 <= c["ece_calibrated"] <= 1 for c in calibration.values())
    labeller = load_labeller(str(tmp_path / "model"))
    session = read_annomi(data)[0]
    labels = labeller.label(session_transcript(session))
    predicted = [labels[i].behaviour for i in range(len(session)) if session.gold["behaviour"][i]]
    gold = [g for g in session.gold["behaviour"] if g]
    assert sum(p == g for p, g in zip(predicted, gold, strict=True)) >= len(gold) - 1  # memorised


def test_a_per_label_corpus_weight_overrides_one_head_and_is_recorded(tmp_path: Path) -> None:
    annomi = read_annomi(write_tiny_annomi(tmp_path / "tiny.csv", sessions=6))
    sessions = [*annomi, *read_esconv(Path(__file__).with_name("support_chat_style.jsonl"))]
    config = TrainConfig(label_corpus_weight={"behaviour": {"esconv": 0.0}, "stance": {"esconv": 0.25}})
    corpus = np.array([s.corpus for s in sessions for _ in range(len(s))])
    assert set(row_weights(sessions, config, "behaviour")[corpus == "esconv"]) == {0.0}
    assert set(row_weights(sessions, config, "stance")[corpus == "esconv"]) == {0.25}
    assert set(row_weights(sessions, config, "support")[corpus == "esconv"]) == {0.5}  # corpus_weight
    assert set(row_weights(sessions, config, "stance")[corpus == "annomi"]) == {1.0}
    # weight 0 is the head trained on AnnoMI's rows only, balanced class weights included
    features = featurise(fit_space(sessions, config), sessions)
    y = gold_column(sessions, "behaviour")
    dropped = fit_head(features, y, "behaviour", config, row_weights(sessions, config, "behaviour"))
    alone = fit_head(features, np.where(corpus == "annomi", y, ""), "behaviour", config, np.ones(len(y)))
    np.testing.assert_array_equal(dropped.coef, alone.coef)
    shipped = replace(SMALL, label_corpus_weight={"behaviour": {"esconv": 0.3}})
    train(tmp_path / "tiny.csv", tmp_path / "m", shipped, cv=False)
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"]["config"]["label_corpus_weight"] == {"behaviour": {"esconv": 0.3}}


def test_cli_train_writes_the_artifact_and_prints_the_report(tmp_path: Path) -> None:
    data = write_tiny_annomi(tmp_path / "tiny.csv", sessions=12)
    result = CliRunner().invoke(main, ["train", "--data", str(data), "--out", str(tmp_path / "m"), "--no-cv",
                                       "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["data"]["corpora"]["annomi"]["sessions"] == 12
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text(encoding="utf-8"))
    # the file name, never a path of this machine
    assert [f["file"] for f in manifest["report"]["data"]["files"]] == ["tiny.csv"]


def test_the_shipped_artifact_is_small_and_records_how_it_was_made() -> None:
    from equipoise.label.labeller import DEFAULT_MODEL, MODELS_DIR

    folder = MODELS_DIR / DEFAULT_MODEL
    assert sum(p.stat().st_size for p in folder.iterdir()) < 8_000_000
    report = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["report"]
    assert report["cross_validation"]["corpora"]["annomi"]["behaviour"]["macro_f1_mean"] > 0.7
    assert report["cross_validation"]["corpora"]["esconv"]["behaviour"]["macro_f1_mean"] > 0.6
    annomi = report["data"]["corpora"]["annomi"]
    assert annomi["groups"] < annomi["sessions"]  # folds were grouped by video
    assert all(c["temperature"] > 0 for c in report["cross_validation"]["calibration"].values())


@pytest.mark.data
def test_training_on_a_subsample_of_annomi_runs(tmp_path: Path) -> None:
    folder = default_data_dir() / "annomi"
    if not folder.is_dir():
        pytest.skip("AnnoMI data not found in ../shared/data/annomi (set EQUIPOISE_DATA to its parent)")
    path = annomi_file(folder)
    sessions = random.Random(0).sample(read_annomi(path), 15)
    report = train(path, tmp_path / "m", SMALL, sessions=sessions)
    assert report["data"]["corpora"]["annomi"]["sessions"] == 15
    assert report["cross_validation"]["corpora"]["annomi"]["behaviour"]["macro_f1_mean"] > 0.4


def test_model_card_reports_the_shipped_cross_validation_numbers() -> None:
    from equipoise.label.labeller import DEFAULT_MODEL, MODELS_DIR

    card = (Path(__file__).resolve().parents[2] / "docs" / "labeller.md").read_text(encoding="utf-8")
    manifest = json.loads((MODELS_DIR / DEFAULT_MODEL / "manifest.json").read_text(encoding="utf-8"))
    for corpus, labels in manifest["report"]["cross_validation"]["corpora"].items():
        for name, cv in labels.items():
            cell = f"**{cv['macro_f1_mean']:.3f} ± {cv['macro_f1_sd']:.3f}**"
            assert f"| {corpus} | {name} | {cv['n']} | {cell} |" in card, (corpus, name)
