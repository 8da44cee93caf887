"""ESConv reading: the strategy mapping of docs/labeller.md, masks where ESConv has no code, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from equipoise.errors import InputError
from equipoise.label.esconv import STRATEGIES, esconv_files, read_esconv
from equipoise.model import Role

FIXTURE = Path(__file__).with_name("support_chat_style.jsonl")  # hand-written, not ESConv's text


def test_each_strategy_maps_to_the_documented_labels() -> None:
    (session,) = read_esconv(FIXTURE)
    gold = session.gold
    assert session.corpus == "esconv"
    assert session.roles[0] is Role.CLIENT and session.roles[1] is Role.THERAPIST
    assert gold["behaviour"][1:5] == ["question", None, "reflection", "input"]
    assert gold["reflection_type"][3] == "simple"
    assert (gold["input_type"][4], gold["stance"][4]) == ("advice", "directive")
    # advice offered after asking permission is collaborative, as AnnoMI's advice with permission
    assert (gold["input_type"][6], gold["stance"][6]) == ("advice", "collaborative")
    assert gold["support"][7:9] == ["self_disclosure", "affirmation"]
    assert gold["stance"][8] == "collaborative"
    assert (gold["behaviour"][9], gold["input_type"][9]) == ("input", "information")
    assert gold["behaviour"][10] == "other"


def test_labels_esconv_does_not_code_are_missing_not_guessed() -> None:
    (session,) = read_esconv(FIXTURE)
    assert all(v is None for v in session.gold["talk_type"])  # seekers' talk type is not coded
    assert session.gold["question_type"][1] is None  # nor the question's type


def test_every_strategy_of_the_corpus_is_mapped() -> None:
    assert set(STRATEGIES) == {"Question", "Restatement or Paraphrasing", "Reflection of feelings",
                               "Self-disclosure", "Affirmation and Reassurance", "Providing Suggestions",
                               "Information", "Others"}


def test_a_broken_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "chats.jsonl"
    path.write_text(FIXTURE.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_esconv(path)
    assert caught.value.line == 2 and "chats.jsonl" in caught.value.describe()


def test_files_are_found_in_the_shared_layout(tmp_path: Path) -> None:
    (tmp_path / "esconv").mkdir()
    target = tmp_path / "esconv" / "esconv-train.jsonl"
    target.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    assert esconv_files(tmp_path) == [target]
    assert esconv_files(target) == [target]
