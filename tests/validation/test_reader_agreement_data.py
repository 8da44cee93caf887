"""The package's record of each lean against the validation readers is what the doubly read sets give now,
and the two-reader comparison counts what it says it counts."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest

from equipoise.validation import (
    DOUBLY_READ,
    NOT_RUN,
    READERS_RESOURCE,
    SECOND_READER,
    agreement,
    compare,
    doubly_read,
    doubly_read_folders,
    read_judgements,
    reader_checks,
    reader_record,
    session_profiles,
)

HERE = Path(__file__).resolve().parent


def test_the_shipped_record_is_up_to_date_with_the_model_and_the_doubly_read_sets() -> None:
    resource = resources.files("equipoise") / "data" / READERS_RESOURCE
    shipped = json.loads(resource.read_text(encoding="utf-8"))
    folders = doubly_read_folders(HERE)
    assert shipped["sets"] == [f.name for f in folders], "a doubly read set was added or run: rebuild"
    assert reader_record(folders) == shipped, (
        "src/equipoise/data/reader_agreement.json is out of date: run scripts/build_reader_agreement.py")


def test_unrun_hold_outs_never_enter_the_record() -> None:
    names = {f.name for f in doubly_read_folders(HERE)}
    assert names
    assert all((HERE / name / SECOND_READER).is_file() and not (HERE / name / NOT_RUN).is_file()
               for name in names)
    unrun = {p.parent.name for p in HERE.glob(f"*/{SECOND_READER}") if (p.parent / NOT_RUN).is_file()}
    assert not names & unrun


def test_reader_checks_cover_every_judged_lean_with_consistent_counts() -> None:
    checks = reader_checks()
    assert {"floor", "agenda", "responsiveness", "directiveness", "partnership", "disclosure",
            "client_agency", "power"} <= set(checks)
    for check in checks.values():
        assert check.sets == len(doubly_read_folders(HERE))
        (agree, n), (readers_agree, readers_n) = check.profile, check.readers
        assert 0 <= agree <= n <= readers_agree <= readers_n  # scored where both readers agree


@pytest.fixture(scope="module")
def holdout11() -> tuple[list, object]:
    folder = HERE / "holdout11"
    return read_judgements(folder / "judgements.toml"), session_profiles(folder)


def test_a_reader_compared_with_itself_agrees_always_and_the_model_columns_coincide(holdout11) -> None:
    first, profile_of = holdout11
    table = doubly_read(first, first, profile_of)
    assert set(table) == set(DOUBLY_READ)
    readers = table["readers"]
    assert all(agree == n for agree, n in readers.values())
    expected = agreement([c for s in first for c in compare(profile_of(s), s.judgements)])
    for column in DOUBLY_READ[1:]:
        assert table[column] == expected


def test_where_the_readers_differ_the_judgement_leaves_the_both_agree_column(holdout11) -> None:
    first, profile_of = holdout11
    flipped = {"therapist": "client", "client": "shared", "shared": "therapist", "unsure": "unsure"}
    session = first[0]
    changed = [replace(j, side=flipped[j.side]) if j.dimension == "agenda" else j for j in session.judgements]
    second = [replace(session, judgements=tuple(changed)), *first[1:]]
    table = doubly_read(first, second, profile_of)
    same = doubly_read(first, first, profile_of)
    assert table["readers"]["agenda"] == (same["readers"]["agenda"][0] - 1, same["readers"]["agenda"][1])
    assert table["model where both agree"]["agenda"][1] == same["model where both agree"]["agenda"][1] - 1
    assert table["model vs first"] == same["model vs first"]


def test_two_readers_of_different_sessions_are_refused(holdout11) -> None:
    first, profile_of = holdout11
    with pytest.raises(ValueError, match="different sessions"):
        doubly_read(first, first[1:], profile_of)
