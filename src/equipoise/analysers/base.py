"""The analyser contract: what a dimension analyser declares, receives and returns.

An analyser is a pure object: ``analyse(transcript, labels, config) -> DimensionResult``. It never
mutates its inputs and never looks at other analysers' results; only the pipeline assembles results.
It declares ``requires`` (inputs without which it cannot run) and ``uses`` (inputs it reads when present),
so the pipeline can check them before anything runs. It also declares everything said about it, once:
``words`` (titles, what it measures and cannot know, for both audiences, the client's sentences and its
name in the course), ``power_weight`` and ``shared_weight`` in the summary, and ``metric_kinds``. The
glossary, the reports, the course and the summary read these from the registry, so a plugin dimension
that declares them is shown like a built-in one.

Requirement names: ``labels`` (turn labels from a labeller), ``timestamps`` (every turn has a start),
``dyad`` (at least one therapist turn and one client turn), ``embeddings`` (a sentence-embedding backend).

>>> result = DimensionResult(lean=0.2, metrics={"x": 1.0}, evidence=(3,), metric_turns={"x": (3,)})
>>> result.available, result.to_dict()["evidence"], result.to_dict()["metric_turns"]
(True, [3], {'x': [3]})
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from ..label.labels import Labels
    from ..model import Transcript

REQUIREMENTS: dict[str, str] = {
    "labels": "turn labels from a labeller",
    "timestamps": "start times on every turn",
    "dyad": "at least one therapist turn and one client turn",
    "embeddings": "a sentence-embedding backend (the pipeline has none; see docs/power-model.md)",
}


@dataclass(frozen=True, slots=True)
class Config:
    """Settings that change numbers; every field is recorded in the profile.

    ``window`` and ``step`` are the timeline's sliding window in turns (0 = chosen from the session
    length, see :func:`equipoise.timeline.window_for`). The ``topic_*`` settings define a topic opening
    (:mod:`equipoise.analysers.topics`), ``substantive_words`` a turn worth taking up and
    ``uptake_threshold`` a reply that leaves it without uptake (responsiveness); ``evidence_size`` is the
    number of evidence turns per dimension.
    """

    window: int = 0
    step: int = 0
    topic_context: int = 3
    topic_threshold: float = 0.15
    topic_min_words: int = 3
    substantive_words: int = 3
    uptake_threshold: float = 0.2
    evidence_size: int = 5

    def to_dict(self) -> dict[str, object]:
        """The settings as a plain dictionary, for the profile."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Config:
        """Read settings written by :meth:`to_dict`; unknown names are rejected."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            from ..errors import UsageError

            raise UsageError(f"unknown analysis setting(s): {', '.join(unknown)}; "
                             f"valid: {', '.join(sorted(known))}")
        return cls(**data)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class DimensionResult:
    """What one analyser found: raw metrics, a lean in [-1, 1] and the turns that moved it most.

    A dimension that cannot be computed has ``available=False``, ``lean=None`` and a ``reason``.
    ``notes`` say what was assumed or left out (never transcript text).

    ``metric_turns`` links a metric to the turns that produced it: for a metric that counts or rates
    turns, the indices (``Turn.index``) of the turns in its numerator, in order; a count equals the
    length of its list (an empty list: none counted). A metric absent from it comes from every turn of a
    party (shares of words or turns, means, coordination estimates) or combines other metrics.
    """

    lean: float | None
    metrics: Mapping[str, float | None]
    evidence: tuple[int, ...] = ()
    available: bool = True
    reason: str | None = None
    notes: tuple[str, ...] = field(default=())
    metric_turns: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def unavailable(cls, reason: str, metrics: Mapping[str, float | None] | None = None,
                    metric_turns: Mapping[str, tuple[int, ...]] | None = None) -> DimensionResult:
        """A result that says why the dimension could not be computed, instead of inventing a number."""
        return cls(lean=None, metrics=dict(metrics or {}), available=False, reason=reason,
                   metric_turns=dict(metric_turns or {}))

    def to_dict(self) -> dict[str, object]:
        """The JSON form (without norms; the profile adds them)."""
        return {
            "available": self.available,
            "reason": self.reason,
            "lean": self.lean,
            "metrics": dict(self.metrics),
            "evidence": list(self.evidence),
            "notes": list(self.notes),
            "metric_turns": {k: list(v) for k, v in self.metric_turns.items()},
        }


@dataclass(frozen=True, slots=True)
class DimensionWords:
    """What the reports, glossary and course say about one dimension, declared once on its analyser.

    ``client_leans`` is the client's sentence for a lean towards the therapist and towards the client
    ("{more}" becomes "clearly more" or "a little more"); ``course_name`` names the dimension in a sentence
    ("the agenda moved toward the client ...").
    """

    title: str
    client_title: str
    measures: str
    client_measures: str
    cannot_know: str
    client_cannot_know: str
    client_leans: tuple[str, str]
    course_name: str


#: Kinds a metric can have (``metric_kinds``): how it is computed and so how a reader should take it.
METRIC_KINDS = ("count", "share", "rate", "mean", "ratio", "estimate", "score", "seconds")


def kinds(table: Mapping[str, str]) -> Mapping[str, str]:
    """A read-only ``metric_kinds`` table; an unknown kind is rejected.

    >>> dict(kinds({"questions_<role>": "count"}))
    {'questions_<role>': 'count'}
    """
    unknown = sorted(set(table.values()) - set(METRIC_KINDS))
    if unknown:
        raise ValueError(f"unknown metric kind(s) {unknown}; valid: {', '.join(METRIC_KINDS)}")
    return MappingProxyType(dict(table))


@runtime_checkable
class Analyser(Protocol):
    """One dimension of the power model. Built-ins and plugins implement the same protocol."""

    name: str
    version: str
    requires: frozenset[str]
    uses: frozenset[str]
    description: str
    cannot_know: str
    antisymmetric: bool

    def analyse(self, transcript: Transcript, labels: Labels | None, config: Config) -> DimensionResult:
        """Compute the dimension for one transcript (or a window of one)."""
        ...


class BaseAnalyser:
    """Convenience base for analysers: class attributes carry the declaration."""

    name: ClassVar[str]
    version: ClassVar[str]
    requires: ClassVar[frozenset[str]] = frozenset()
    uses: ClassVar[frozenset[str]] = frozenset()
    description: ClassVar[str] = ""
    cannot_know: ClassVar[str] = ""
    #: True when swapping the therapist and client roles flips the sign of the lean.
    antisymmetric: ClassVar[bool] = False
    #: The words of the reports, glossary and course (None: they fall back on name and description).
    words: ClassVar[DimensionWords | None] = None
    #: Weights in the summary's power lean and shared-power index (docs/power-model.md, The summary).
    power_weight: ClassVar[float] = 0.0
    shared_weight: ClassVar[float] = 0.0
    #: Each metric's kind (one of METRIC_KINDS); ``<role>`` stands for therapist, client or other.
    metric_kinds: ClassVar[Mapping[str, str]] = MappingProxyType({})

    def __repr__(self) -> str:
        return f"<analyser {self.name} {self.version}>"


_T = TypeVar("_T")


def last_call(fn: Callable[..., _T]) -> Callable[..., _T]:
    """``fn`` remembering its last call: called again with the very same argument objects (by identity),
    it returns the same result without recomputing it. Several analysers read one per-turn pass of a
    transcript or timeline window (directiveness's acts, the topic openings), and the pipeline hands
    them all the same objects, so the pass runs once instead of once per analyser. The result is shared:
    ``fn`` must return something immutable. Only the last arguments are kept, until the next call.

    >>> calls = []
    >>> double = last_call(lambda xs: calls.append(1) or tuple(2 * x for x in xs))
    >>> data = (1, 2)
    >>> double(data), double(data), len(calls), double((1, 2)), len(calls)
    ((2, 4), (2, 4), 1, (2, 4), 2)
    """
    last: list[tuple[tuple[Any, ...], _T] | None] = [None]

    @functools.wraps(fn)
    def remembered(*args: Any) -> _T:
        hit = last[0]       # one read: another thread may replace it meanwhile, never half-way
        if hit is not None and len(hit[0]) == len(args) and all(
                a is b for a, b in zip(hit[0], args, strict=True)):
            return hit[1]
        result = fn(*args)
        last[0] = (args, result)
        return result

    return remembered


def clip(value: float, low: float = -1.0, high: float = 1.0) -> float:
    """``value`` limited to [low, high]; NaN becomes 0."""
    if math.isnan(value):
        return 0.0
    return max(low, min(high, value))


#: Pseudo-observations by which :func:`shrunk` pulls a share towards its reference (shrinkage for small
#: counts; partnership and client agency).
PRIOR = 4.0


def shrunk(count: float, total: float, reference: float, prior: float = PRIOR) -> float:
    """count / total pulled towards ``reference`` by ``prior`` pseudo-observations.

    >>> round(shrunk(3, 3, 0.25), 3), round(shrunk(30, 30, 0.25), 3)
    (0.571, 0.912)
    """
    return (count + prior * reference) / (total + prior)


#: Exponent of :func:`stretch`: 0.1 becomes 0.2, 0.5 becomes 0.62, and 0 and +-1 stay put.
STRETCH = 0.7


def stretch(lean: float, power: float = STRETCH) -> float:
    """sign(lean) x |lean| ** power: a lean spread away from 0, keeping its order and its ends.

    Partnership and directiveness (since 3.1 and 1.4) pass their leans through it: their raw values sat
    nearer 0 than the readers' three-way reading of the validation sessions (a session a reader called
    the therapist's or the client's read "between" at +-0.1 to +-0.2), and a linear gain would have pushed
    many sessions to +-1 and lost their grading (docs/power-model.md).

    >>> round(stretch(0.1), 3), round(stretch(-0.5), 3), stretch(1.0), stretch(0.0)
    (0.2, -0.616, 1.0, 0.0)
    """
    return math.copysign(abs(lean) ** power, lean)


def balance(therapist: float, client: float) -> float:
    """(t - c) / (t + c): +1 when only the therapist has it, -1 when only the client does, 0 if neither."""
    total = therapist + client
    return 0.0 if total <= 0 else clip((therapist - client) / total)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is 0 (a metric that is not defined)."""
    return None if denominator == 0 else numerator / denominator


def pick_evidence(contributions: Mapping[int, float], lean: float | None, size: int) -> tuple[int, ...]:
    """The turn indices whose contribution pushed the lean most in its direction.

    ``contributions`` maps turn index to a signed push (+ toward the therapist holding the lever).
    With a lean of about 0, the turns with the largest pushes either way are returned.
    """
    if not contributions:
        return ()
    sign = 0.0 if lean is None or abs(lean) < 0.05 else math.copysign(1.0, lean)
    scored = [(abs(v) if sign == 0 else v * sign, i) for i, v in contributions.items()]
    ranked = sorted(((s, i) for s, i in scored if s > 0), key=lambda pair: (-pair[0], pair[1]))
    return tuple(sorted(i for _, i in ranked[:size]))


def mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean, or None for no values."""
    items = list(values)
    return sum(items) / len(items) if items else None
