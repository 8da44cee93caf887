"""Agreement between a reader's judgement of who holds each lever and the profile's leans.

A judgements file (TOML) lists sessions, each with a judgement per dimension (and ``power`` for the
summary's power lean): ``[side, reason]``, side one of ``therapist``, ``client``, ``shared``, ``unsure``.
A lean reads as ``therapist`` at +0.2 or more, ``client`` at -0.2 or less, ``shared`` in between; an
unavailable dimension disagrees; ``unsure`` judgements are not counted. The project's own suite is
``tests/validation/`` (``benchmarks/validation_agreement.py`` prints its figures); the same functions
check a model against judgements of your own sessions.

>>> side(0.35), side(-0.1), side(None)
('therapist', 'shared', None)
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .profile import Profile

SIDES = ("therapist", "client", "shared", "unsure")
#: |lean| at or above which a lever reads as held by one side.
THRESHOLD = 0.2
#: The judgement key that is compared with ``summary.power_lean``.
POWER = "power"


@dataclass(frozen=True, slots=True)
class Judgement:
    """A reader's judgement of one lever in one session."""

    session: str
    dimension: str
    side: str
    reason: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """A judgement beside what the profile says."""

    judgement: Judgement
    lean: float | None
    measured: str | None

    @property
    def agrees(self) -> bool:
        """Whether the measured side is the judged one."""
        return self.measured == self.judgement.side


@dataclass(frozen=True, slots=True)
class SessionJudgements:
    """One session of a judgements file: its file (relative to the judgements file) and judgements."""

    file: str
    modality: str
    format: str
    judgements: tuple[Judgement, ...]
    therapist: str | None = None


def side(lean: float | None, threshold: float = THRESHOLD) -> str | None:
    """The side a lean reads as: ``therapist``, ``client`` or ``shared``; None when there is no lean."""
    if lean is None:
        return None
    if lean >= threshold:
        return "therapist"
    if lean <= -threshold:
        return "client"
    return "shared"


def read_judgements(path: Path) -> list[SessionJudgements]:
    """Read a judgements file; a malformed entry is an error naming the session and dimension."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    sessions: list[SessionJudgements] = []
    for number, entry in enumerate(data.get("session", []), start=1):
        name = str(entry.get("file", ""))
        if not name:
            raise InputError(path, f"session {number} has no file")
        found: list[Judgement] = []
        for dimension, value in dict(entry.get("judgements", {})).items():
            if (not isinstance(value, list) or len(value) != 2 or value[0] not in SIDES
                    or not str(value[1]).strip()):
                raise InputError(path, f"session {name}, {dimension}: expected [side, reason] with side "
                                       f"one of {', '.join(SIDES)}")
            found.append(Judgement(name, dimension, value[0], str(value[1])))
        sessions.append(SessionJudgements(name, str(entry.get("modality", "")), str(entry.get("format", "")),
                                          tuple(found), entry.get("therapist")))
    return sessions


def compare(profile: Profile, judgements: Iterable[Judgement]) -> list[Comparison]:
    """Each counted judgement (not ``unsure``) beside the lean it is compared with."""
    out: list[Comparison] = []
    for judgement in judgements:
        if judgement.side == "unsure":
            continue
        if judgement.dimension == POWER:
            lean = profile.summary.power_lean
        else:
            result = profile.dimensions.get(judgement.dimension)
            lean = result.lean if result is not None and result.available else None
        out.append(Comparison(judgement, lean, side(lean)))
    return out


def run_suite(path: Path, analyse: Callable[[Path, str | None], Profile]) -> list[Comparison]:
    """Compare every session of a judgements file; ``analyse(file, therapist)`` makes its profile."""
    comparisons: list[Comparison] = []
    for session in read_judgements(path):
        profile = analyse(path.parent / "sessions" / session.file, session.therapist)
        comparisons.extend(compare(profile, session.judgements))
    return comparisons


def agreement(comparisons: Iterable[Comparison]) -> dict[str, tuple[int, int]]:
    """Per dimension (and ``all``), (agreeing, counted) judgements."""
    return _tally((item.judgement.dimension, item.agrees) for item in comparisons)


def _tally(rows: Iterable[tuple[str, bool]]) -> dict[str, tuple[int, int]]:
    """(agreeing, counted) per dimension and for ``all`` from (dimension, agrees) rows, first seen first."""
    table: dict[str, list[int]] = {}
    for dimension, agrees in rows:
        for key in (dimension, "all"):
            row = table.setdefault(key, [0, 0])
            row[0] += agrees
            row[1] += 1
    return {k: (v[0], v[1]) for k, v in table.items()}


def reader_agreement(first: Iterable[SessionJudgements],
                     second: Iterable[SessionJudgements]) -> dict[str, tuple[int, int]]:
    """Per dimension (and ``all``), how many of the judgements two readers both made (neither ``unsure``)
    are the same side: the ceiling a model can be expected to reach against one reader.

    >>> one = [SessionJudgements("a.txt", "", "", (Judgement("a.txt", "floor", "client", "r"),
    ...                                             Judgement("a.txt", "agenda", "shared", "r")))]
    >>> two = [SessionJudgements("a.txt", "", "", (Judgement("a.txt", "floor", "client", "r"),
    ...                                             Judgement("a.txt", "agenda", "client", "r")))]
    >>> reader_agreement(one, two)
    {'floor': (1, 1), 'all': (1, 2), 'agenda': (0, 1)}
    """
    theirs = {(j.session, j.dimension): j.side for s in second for j in s.judgements}
    both = ((j, theirs.get((j.session, j.dimension))) for session in first for j in session.judgements)
    return _tally((j.dimension, other == j.side) for j, other in both
                  if other is not None and "unsure" not in (other, j.side))


def describe(table: Mapping[str, tuple[int, int]]) -> str:
    """The agreement table as aligned text."""
    lines = [f"{'dimension':<16} {'agree':>5} / {'n':<3} share"]
    for key, (agree, n) in table.items():
        lines.append(f"{key:<16} {agree:>5} / {n:<3} {agree / n if n else 0:.2f}")
    return "\n".join(lines)
