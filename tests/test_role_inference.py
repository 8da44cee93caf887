"""Settling roles: the order of precedence, and the inference measured on AnnoMI with labels hidden."""

from __future__ import annotations

import csv
import os
import random
from pathlib import Path

import pytest

from equipoise import Role
from equipoise.errors import InputError, UsageError
from equipoise.ingest.raw import RawTurn
from equipoise.ingest.roles import assign_roles

PATH = Path("session.txt")


def turns(*pairs: tuple[str, str], role: dict[str, Role] | None = None) -> list[RawTurn]:
    role = role or {}
    return [RawTurn(speaker, text, i + 1, role=role.get(speaker)) for i, (speaker, text) in enumerate(pairs)]


CONVERSATION = turns(
    ("Ana", "What brings you here today?"),
    ("Ben", "I can't sleep and my job is getting on top of me."),
    ("Ana", "You're not sleeping, and work feels like too much. How long has that been going on?"),
    ("Ben", "Since March, I think. My manager left and I took over her work."),
)


def test_the_speaker_who_asks_and_says_you_is_inferred_as_therapist_and_reported() -> None:
    roles, notices = assign_roles(PATH, CONVERSATION)
    assert roles == {"Ana": Role.THERAPIST, "Ben": Role.CLIENT}
    assert any("inferred 'Ana' as therapist" in n and "--therapist" in n for n in notices)
    assert any("inferred 'Ben' as client" in n for n in notices)


def test_inference_does_not_depend_on_who_speaks_first() -> None:
    reordered = [RawTurn(t.speaker, t.text, t.line) for t in CONVERSATION[1:]]
    roles, _ = assign_roles(PATH, reordered)
    assert roles["Ana"] is Role.THERAPIST


def test_user_names_beat_the_file_and_the_inference() -> None:
    stated = turns(*((t.speaker, t.text) for t in CONVERSATION), role={"Ana": Role.THERAPIST})
    roles, notices = assign_roles(PATH, stated, therapist=["ben"], client=["ANA"])
    assert roles == {"Ana": Role.CLIENT, "Ben": Role.THERAPIST}
    assert not any("inferred" in n for n in notices)


def test_a_role_stated_in_the_file_is_not_reported_as_inferred() -> None:
    stated = turns(*((t.speaker, t.text) for t in CONVERSATION), role={"Ben": Role.THERAPIST})
    roles, notices = assign_roles(PATH, stated)
    assert roles == {"Ana": Role.CLIENT, "Ben": Role.THERAPIST}
    assert not any("as therapist" in n for n in notices)


def test_role_words_as_speaker_labels_need_no_inference() -> None:
    roles, notices = assign_roles(PATH, turns(("Client", "Hello?"), ("Counsellor", "Hi. I'm fine.")))
    assert roles == {"Client": Role.CLIENT, "Counsellor": Role.THERAPIST}
    assert notices == []


def test_extra_speakers_become_clients_and_are_reported() -> None:
    roles, notices = assign_roles(PATH, [*CONVERSATION, RawTurn("Cara", "He hasn't slept for weeks.", 5)])
    assert roles["Cara"] is Role.CLIENT
    assert any("3 speakers" in n for n in notices)


def test_one_speaker_is_an_error_naming_the_file() -> None:
    with pytest.raises(InputError, match=r"session\.txt: only one speaker"):
        assign_roles(PATH, turns(("Ana", "Hello?"), ("Ana", "Anyone?")))


def test_naming_one_speaker_both_therapist_and_client_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="both therapist and client"):
        assign_roles(PATH, CONVERSATION, therapist=["Ana"], client=["ana"])


def test_everyone_named_therapist_leaves_no_client() -> None:
    with pytest.raises(InputError, match="no speaker is a client"):
        assign_roles(PATH, CONVERSATION, therapist=["Ana", "Ben"])


def _annomi() -> Path:
    root = os.environ.get("EQUIPOISE_DATA")
    base = Path(root) if root else Path(__file__).resolve().parents[1].parent / "shared" / "data"
    path = base / "annomi" / "annomi-simple-train.csv"
    if not path.is_file():
        pytest.skip("the shared AnnoMI data is absent; set EQUIPOISE_DATA to the folder holding annomi/")
    return path


@pytest.mark.data
def test_inference_finds_the_counsellor_in_annomi_with_labels_hidden() -> None:
    """The figure in roles.py's docstring: 102 of the 103 training transcripts."""
    sessions: dict[str, list[dict[str, str]]] = {}
    with _annomi().open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            sessions.setdefault(row["transcript_id"], []).append(row)
    correct = 0
    for session_id, rows in sessions.items():
        rows.sort(key=lambda row: int(row["utterance_id"]))
        # Hide the roles behind labels A and B, the therapist being either at random.
        flip = random.Random(int(session_id)).random() < 0.5
        label = {"therapist": "B" if flip else "A", "client": "A" if flip else "B"}
        raw = [RawTurn(label[row["interlocutor"]], row["utterance_text"], i + 1)
               for i, row in enumerate(rows)]
        roles, _ = assign_roles(Path(f"{session_id}.csv"), raw)
        correct += roles[label["therapist"]] is Role.THERAPIST
    assert len(sessions) == 103
    assert correct >= 102
