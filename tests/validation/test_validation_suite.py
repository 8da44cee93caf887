"""The validation suite: 24 sessions written here, each with a reader's judgement per dimension, and a
hold-out of 12 more (``holdout/``) written after the suite's figures were known.

Every session must load, run through the whole pipeline and be compared with its judgements. The
agreement figure is printed by ``benchmarks/validation_agreement.py``; this test holds a floor under it
so that a change that loses agreement on these sessions is seen (the judgements never change to match).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import equipoise
from equipoise.validation import NOT_RUN, agreement, read_judgements, reader_agreement, run_suite

HERE = Path(__file__).parent
JUDGEMENTS = HERE / "judgements.toml"
DIMENSIONS = {"floor", "agenda", "responsiveness", "directiveness", "partnership", "disclosure",
              "accommodation", "client_agency", "power"}


def analyse_file(path: Path, therapist: str | None):
    transcript = equipoise.load(path, therapist=(therapist,) if therapist else ())
    return equipoise.analyse(transcript)


@pytest.fixture(scope="module")
def comparisons():
    return run_suite(JUDGEMENTS, analyse_file)


def test_suite_has_at_least_24_sessions_each_judged_on_every_dimension_with_a_reason() -> None:
    sessions = read_judgements(JUDGEMENTS)
    assert len(sessions) >= 24
    for session in sessions:
        assert {j.dimension for j in session.judgements} == DIMENSIONS, session.file
        assert all(j.reason for j in session.judgements)
        assert (HERE / "sessions" / session.file).exists(), session.file


def test_suite_covers_every_input_format() -> None:
    from equipoise.ingest import detect, formats

    found = {detect(HERE / "sessions" / s.file).name for s in read_judgements(JUDGEMENTS)}
    # A recording becomes a transcript before anything is judged; its words, voices and turns are
    # checked against the gold of synthesised sessions in tests/audio instead.
    assert found == set(formats.names()) - {"audio"}


def test_every_session_runs_and_is_compared(comparisons) -> None:
    counted = sum(1 for s in read_judgements(JUDGEMENTS) for j in s.judgements if j.side != "unsure")
    assert len(comparisons) == counted


def test_agreement_with_the_reader_stays_at_or_above_the_recorded_level(comparisons) -> None:
    agree, n = agreement(comparisons)["all"]
    # 155 of 192 (0.81) with power model 2.1 and labeller 3 (0.70 with 2.0, 0.64 with 1); a floor under it,
    # never a target to tune to.
    assert agree / n >= 0.77


# Hold-outs, each with the share of judgements the model must keep (a floor under what it scored, never a
# target to tune to): holdout/ 55 of 96 (0.57) at its first run, 60 of 96 with labeller 3; holdout2/ 59 of
# 96 (0.61) at its first run, with power model 2.1 and labeller 3; holdout3/ 75 of 128, holdout4/ 108 of 160,
# holdout5/ 93 of 160, holdout6/ 120 of 160, holdout7/ 99, holdout8/ 107 and holdout9/ 108 of 160 at their
# first runs, 108, 114 and 110 with client agency 2.3 and directiveness 1.1, written before any of the three
# was run; holdout10/ 113 of 160 at the first run of agenda 2.1 and directiveness 1.2; holdout11/ 112,
# holdout12/ 114 and holdout13/ 109 of 160 at their first runs, and holdout14/ to holdout24/ 104-132 of 160
# at theirs (docs/power-model.md; holdout23/ 115 with labeller rules 7, holdout24/ 132 with rules 8), and
# holdout25/ 119, holdout26/ 119 and holdout27/ 113 at the first run of partnership 3.2 and client agency
# 2.6, holdout28/ 108 at its first run (with no change to measure; 107 with the model before partnership 3.2).
# A hold-out that has not been run holds a NOT_RUN file and joins here at its first run, for the next change.
HOLDOUTS = {"holdout": 0.55, "holdout2": 0.55, "holdout3": 0.55, "holdout4": 0.55, "holdout5": 0.55,
            "holdout6": 0.55, "holdout7": 0.55, "holdout8": 0.55, "holdout9": 0.55, "holdout10": 0.55,
            "holdout11": 0.55, "holdout12": 0.55, "holdout13": 0.55, "holdout14": 0.55,
            "holdout15": 0.55, "holdout16": 0.55, "holdout17": 0.55,
            "holdout18": 0.55, "holdout19": 0.55, "holdout20": 0.55, "holdout21": 0.55,
            "holdout22": 0.55, "holdout23": 0.55, "holdout24": 0.55, "holdout25": 0.55,
            "holdout26": 0.55, "holdout27": 0.55, "holdout28": 0.55}


def test_every_hold_out_is_either_run_or_marked_not_run() -> None:
    # A hold-out's first run is the clean measure of one change: until then its folder holds NOT_RUN,
    # which benchmarks/validation_agreement.py --all respects; once run, it is listed in HOLDOUTS.
    folders = {p.name for p in HERE.glob("holdout*") if (p / "judgements.toml").is_file()}
    unrun = {name for name in folders if (HERE / name / NOT_RUN).is_file()}
    assert set(HOLDOUTS) == folders - unrun
    assert not unrun & set(HOLDOUTS)


@pytest.mark.parametrize("folder", sorted(HOLDOUTS))
def test_every_hold_out_session_is_judged_on_every_dimension_runs_and_is_compared(folder: str) -> None:
    path = HERE / folder / "judgements.toml"
    sessions = read_judgements(path)
    assert len(sessions) >= 12
    for session in sessions:
        assert {j.dimension for j in session.judgements} == DIMENSIONS, session.file
    found = run_suite(path, analyse_file)
    assert len(found) == sum(1 for s in sessions for j in s.judgements if j.side != "unsure")
    agree, n = agreement(found)["all"]
    assert agree / n >= HOLDOUTS[folder]


@pytest.mark.parametrize("path", sorted(HERE.glob("*/second_reader.toml")), ids=lambda p: p.parent.name)
def test_a_second_readers_judgements_cover_the_same_sessions_and_every_dimension(path: Path) -> None:
    first = {s.file: s for s in read_judgements(path.parent / "judgements.toml")}
    second = read_judgements(path)
    assert {s.file for s in second} == set(first)
    for session in second:
        assert {j.dimension for j in session.judgements} == DIMENSIONS, session.file
        assert all(j.reason for j in session.judgements)
    agree, n = reader_agreement(first.values(), second)["all"]
    # The readers' own agreement is a finding (docs/power-model.md), not a target; it is recorded here
    # so that a file swapped for the first reader's (which would agree on everything) is seen.
    assert n >= 100 and agree < n
