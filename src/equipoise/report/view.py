"""Turn a :class:`~equipoise.profile.Profile` into what a report shows.

Reports read the typed profile, never the analysers and never loose JSON: a profile JSON file is read
with ``Profile.from_dict`` (or ``Profile.from_json``) at the edge that opened it. The transcript is
optional: it adds the words of each turn to the annotated transcript, and the report is still complete
(numbers, labels and evidence) without it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..validation import POWER
from .texts import (
    CLIENT_LIMITS,
    DIMENSION_ORDER,
    DIMENSIONS,
    NO_TURNS,
    Audience,
    client_lean_phrase,
    humanise,
    label_word,
    lean_phrase,
    metric_basis,
    reader_check_text,
)

if TYPE_CHECKING:
    from ..model import Transcript
    from ..profile import DimensionProfile, Profile, TimelineWindow, TurnRecord

_PERCENTILE_PAIRS = (("p10", "p90"), ("p5", "p95"), ("p25", "p75"))


@dataclass(frozen=True, slots=True)
class Norm:
    """The reference range of one metric: ``low``..``high`` (named by ``span``), with a median if known."""

    low: float
    high: float
    median: float | None
    span: str
    percentile: float | None = None

    def position(self, value: float) -> str:
        if value < self.low:
            return "below"
        if value > self.high:
            return "above"
        return "within"


@dataclass(frozen=True, slots=True)
class MetricView:
    """One raw metric with its reference range and the turns that produced it.

    ``evidence`` holds the metric's own turns (its numerator, from the profile's ``metric_turns``);
    ``linked`` says whether the profile lists turns for it at all (a count of 0 lists none). ``basis``
    says in words why there is nothing to link: no turn counted, or (not linked) it comes from every turn.
    """

    key: str
    label: str
    value: float | None
    text: str
    norm: Norm | None
    position: str | None
    norm_text: str
    evidence: tuple[int, ...]
    linked: bool = False
    basis: str = ""


@dataclass(frozen=True, slots=True)
class DimensionView:
    """One dimension as a report shows it."""

    key: str
    title: str
    measures: str
    cannot_know: str
    lean: float | None
    lean_text: str
    lean_phrase: str
    lean_norm: Norm | None
    available: bool
    reason: str | None
    metrics: tuple[MetricView, ...]
    evidence: tuple[int, ...]
    notes: tuple[str, ...] = ()
    #: how far this lean has matched careful readers (:func:`~equipoise.report.texts.reader_check_text`)
    readers: str = ""

    @property
    def has_norms(self) -> bool:
        return any(m.norm is not None for m in self.metrics)


@dataclass(frozen=True, slots=True)
class TurnView:
    """One turn of the annotated transcript."""

    index: int
    speaker: str
    role: str
    time: str | None
    text: str | None
    chips: tuple[str, ...]
    evidence_for: tuple[str, ...]
    #: learned labels of this turn whose calibrated probability is under :data:`LOW_CONFIDENCE`
    uncertain: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SessionView:
    """Everything a session report shows, already in words for one audience."""

    id: str
    audience: Audience
    n_turns: int
    speakers: tuple[tuple[str, str], ...]
    labeller: str
    equipoise_version: str
    power_lean: float | None
    #: The shared-power index (``summary.shared_power``; ``summary.partnership`` in schema 1).
    shared_power: float | None
    dimensions: tuple[DimensionView, ...]
    timeline: tuple[dict[str, Any], ...]
    talk_share: tuple[dict[str, Any], ...]
    turns: tuple[TurnView, ...]
    has_text: bool
    summary_evidence: tuple[int, ...] = ()
    #: Shifts within the session, in words (from the timeline).
    shifts: tuple[str, ...] = ()
    #: Each turn's role, start and end in seconds, when every turn has both times (the talk-time strip).
    talk_strip: tuple[dict[str, Any], ...] = ()
    #: How far the overall lean has matched careful readers (:func:`.texts.reader_check_text`).
    power_readers: str = ""

    @property
    def has_norms(self) -> bool:
        """Whether any reference range is known (the norms table may not be installed)."""
        return any(d.has_norms or d.lean_norm is not None for d in self.dimensions)


def as_profile(profile: Any) -> Profile:
    """The profile a report reads; anything else (a JSON dict among them) is refused, saying what to do."""
    from ..profile import Profile

    if not isinstance(profile, Profile):
        raise UsageError(f"a report reads a Profile, not {type(profile).__name__}; read a profile JSON "
                         "file with Profile.from_dict or Profile.from_json first")
    return profile


def number(value: Any) -> float | None:
    """A finite float, or None for anything else (null, NaN, text)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def format_value(value: Any) -> str:
    """A metric value as short text: integers as such, fractions with two decimals."""
    if value is None:
        return "\u2013"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "\u2013"
        if value.is_integer() and not 0 <= value <= 1:
            return f"{int(value):,}"
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def parse_norm(raw: Mapping[str, Any] | None) -> Norm | None:
    """Read a metric's reference range from its norms entry (percentiles ``pN``, and its ``percentile``).

    The range is p10..p90 when the norms table has them, else p5..p95, else p25..p75.
    """
    if not raw:
        return None
    median = number(raw.get("p50"))
    for low_key, high_key in _PERCENTILE_PAIRS:
        low, high = number(raw.get(low_key)), number(raw.get(high_key))
        if low is not None and high is not None:
            return Norm(min(low, high), max(low, high), median, f"{low_key}\u2013{high_key}",
                        number(raw.get("percentile")))
    return None


def turn_indexes(indexes: Iterable[int], n_turns: int) -> tuple[int, ...]:
    """Turn indexes as sorted, unique and valid (inside the session) ones."""
    return tuple(sorted({i for i in indexes if 0 <= i < n_turns}))


#: A linked metric whose name holds one of these words is a fraction, shown as such even when it is 0 or 1.
FRACTION_WORDS = ("share", "rate", "ratio", "density", "mean", "uptake", "coordination", "score", "agency")
OLD_PROFILE_BASIS = {
    "therapist": "this profile does not list the turns behind each measure (it was made by an older "
                 "Equipoise); the lean above links to the dimension's evidence",
    "client": "the moments behind this number were not recorded in this profile",
}


def lists_metric_turns(profile: Profile) -> bool:
    """Whether the profile lists the turns behind its metrics (profiles made before the field do not).

    The current pipeline always links some metric (the floor's longest monologue, at the least), so a
    profile that links none in any dimension was made by an Equipoise without ``metric_turns``.
    """
    return any(dim.metric_turns for dim in profile.dimensions.values())


def metric_turns(dim: DimensionProfile, n_turns: int,
                 listed: bool = True) -> dict[str, tuple[int, ...]] | None:
    """Each metric's own turns (valid indexes only), or None when the profile does not list them."""
    if not listed:
        return None
    return {str(k): turn_indexes(v, n_turns) for k, v in dim.metric_turns.items()}


def _metric_text(name: str, value: Any, linked: bool) -> str:
    # A count of turns reads as a whole number, even 0 or 1 (which would otherwise look like a share).
    numeric = number(value)
    fraction = any(word in name for word in FRACTION_WORDS)
    if linked and numeric is not None and numeric.is_integer() and not fraction:
        return f"{int(numeric):,}"
    return format_value(value)


def dimension_view(key: str, dim: DimensionProfile, n_turns: int, audience: Audience,
                   roles: frozenset[str] = frozenset({"therapist", "client", "other"}),
                   listed: bool = True) -> DimensionView:
    """One dimension in words; a metric links to its own turns, the lean to the dimension's evidence.

    ``listed`` is False for a profile that lists no metric's turns (:func:`lists_metric_turns`).
    """
    text = DIMENSIONS.get(key)
    title = (text.client_title if audience == "client" else text.title) if text else humanise(key).title()
    # The client version keeps our plain words; the therapist version prefers the analyser's own account.
    own_measures, own_limits = dim.description, dim.what_it_cannot_know
    if audience == "client" and text:
        measures, cannot_know = text.client_measures, CLIENT_LIMITS.get(key, text.cannot_know)
    else:
        measures = own_measures or (text.measures if text else "")
        cannot_know = own_limits or (text.cannot_know if text else "")
    evidence = turn_indexes(dim.evidence, n_turns)
    by_metric = metric_turns(dim, n_turns, listed)
    metrics = []
    for name, value in dim.metrics.items():
        if name.endswith("_other") and "other" not in roles:
            continue  # per-role metrics of a role nobody has in this session
        norm = parse_norm(dim.norms.get(name))
        numeric = number(value)
        position = norm.position(numeric) if norm and numeric is not None else None
        own = None if by_metric is None else by_metric.get(name)
        norm_text = ""
        if norm:
            span = "" if norm.span == "p10\u2013p90" else f" ({norm.span})"
            low, high = (_metric_text(name, v, own is not None) for v in (norm.low, norm.high))
            norm_text = f"{low}\u2013{high}{span}"
            if norm.percentile is not None:
                norm_text += f" \u00b7 percentile {norm.percentile:.0f}"
        if own is not None:
            basis = "" if own else NO_TURNS[audience]
        elif by_metric is None:
            basis = OLD_PROFILE_BASIS[audience]
        else:
            basis = metric_basis(name, audience)
        metrics.append(MetricView(name, humanise(name), numeric, _metric_text(name, value, own is not None),
                                  norm, position, norm_text, own or (), linked=own is not None, basis=basis))
    lean = number(dim.lean)
    available = dim.available
    # The client reads a sentence naming the direction; "mostly your therapist" alone can read backwards.
    share = number(dim.metrics.get(FLOOR_WORD_SHARE)) if key == "floor" else None
    phrase = (client_lean_phrase(key, lean, share) if audience == "client"
              else lean_phrase(lean, audience))
    return DimensionView(
        key=key, title=title, measures=measures, cannot_know=cannot_know,
        notes=tuple(str(n) for n in dim.notes),
        lean=lean, lean_text="\u2013" if lean is None else f"{lean:+.2f}",
        lean_phrase=phrase if available else "not measured",
        lean_norm=parse_norm(dim.norms.get("lean")), available=available,
        reason=dim.reason, metrics=tuple(metrics), evidence=evidence,
        readers=reader_check_text(key, audience))


def timeline_rows(timeline: Sequence[TimelineWindow],
                  titles: Mapping[str, str]) -> tuple[dict[str, Any], ...]:
    """Long-form timeline rows ``{turn, dimension, key, lean, first, last}`` from the profile's windows.

    ``turn`` is the window's centre (it is plotted by turn, not by time); ``first`` and ``last`` are its
    first and last turn index, so that a click on a point can show every turn the value was computed from.
    """
    rows: list[dict[str, Any]] = []
    for window in timeline:
        centre = (window.first_turn + window.last_turn) / 2
        for key, value in window.leans.items():
            lean = number(value)
            if lean is not None:
                rows.append({"turn": centre, "dimension": titles.get(key, humanise(key)), "key": key,
                             "lean": lean, "first": window.first_turn, "last": window.last_turn})
    return tuple(rows)


def _chips(labels: Mapping[str, Any], audience: Audience = "therapist") -> tuple[str, ...]:
    chips: list[str] = []
    behaviour = labels.get("behaviour")
    detail = labels.get("question_type") or labels.get("reflection_type") or labels.get("input_type")
    if detail:
        chips.append(label_word(detail, audience))
    elif behaviour and behaviour != "other":
        chips.append(label_word(behaviour, audience))
    if labels.get("talk_type") in ("change", "sustain"):
        chips.append(label_word(labels["talk_type"], audience))
    if labels.get("stance") == "directive" and "directive" not in (labels.get("markers") or ()):
        chips.append(label_word("directive", audience))
    for marker in labels.get("markers") or ():
        word = label_word(marker, audience)
        # A marker that repeats a label already shown ("question" beside "open question") adds nothing.
        if not any(word in chip for chip in chips):
            chips.append(word)
    return tuple(chips)


#: A learned label under this calibrated probability is marked "uncertain" on an evidence turn.
LOW_CONFIDENCE = 0.6
#: The learned labels of ``turns[i].labels`` (DESIGN §3), in the profile's order.
LABEL_FIELDS = ("behaviour", "question_type", "reflection_type", "input_type", "stance", "talk_type")


def _uncertain(turn: TurnRecord) -> tuple[str, ...]:
    probabilities = turn.probabilities
    return tuple(name for name in LABEL_FIELDS if name in probabilities
                 and (number(probabilities[name]) or 0.0) < LOW_CONFIDENCE)


def _clock(seconds: Any) -> str | None:
    value = number(seconds)
    if value is None:
        return None
    minutes, secs = divmod(int(value), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}" if minutes >= 60 else f"{minutes}:{secs:02d}"


#: The floor's metric the client's floor sentence quotes ("75% of the words were your therapist's").
FLOOR_WORD_SHARE = "word_share_therapist"
#: The floor's metrics the talk-share chart shows, by measure: ``<prefix><role>``.
TALK_SHARE_PREFIXES = (("words", "word_share_"), ("turns", "turn_share_"), ("time", "time_share_"))


def talk_share(floor: DimensionProfile | None) -> tuple[dict, ...]:
    """Share of words, turns and (with timestamps) speaking time for each role, as chart rows.

    Read from the floor dimension's own ``word_share_<role>``, ``turn_share_<role>`` and
    ``time_share_<role>`` metrics, so that the chart shows the numbers of the floor card and never a
    recount of its own (which split words differently). Empty when the floor was not measured.

    >>> from equipoise.profile import DimensionProfile
    >>> floor = DimensionProfile("floor", "1", True, 0.5, {"word_share_therapist": 0.75,
    ...                          "turn_share_therapist": 0.5}, {}, ())
    >>> [(r["measure"], r["share"]) for r in talk_share(floor)]
    [('words', 0.75), ('turns', 0.5)]
    """
    metrics = floor.metrics if floor is not None else {}
    rows: list[dict[str, Any]] = []
    for measure, prefix in TALK_SHARE_PREFIXES:
        for key, value in metrics.items():
            share = number(value)
            if key.startswith(prefix) and share is not None and share > 0:
                rows.append({"measure": measure, "role": key[len(prefix):], "share": share})
    return tuple(rows)


def session_view(profile: Profile, transcript: Transcript | None = None,
                 audience: Audience = "therapist") -> SessionView:
    """Build the view of one session report from a profile and, optionally, its transcript."""
    from ..timeline import within_session_shifts

    profile = as_profile(profile)
    turns = profile.turns
    n_turns = len(turns)
    if transcript is not None and transcript.n_turns != n_turns:
        raise UsageError(f"the transcript has {transcript.n_turns} turns but the profile {n_turns}; "
                         "were they made from the same file?")
    dimensions = profile.dimensions
    order = [k for k in DIMENSION_ORDER if k in dimensions] + [k for k in dimensions if k not in DIMENSIONS]
    roles = frozenset(t.role for t in turns)
    listed = lists_metric_turns(profile)
    dims = tuple(dimension_view(k, dimensions[k], n_turns, audience, roles, listed) for k in order)
    evidence_for: dict[int, list[str]] = {}
    for dim in dims:
        for index in dim.evidence:
            evidence_for.setdefault(index, []).append(dim.key)
    turn_views = []
    for i, turn in enumerate(turns):
        text = transcript.turns[i].text if transcript is not None else None
        turn_views.append(TurnView(
            index=turn.index, speaker=turn.speaker, role=turn.role, time=_clock(turn.start), text=text,
            chips=_chips(turn.labels, audience), evidence_for=tuple(evidence_for.get(i, ())),
            uncertain=_uncertain(turn) if i in evidence_for else ()))
    labeller = profile.labeller
    titles = {d.key: d.title for d in dims}
    return SessionView(
        id=profile.transcript_id, audience=audience, n_turns=n_turns, speakers=tuple(profile.speakers),
        labeller=" ".join(str(labeller.get(k, "")) for k in ("name", "version")).strip() or "unknown",
        equipoise_version=profile.equipoise_version,
        power_lean=number(profile.summary.power_lean), shared_power=number(profile.summary.shared_power),
        dimensions=dims, timeline=timeline_rows(profile.timeline, titles),
        talk_share=talk_share(dimensions.get("floor")), turns=tuple(turn_views),
        shifts=tuple(within_session_shifts(profile.timeline)),
        has_text=transcript is not None,
        summary_evidence=turn_indexes(profile.summary.evidence, n_turns), talk_strip=talk_strip(turns),
        power_readers=reader_check_text(POWER, audience))


def talk_strip(turns: Sequence[Any]) -> tuple[dict[str, Any], ...]:
    """Rows of the talk-time strip (turn, role, start, end), or none unless every turn has both times."""
    if not turns or any(t.start is None or t.end is None for t in turns):
        return ()
    return tuple({"turn": t.index, "role": t.role, "start": t.start, "end": t.end} for t in turns)


__all__ = ["FLOOR_WORD_SHARE", "TALK_SHARE_PREFIXES", "DimensionView", "MetricView", "Norm", "SessionView",
           "TurnView", "as_profile", "format_value", "lists_metric_turns", "metric_turns", "number",
           "parse_norm", "session_view", "timeline_rows", "turn_indexes"]
