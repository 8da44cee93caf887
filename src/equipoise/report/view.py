"""Turn a profile (its DESIGN §3 JSON form) into what a report shows.

Reports depend only on the JSON contract, so they read the dict that ``Profile.to_dict()`` gives (or a
profile JSON file), never the analysers. Fields added to the contract later are tolerated; the ones it
fixes are required. The transcript is optional: it adds the words of each turn to the annotated
transcript, and the report is still complete (numbers, labels and evidence) without it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
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
)

if TYPE_CHECKING:
    from ..model import Transcript

_PERCENTILE_PAIRS = (("p10", "p90"), ("p5", "p95"), ("p25", "p75"), ("low", "high"), ("min", "max"))


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
    partnership: float | None
    dimensions: tuple[DimensionView, ...]
    timeline: tuple[dict[str, Any], ...]
    talk_share: tuple[dict[str, Any], ...]
    turns: tuple[TurnView, ...]
    has_text: bool
    summary_evidence: tuple[int, ...] = ()
    #: Shifts within the session, in words (from the timeline).
    shifts: tuple[str, ...] = ()

    @property
    def shared_power(self) -> float | None:
        """The shared-power index (``summary.partnership`` in schema 1)."""
        return self.partnership

    @property
    def has_norms(self) -> bool:
        """Whether any reference range is known (the norms table may not be installed)."""
        return any(d.has_norms or d.lean_norm is not None for d in self.dimensions)


def as_dict(profile: Any) -> dict[str, Any]:
    """Accept a Profile object (anything with ``to_dict``) or its JSON dict; check the fixed fields."""
    data = profile.to_dict() if hasattr(profile, "to_dict") else profile
    if not isinstance(data, Mapping):
        raise UsageError(f"a report needs a profile or its JSON dict, not {type(data).__name__}")
    version = data.get("schema_version")
    if version != 1:
        raise UsageError(f"this report reads profile schema_version 1, not {version!r}")
    missing = [key for key in ("transcript", "turns", "dimensions", "summary") if key not in data]
    if missing:
        raise UsageError(f"the profile lacks {', '.join(missing)} (see DESIGN §3)")
    return dict(data)


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


def parse_norm(raw: Any) -> Norm | None:
    """Read a reference range from the shapes a norm can take (percentile dict or [low, high])."""
    if isinstance(raw, Mapping):
        median = number(raw.get("p50", raw.get("median")))
        for low_key, high_key in _PERCENTILE_PAIRS:
            low, high = number(raw.get(low_key)), number(raw.get(high_key))
            if low is not None and high is not None:
                span = f"{low_key}\u2013{high_key}" if low_key.startswith("p") else "range"
                return Norm(min(low, high), max(low, high), median, span, number(raw.get("percentile")))
        return None
    if isinstance(raw, Sequence) and not isinstance(raw, str) and len(raw) >= 2:
        values = [number(v) for v in raw]
        if any(v is None for v in values):
            return None
        median = values[len(values) // 2] if len(values) == 3 else None
        return Norm(min(values), max(values), median, "range")  # type: ignore[type-var,arg-type]
    return None


def turn_indexes(raw: Any, n_turns: int) -> tuple[int, ...]:
    """Evidence as sorted, unique, valid turn indexes (items may be ints or dicts with a turn index)."""
    if isinstance(raw, Mapping):
        raw = [i for items in raw.values() for i in (items if isinstance(items, Sequence) else [items])]
    found: set[int] = set()
    for item in raw or ():
        if isinstance(item, Mapping):
            item = item.get("turn", item.get("index"))
        if isinstance(item, int) and not isinstance(item, bool) and 0 <= item < n_turns:
            found.add(item)
    return tuple(sorted(found))


def flatten(metrics: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        elif not isinstance(value, list | tuple):
            flat[name] = value
    return flat


#: Where a profile lists each metric's turns; the later names were read before the field was fixed.
_METRIC_TURNS_FIELDS = ("metric_turns", "metric_evidence", "evidence_by_metric")
_FRACTION_WORDS = ("share", "rate", "ratio", "density", "mean", "uptake", "coordination", "score", "agency")
OLD_PROFILE_BASIS = {
    "therapist": "this profile does not list the turns behind each measure (it was made by an older "
                 "Equipoise); the lean above links to the dimension's evidence",
    "client": "the moments behind this number were not recorded in this profile",
}


def metric_turns(dim: Mapping[str, Any], n_turns: int) -> dict[str, tuple[int, ...]] | None:
    """Each metric's own turns, or None when the profile does not list them (made before the field)."""
    # An ``evidence`` that maps metrics to turns (instead of listing the dimension's turns) counts too.
    for field_name in (*_METRIC_TURNS_FIELDS, "evidence"):
        by_metric = dim.get(field_name)
        if isinstance(by_metric, Mapping):
            return {str(k): turn_indexes(v if isinstance(v, Sequence) else [v], n_turns)
                    for k, v in by_metric.items()}
    return None


def _metric_text(name: str, value: Any, linked: bool) -> str:
    # A count of turns reads as a whole number, even 0 or 1 (which would otherwise look like a share).
    numeric = number(value)
    if linked and numeric is not None and numeric.is_integer() and not any(w in name for w in
                                                                           _FRACTION_WORDS):
        return f"{int(numeric):,}"
    return format_value(value)


def dimension_view(key: str, dim: Mapping[str, Any], n_turns: int, audience: Audience,
                   roles: frozenset[str] = frozenset({"therapist", "client", "other"})) -> DimensionView:
    """One dimension in words; a metric links to its own turns, the lean to the dimension's evidence."""
    text = DIMENSIONS.get(key)
    title = (text.client_title if audience == "client" else text.title) if text else humanise(key).title()
    # The client version keeps our plain words; the therapist version prefers the analyser's own account.
    own_measures, own_limits = str(dim.get("description") or ""), str(dim.get("what_it_cannot_know") or "")
    if audience == "client" and text:
        measures, cannot_know = text.client_measures, CLIENT_LIMITS.get(key, text.cannot_know)
    else:
        measures = own_measures or (text.measures if text else "")
        cannot_know = own_limits or (text.cannot_know if text else "")
    evidence = turn_indexes(dim.get("evidence"), n_turns)
    norms = dim.get("norms") or {}
    flat_norms = norms if isinstance(norms, Mapping) else {}
    by_metric = metric_turns(dim, n_turns)
    metrics = []
    for name, value in flatten(dim.get("metrics") or {}).items():
        if name.endswith("_other") and "other" not in roles:
            continue  # per-role metrics of a role nobody has in this session
        norm = parse_norm(flat_norms.get(name))
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
    lean = number(dim.get("lean"))
    available = bool(dim.get("available", lean is not None))
    # The client reads a sentence naming the direction; "mostly your therapist" alone can read backwards.
    share = number((dim.get("metrics") or {}).get("word_share_therapist")) if key == "floor" else None
    phrase = (client_lean_phrase(key, lean, share) if audience == "client"
              else lean_phrase(lean, audience))
    return DimensionView(
        key=key, title=title, measures=measures, cannot_know=cannot_know,
        notes=tuple(str(n) for n in dim.get("notes") or ()),
        lean=lean, lean_text="\u2013" if lean is None else f"{lean:+.2f}",
        lean_phrase=phrase if available else "not measured",
        lean_norm=parse_norm(flat_norms.get("lean")), available=available,
        reason=dim.get("reason"), metrics=tuple(metrics), evidence=evidence)


def timeline_rows(timeline: Any, titles: Mapping[str, str]) -> tuple[dict[str, Any], ...]:
    """Long-form timeline rows ``{turn, dimension, lean}`` from the window list of the profile.

    Rows of the pipeline's windows also carry ``first`` and ``last``, the window's first and last turn
    index, so that a click on a point can show every turn the value was computed from.
    """
    rows: list[dict[str, Any]] = []
    for entry in timeline or ():
        if not isinstance(entry, Mapping):
            continue
        turn = _window_centre(entry)
        if turn is None:
            continue
        first, last = number(entry.get("first_turn")), number(entry.get("last_turn"))
        span = {"first": int(first), "last": int(last)} if first is not None and last is not None else {}
        if "dimension" in entry:
            leans: Mapping[str, Any] = {str(entry["dimension"]): entry.get("lean")}
        else:
            leans = next((entry[k] for k in ("dimensions", "leans", "lean") if isinstance(entry.get(k),
                                                                                         Mapping)), {})
        for key, value in leans.items():
            lean = number(value.get("lean") if isinstance(value, Mapping) else value)
            if lean is not None:
                rows.append({"turn": turn, "dimension": titles.get(key, humanise(key)), "key": key,
                             "lean": lean, **span})
    return tuple(rows)


def _window_centre(entry: Mapping[str, Any]) -> float | None:
    for key in ("centre", "center", "turn", "index"):
        if number(entry.get(key)) is not None:
            return number(entry[key])
    window = entry.get("window") or entry.get("turns")
    if "first_turn" in entry:  # the pipeline's form; its "start" and "end" are times, not turns
        start, end = number(entry.get("first_turn")), number(entry.get("last_turn"))
    elif isinstance(window, Sequence) and len(window) == 2:
        start, end = number(window[0]), number(window[1])
    else:
        start = number(entry.get("start_turn", entry.get("start")))
        end = number(entry.get("end_turn", entry.get("end")))
    if start is None:
        return None
    return start if end is None else (start + end) / 2


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


def _uncertain(turn: Mapping[str, Any]) -> tuple[str, ...]:
    shown = ("behaviour", "question_type", "reflection_type", "input_type", "stance", "talk_type")
    probabilities = turn.get("probabilities") or {}
    return tuple(name for name in shown if name in probabilities
                 and (number(probabilities[name]) or 0.0) < LOW_CONFIDENCE)


def _clock(seconds: Any) -> str | None:
    value = number(seconds)
    if value is None:
        return None
    minutes, secs = divmod(int(value), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}" if minutes >= 60 else f"{minutes}:{secs:02d}"


def talk_share(floor: Mapping[str, Any] | None) -> tuple[dict, ...]:
    """Share of words, turns and (with timestamps) speaking time for each role, as chart rows.

    Read from the floor dimension's own ``word_share_<role>``, ``turn_share_<role>`` and
    ``time_share_<role>`` metrics, so that the chart shows the numbers of the floor card and never a
    recount of its own (which split words differently). Empty when the floor was not measured.

    >>> [(r["measure"], r["share"]) for r in talk_share({"metrics": {"word_share_therapist": 0.75,
    ...                                                                "turn_share_therapist": 0.5}})]
    [('words', 0.75), ('turns', 0.5)]
    """
    metrics = (floor or {}).get("metrics") or {}
    rows: list[dict[str, Any]] = []
    for measure, prefix in (("words", "word_share_"), ("turns", "turn_share_"), ("time", "time_share_")):
        for key, value in metrics.items():
            share = number(value)
            if key.startswith(prefix) and share is not None and share > 0:
                rows.append({"measure": measure, "role": key[len(prefix):], "share": share})
    return tuple(rows)


def session_view(profile: Any, transcript: Transcript | None = None,
                 audience: Audience = "therapist") -> SessionView:
    """Build the view of one session report from a profile and, optionally, its transcript."""
    from ..profile import TimelineWindow
    from ..timeline import within_session_shifts

    data = as_dict(profile)
    turns = list(data["turns"])
    n_turns = len(turns)
    if transcript is not None and transcript.n_turns != n_turns:
        raise UsageError(f"the transcript has {transcript.n_turns} turns but the profile {n_turns}; "
                         "were they made from the same file?")
    dims_raw: Mapping[str, Any] = data["dimensions"]
    order = [k for k in DIMENSION_ORDER if k in dims_raw] + [k for k in dims_raw if k not in DIMENSIONS]
    roles = frozenset(str(t.get("role")) for t in turns)
    dims = tuple(dimension_view(k, dims_raw[k], n_turns, audience, roles) for k in order)
    evidence_for: dict[int, list[str]] = {}
    for dim in dims:
        for index in dim.evidence:
            evidence_for.setdefault(index, []).append(dim.key)
    turn_views = []
    for i, turn in enumerate(turns):
        text = transcript.turns[i].text if transcript is not None else None
        turn_views.append(TurnView(
            index=int(turn.get("index", i)), speaker=str(turn.get("speaker", "")),
            role=str(turn.get("role", "other")), time=_clock(turn.get("start")), text=text,
            chips=_chips(turn.get("labels") or {}, audience), evidence_for=tuple(evidence_for.get(i, ())),
            uncertain=_uncertain(turn) if i in evidence_for else ()))
    meta = data["transcript"]
    summary = data.get("summary") or {}
    labeller = data.get("labeller") or {}
    titles = {d.key: d.title for d in dims}
    return SessionView(
        id=str(meta.get("id", "session")), audience=audience, n_turns=n_turns,
        speakers=tuple((str(s.get("name")), str(s.get("role"))) for s in meta.get("speakers", ())),
        labeller=" ".join(str(labeller.get(k, "")) for k in ("name", "version")).strip() or "unknown",
        equipoise_version=str(data.get("equipoise_version", "")),
        power_lean=number(summary.get("power_lean")), partnership=number(summary.get("partnership")),
        dimensions=dims, timeline=timeline_rows(data.get("timeline"), titles),
        talk_share=talk_share(dims_raw.get("floor")), turns=tuple(turn_views),
        shifts=tuple(within_session_shifts(tuple(TimelineWindow.from_dict(w)
                                                 for w in data.get("timeline") or ()
                                                 if isinstance(w, Mapping) and "first_turn" in w))),
        has_text=transcript is not None,
        summary_evidence=turn_indexes(summary.get("evidence"), n_turns))


__all__ = ["DimensionView", "MetricView", "Norm", "SessionView", "TurnView", "as_dict", "flatten",
           "format_value", "metric_turns", "number", "parse_norm", "session_view", "timeline_rows",
           "turn_indexes"]
