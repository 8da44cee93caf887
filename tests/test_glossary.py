"""`equipoise explain`: the glossary of dimensions is built from the analysers and the summary weights."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from equipoise.analysers import registry
from equipoise.cli import main
from equipoise.glossary import entries, explain, render
from equipoise.summary import PARTNERSHIP_WEIGHTS, POWER_WEIGHTS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_glossary_has_every_registered_dimension_in_report_order() -> None:
    assert [e.name for e in entries()] == registry.names()


def test_each_entry_carries_the_weights_the_summary_uses() -> None:
    for entry in entries():
        assert entry.power_weight == POWER_WEIGHTS[entry.name]
        assert entry.partnership_weight == PARTNERSHIP_WEIGHTS[entry.name]
        assert entry.version == registry.get(entry.name).version


def test_each_entry_says_what_it_measures_and_what_it_cannot_know() -> None:
    for entry in entries():
        assert entry.measures.strip() and entry.cannot_know.strip()
        assert entry.measures != entry.cannot_know


def test_the_whole_glossary_explains_the_lean_and_both_summary_numbers() -> None:
    text = render()
    assert "+1 the therapist holds" in text
    assert "power_lean" in text and "shared_power (0 to 1" in text


def test_each_checked_lean_says_how_far_it_matched_careful_readers() -> None:
    from equipoise.validation import reader_checks

    checks = reader_checks()
    text = " ".join(render().split())                   # unwrapped
    for key in ("agenda", "responsiveness", "client_agency"):
        agree, n = checks[key].profile
        assert f"named the side both chose on {agree} of {n} judgements" in text, key
    assert f"power_lean: checked against careful readers: on {checks['power'].sets}" in text
    assert "readers:" not in render(["accommodation"])  # never judged by a reader


def test_one_dimension_prints_only_that_dimension() -> None:
    text = render(["agenda"])
    assert text.startswith("agenda (")
    assert "floor (" not in text and "power_lean (-1" not in text


def test_explain_command_prints_the_named_dimensions() -> None:
    result = CliRunner().invoke(main, ["explain", "floor", "disclosure"])
    assert result.exit_code == 0
    assert "floor (Floor" in result.output and "disclosure (" in result.output
    assert explain("floor").measures.split()[0] in result.output


def test_an_unknown_dimension_is_a_usage_error_listing_the_valid_names() -> None:
    result = CliRunner().invoke(main, ["explain", "charisma"])
    assert result.exit_code == 2
    assert "no analyser 'charisma'" in result.output
    assert "client_agency" in result.output


def test_every_command_is_shown_in_the_readme() -> None:
    for name in main.commands:
        assert f"equipoise {name}" in README, f"command {name!r} is not in the README"
