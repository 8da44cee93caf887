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

import json
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import InputError
from .profile import Profile

SIDES = ("therapist", "client", "shared", "unsure")
#: |lean| at or above which a lever reads as held by one side.
THRESHOLD = 0.2
#: The judgement key that is compared with ``summary.power_lean``.
POWER = "power"
#: Per column (or dimension), per dimension (and ``all``): (agreeing, counted) judgements.
Table = dict[str, dict[str, tuple[int, int]]]
#: The columns of :func:`doubly_read`.
DOUBLY_READ = ("readers", "model vs first", "model vs second", "model where both agree")
#: The package's record of how each lean compares with the validation readers (:func:`reader_checks`), built
#: by ``scripts/build_reader_agreement.py`` from the hold-outs judged by two readers.
READERS_RESOURCE = "reader_agreement.json"
#: Beside a ``judgements.toml``: the same sessions judged by a second reader.
SECOND_READER = "second_reader.toml"
#: In a hold-out folder that has not been run yet (its first run is the clean measure of the next change).
NOT_RUN = "NOT_RUN"


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


def doubly_read(first: Iterable[SessionJudgements], second: Iterable[SessionJudgements],
                profile_of: Callable[[SessionJudgements], Profile]) -> Table:
    """One set judged by two readers: per column of :data:`DOUBLY_READ`, (agreeing, counted) per dimension
    and for ``all``: the readers against each other, the profile against each reader, and the profile
    against the side both readers chose where they chose the same (``unsure`` is never counted).
    ``profile_of`` makes the profile of a session of ``first``; a set whose two files list different
    sessions is an error.
    """
    first, second = list(first), list(second)
    theirs = {session.file: session for session in second}
    if set(theirs) != {session.file for session in first}:
        raise ValueError("the two readers' files list different sessions")
    rows: dict[str, list[tuple[str, bool]]] = {column: [] for column in DOUBLY_READ[1:]}
    for session in first:
        profile = profile_of(session)
        other = {j.dimension: j.side for j in theirs[session.file].judgements}
        for item in compare(profile, session.judgements):
            dimension = item.judgement.dimension
            rows["model vs first"].append((dimension, item.agrees))
            if other.get(dimension) == item.judgement.side:
                rows["model where both agree"].append((dimension, item.agrees))
        rows["model vs second"] += [(item.judgement.dimension, item.agrees)
                                    for item in compare(profile, theirs[session.file].judgements)]
    return {"readers": reader_agreement(first, second), **{c: _tally(r) for c, r in rows.items()}}


def session_profiles(folder: Path) -> Callable[[SessionJudgements], Profile]:
    """``profile_of`` for :func:`doubly_read`: a session of ``folder``'s judgements, read from its
    ``sessions/`` folder (roles by the session's ``therapist`` name when it gives one) and analysed."""
    from .ingest import load
    from .pipeline import analyse

    def profile_of(session: SessionJudgements) -> Profile:
        names = (session.therapist,) if session.therapist else ()
        return analyse(load(folder / "sessions" / session.file, therapist=names))

    return profile_of


def judgement_files(root: Path) -> list[Path]:
    """``root``'s own ``judgements.toml`` and each hold-out's under it, in hold-out order (``holdout``,
    ``holdout2``, ..., ``holdout10``, ...), run or not (an unrun one holds :data:`NOT_RUN`)."""
    holdouts = sorted(root.glob("holdout*/judgements.toml"),
                      key=lambda f: (len(f.parent.name), f.parent.name))
    return [root / "judgements.toml", *holdouts]


def doubly_read_folders(root: Path) -> list[Path]:
    """The folders under ``root`` judged by two readers (a :data:`SECOND_READER` file beside
    ``judgements.toml``) that have been run (no :data:`NOT_RUN` file), in name order."""
    return sorted(p.parent for p in root.glob(f"*/{SECOND_READER}")
                  if (p.parent / "judgements.toml").is_file() and not (p.parent / NOT_RUN).is_file())


def doubly_read_folder(folder: Path) -> Table:
    """:func:`doubly_read` of a folder's ``judgements.toml`` and :data:`SECOND_READER` file."""
    first, second = (read_judgements(folder / name) for name in ("judgements.toml", SECOND_READER))
    return doubly_read(first, second, session_profiles(folder))


def summed(tables: Iterable[Mapping[str, Mapping[str, tuple[int, int]]]]) -> Table:
    """Tables of :func:`doubly_read`, summed per column and dimension.

    >>> summed([{"readers": {"all": (3, 4)}}, {"readers": {"all": (1, 2), "floor": (1, 1)}}])
    {'readers': {'all': (4, 6), 'floor': (1, 1)}}
    """
    pooled: dict[str, dict[str, tuple[int, int]]] = {}
    for table in tables:
        for column, rows in table.items():
            cells = pooled.setdefault(column, {})
            for key, (agree, n) in rows.items():
                before = cells.get(key, (0, 0))
                cells[key] = (before[0] + agree, before[1] + n)
    return pooled


def reader_record(folders: Iterable[Path]) -> dict[str, object]:
    """The content of the package's :data:`READERS_RESOURCE`, computed now from the doubly read sets in
    ``folders`` (``scripts/build_reader_agreement.py`` writes it; a test checks it is up to date)."""
    folders = list(folders)
    table = summed(doubly_read_folder(folder) for folder in folders)
    both, readers = table.get("model where both agree", {}), table.get("readers", {})
    return {
        "about": ("The profile's side against the side both validation readers chose (where they chose the "
                  "same), and the two readers against each other: [agreeing, counted] judgements. Built by "
                  "scripts/build_reader_agreement.py; do not edit."),
        "sets": [folder.name for folder in folders],
        "dimensions": {key: {"profile": list(both[key]), "readers": list(readers[key])}
                       for key in sorted(readers) if key != "all" and key in both},
    }


@dataclass(frozen=True, slots=True)
class ReaderCheck:
    """How one lean (a dimension's, or ``power`` for the summary's power lean) compared with careful readers
    on the validation sets that two readers judged: (agreeing, counted) judgements."""

    #: the profile's side against the side both readers chose, where they chose the same
    profile: tuple[int, int]
    #: the two readers against each other
    readers: tuple[int, int]
    #: how many doubly read sets the figures pool
    sets: int


@lru_cache(maxsize=1)
def reader_checks() -> dict[str, ReaderCheck]:
    """The package's record of each lean against the validation readers (empty when not built)."""
    resource = resources.files("equipoise") / "data" / READERS_RESOURCE
    if not resource.is_file():
        return {}
    data = json.loads(resource.read_text(encoding="utf-8"))
    sets = len(data["sets"])
    return {key: ReaderCheck(tuple(row["profile"]), tuple(row["readers"]), sets)  # type: ignore[arg-type]
            for key, row in data["dimensions"].items()}


def describe(table: Mapping[str, tuple[int, int]]) -> str:
    """The agreement table as aligned text."""
    lines = [f"{'dimension':<16} {'agree':>5} / {'n':<3} share"]
    for key, (agree, n) in table.items():
        lines.append(f"{key:<16} {agree:>5} / {n:<3} {agree / n if n else 0:.2f}")
    return "\n".join(lines)
