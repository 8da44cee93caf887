"""Every bundled example session loads with the expected format, speakers and roles.

The examples are the demo data and the fixtures of the analysers' tests, so their shape is pinned here,
including the crude property each one is written to show (who holds the floor, and where that changes).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import equipoise
from equipoise import Role, Transcript

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
T, C = Role.THERAPIST, Role.CLIENT
COURSE = [("Dr Okafor", T), ("Priya", C)]

#: file -> (format, speakers with roles in order of appearance, number of turns, has timestamps)
EXPECTED: dict[str, tuple[str, list[tuple[str, Role]], int, bool]] = {
    "collaborative.txt": ("plain", [("Therapist", T), ("Client", C)], 61, False),
    "directive.txt": ("plain", [("T", T), ("C", C)], 58, False),
    "power_shift.csv": ("csv", [("Dr Lena Ortiz", T), ("Marcus", C)], 60, True),
    "overlap_teams.vtt": ("vtt", [("Dr Maya Patel", T), ("Jordan Lee", C)], 55, True),
    "reverse_shift.jsonl": ("jsonl", [("Ben Hart", T), ("Aisha", C)], 48, True),
    "course/session1.txt": ("plain", COURSE, 43, False),
    "course/session2.txt": ("plain", COURSE, 44, False),
    "course/session3.txt": ("plain", COURSE, 44, False),
    "course/session4.txt": ("plain", COURSE, 42, False),
}


def _load(name: str) -> Transcript:
    return equipoise.load(EXAMPLES / name)


def therapist_word_share(turns: tuple[equipoise.Turn, ...] | list[equipoise.Turn]) -> float:
    words = {T: 0, C: 0}
    for turn in turns:
        words[turn.role] += len(turn.text.split())
    return words[T] / (words[T] + words[C])


def test_every_example_file_has_expectations() -> None:
    found = {p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*")
             if p.is_file() and p.name != "README.md"}
    assert found == set(EXPECTED)


def test_readme_lists_every_example() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert Path(name).name in readme or name.startswith("course/"), name
    assert "course/session1.txt" in readme


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_loads_with_expected_speakers_and_roles(name: str) -> None:
    fmt, speakers, n_turns, timed = EXPECTED[name]
    transcript = _load(name)
    assert transcript.source_format == fmt
    assert [(s.name, s.role) for s in transcript.speakers] == speakers
    assert transcript.n_turns == n_turns
    assert 40 <= transcript.n_turns <= 90
    assert transcript.has_timestamps is timed
    assert all(turn.text.strip() for turn in transcript.turns)
    assert [turn.index for turn in transcript.turns] == list(range(n_turns))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_examples_with_inferred_roles_say_so(name: str) -> None:
    transcript = _load(name)
    inferred = any("inferred" in note for note in transcript.notices)
    assert inferred is (name.startswith("course/") or name.endswith(".vtt"))


def test_overlap_example_has_turns_that_start_before_the_previous_one_ends() -> None:
    turns = _load("overlap_teams.vtt").turns
    overlaps = [b.index for a, b in itertools.pairwise(turns)
                if b.start is not None and a.end is not None and b.start < a.end]
    assert len(overlaps) == 4


def test_collaborative_client_holds_the_floor_and_directive_therapist_does() -> None:
    assert therapist_word_share(_load("collaborative.txt").turns) < 0.45
    assert therapist_word_share(_load("directive.txt").turns) > 0.7


def test_power_shift_examples_change_direction_midway() -> None:
    shift = _load("power_shift.csv").turns
    # Turn 22 is the therapist noticing she has been doing the talking and asking for feedback.
    assert shift[22].role is T
    assert therapist_word_share(shift[:22]) > 0.7
    assert therapist_word_share(shift[23:]) < 0.4
    reverse = _load("reverse_shift.jsonl").turns
    assert therapist_word_share(reverse[:14]) < 0.4
    assert therapist_word_share(reverse[14:]) > 0.55


def test_course_moves_the_floor_to_the_client_from_session_3() -> None:
    shares = [therapist_word_share(_load(f"course/session{n}.txt").turns) for n in range(1, 5)]
    assert shares[0] > 0.5 and shares[1] > 0.5
    assert shares[2] < 0.5 and shares[3] < 0.5


def test_examples_load_through_the_cli() -> None:
    from click.testing import CliRunner

    from equipoise.cli import main

    files = [str(EXAMPLES / name) for name in sorted(EXPECTED)]
    result = CliRunner().invoke(main, ["analyse", *files], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    for name in EXPECTED:
        assert Path(name).name in result.stdout
