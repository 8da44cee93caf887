"""The course of therapy: every dimension across the sessions of one therapy, with shifts in words.

Power "shifts back and forth over the course of the relationship": the course puts each session's leans
side by side and states the shifts it finds, e.g. "the agenda moved toward the client from session 3 on".

Shift rule (per series of leans, or of the summary numbers): the single change point k that maximises
|mean(after) - mean(before)| * sqrt(k (n - k) / n) (the CUSUM statistic for one change in mean). It is
reported when the change in means is at least ``threshold`` (0.25 by default, an eighth of the lean
scale) and, with four sessions or more, larger than twice the spread within the two sides (pooled
standard deviation). A series whose consecutive changes of at least ``threshold`` reverse
direction twice or more is said to move back and forth.

>>> course = build_course_from_leans(["s1", "s2", "s3", "s4"], {"agenda": [0.6, 0.5, -0.2, -0.3]})
>>> course.shifts[0].text
'the agenda moved toward the client from session 3 on (lean +0.55 before, -0.25 after)'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .profile import Profile

THRESHOLD = 0.25
#: How a series is named in a sentence: each dimension's declared ``course_name``, and the summary's two.
SUMMARY_NAMES = {"power_lean": "the power lean", "partnership_index": "shared power",
                 "shared_power": "shared power"}


class _Names(Mapping[str, str]):
    def _table(self) -> dict[str, str]:
        from .analysers.registry import Declared

        words = Declared(lambda a: a.words.course_name if getattr(a, "words", None) else None)
        return {**dict(words), **SUMMARY_NAMES}

    def __getitem__(self, name: str) -> str:
        return self._table()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


NAMES: Mapping[str, str] = _Names()
_DATE = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")


@dataclass(frozen=True, slots=True)
class Shift:
    """One detected shift: a series changed level from ``session`` (1-based) on."""

    series: str
    session: int
    before: float
    after: float
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"series": self.series, "session": self.session, "before": self.before, "after": self.after,
                "text": self.text}


@dataclass(frozen=True, slots=True)
class Course:
    """Trajectories of every dimension (and the summary) across sessions, and the shifts found in them."""

    sessions: tuple[str, ...]
    trajectories: Mapping[str, tuple[float | None, ...]]
    shifts: tuple[Shift, ...] = ()
    back_and_forth: tuple[str, ...] = ()
    threshold: float = THRESHOLD
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``course.json``)."""
        return {"sessions": list(self.sessions),
                "trajectories": {k: list(v) for k, v in self.trajectories.items()},
                "shifts": [s.to_dict() for s in self.shifts], "back_and_forth": list(self.back_and_forth),
                "threshold": self.threshold, "notes": list(self.notes),
                "statements": self.statements()}

    def statements(self) -> list[str]:
        """Every finding as a sentence."""
        found = [s.text[0].upper() + s.text[1:] + "." for s in self.shifts]
        found += [f"{NAMES.get(n, n).capitalize()} moved back and forth across the sessions."
                  for n in self.back_and_forth]
        return found or [f"No shift of {self.threshold:.2f} or more in any dimension across the sessions."]


def build_course(profiles: Sequence[Profile], threshold: float = THRESHOLD) -> Course:
    """The course over ``profiles``, taken in the order given (see :func:`order_paths`)."""
    names: list[str] = []
    for profile in profiles:
        names.extend(n for n in profile.dimensions if n not in names)
    series: dict[str, list[float | None]] = {n: [p.dimensions[n].lean if n in p.dimensions else None
                                                 for p in profiles] for n in names}
    series["power_lean"] = [p.summary.power_lean for p in profiles]
    series["partnership_index"] = [p.summary.partnership for p in profiles]
    return build_course_from_leans([p.transcript_id for p in profiles], series, threshold)


def build_course_from_leans(sessions: Sequence[str], series: Mapping[str, Sequence[float | None]],
                            threshold: float = THRESHOLD) -> Course:
    """The course from named series of values, one value (or None) per session."""
    shifts = []
    wobbly = []
    for name, values in series.items():
        found = detect_shift(values, threshold)
        if found is not None:
            k, before, after = found
            shifts.append(Shift(name, k + 1, round(before, 4), round(after, 4),
                                _describe(name, k + 1, before, after)))
        if _reversals(values, threshold) >= 2:
            wobbly.append(name)
    return Course(tuple(sessions), {k: tuple(v) for k, v in series.items()}, tuple(shifts), tuple(wobbly),
                  threshold)


def detect_shift(values: Sequence[float | None],
                 threshold: float = THRESHOLD) -> tuple[int, float, float] | None:
    """(k, mean before, mean after) of the strongest single change point, or None.

    ``k`` is the 0-based position of the first session after the change; None when no change meets the
    rule in the module docstring.
    """
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    n = len(points)
    best: tuple[float, int, float, float] | None = None
    for k in range(1, n):
        left = [v for _, v in points[:k]]
        right = [v for _, v in points[k:]]
        before, after = sum(left) / k, sum(right) / (n - k)
        score = abs(after - before) * math.sqrt(k * (n - k) / n)
        if best is None or score > best[0]:
            best = (score, k, before, after)
    if best is None:
        return None
    _, k, before, after = best
    if abs(after - before) < threshold:
        return None
    left = [v for _, v in points[:k]]
    right = [v for _, v in points[k:]]
    if n >= 4:
        pooled = math.sqrt((sum((v - before) ** 2 for v in left) + sum((v - after) ** 2 for v in right))
                           / (n - 2))
        if abs(after - before) <= 2 * pooled:
            return None
    return points[k][0], before, after


def _describe(name: str, session: int, before: float, after: float) -> str:
    label = NAMES.get(name, name.replace("_", " "))
    if name == "partnership_index":
        verb = "rose" if after > before else "fell"
        return f"{label} {verb} from session {session} on ({before:.2f} before, {after:.2f} after)"
    side = "the client" if after < before else "the therapist"
    return (f"{label} moved toward {side} from session {session} on "
            f"(lean {before:+.2f} before, {after:+.2f} after)")


def _reversals(values: Sequence[float | None], threshold: float) -> int:
    present = [v for v in values if v is not None]
    steps = [b - a for a, b in pairwise(present) if abs(b - a) >= threshold]
    return sum(1 for a, b in pairwise(steps) if (a > 0) != (b > 0))


def session_date(path: Path) -> str | None:
    """A date written in a file name (``2024-03-05``, ``20240305``, ``2024_03_05``) as ISO text, or None."""
    match = _DATE.search(path.stem)
    if not match:
        return None
    year, month, day = match.groups()
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    return f"{year}-{month}-{day}"


def order_paths(paths: Sequence[Path]) -> tuple[list[Path], str]:
    """Sessions in course order: by the date in their names when every name has one, else as given.

    Returns the ordered paths and how they were ordered ("date" or "argument order").
    """
    dates = [session_date(p) for p in paths]
    if paths and all(dates):
        order = sorted(range(len(paths)), key=lambda i: (dates[i], i))
        return [paths[i] for i in order], "date"
    return list(paths), "argument order"
