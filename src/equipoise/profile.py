"""The power profile of one session: a versioned value with a JSON form (DESIGN §3, schema_version 1).

The profile records everything that changes a number: the package version, the labeller's name and
version, each analyser's name and version, the analysis settings and the summary weights. JSON is its
interchange format; ``Profile.from_dict(p.to_dict()) == p``.

>>> from equipoise.profile import SCHEMA_VERSION, SUMMARY_WEIGHTS
>>> SCHEMA_VERSION, sorted(SUMMARY_WEIGHTS)
(1, ['power_lean', 'shared_power'])
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .summary import SUMMARY_WEIGHTS, Summary, describe_weights

SCHEMA_VERSION = 1
#: The top-level fields a profile cannot be read without.
_REQUIRED = ("equipoise_version", "transcript", "labeller", "turns", "dimensions", "summary")
__all__ = ["SCHEMA_VERSION", "SUMMARY_WEIGHTS", "DimensionProfile", "Profile", "TimelineWindow",
           "TurnRecord", "describe_weights"]


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """One input turn as the profile shows it: who spoke when, and its labels (never its text)."""

    index: int
    speaker: str
    role: str
    start: float | None
    end: float | None
    labels: Mapping[str, Any]
    #: calibrated probability of each learned label of the turn (``turns[i].probabilities``)
    probabilities: Mapping[str, float] = field(default_factory=dict)
    #: per-utterance labels with character spans (``turns[i].utterances``), for turns of 2+ utterances
    utterances: tuple[Mapping[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``turns[i]``)."""
        return {"index": self.index, "speaker": self.speaker, "role": self.role, "start": self.start,
                "end": self.end, "labels": dict(self.labels), "probabilities": dict(self.probabilities),
                "utterances": [dict(u) for u in self.utterances]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TurnRecord:
        """Read the form written by :meth:`to_dict`."""
        return cls(int(data["index"]), str(data["speaker"]), str(data["role"]), data.get("start"),
                   data.get("end"), dict(data.get("labels", {})), dict(data.get("probabilities", {})),
                   tuple(dict(u) for u in data.get("utterances", ())))


@dataclass(frozen=True, slots=True)
class DimensionProfile:
    """One dimension in the profile: the analyser's result with its norms and its explanation.

    ``metric_turns`` maps a metric to the turn indices that make up its numerator (see
    :class:`equipoise.analysers.base.DimensionResult`); metrics computed from every turn have no entry.
    Profiles written before the field existed read as having none.
    """

    name: str
    version: str
    available: bool
    lean: float | None
    metrics: Mapping[str, float | None]
    norms: Mapping[str, Mapping[str, float]]
    evidence: tuple[int, ...]
    reason: str | None = None
    notes: tuple[str, ...] = ()
    description: str = ""
    what_it_cannot_know: str = ""
    metric_turns: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``dimensions[name]``)."""
        return {"version": self.version, "available": self.available, "reason": self.reason,
                "lean": self.lean, "metrics": dict(self.metrics),
                "norms": {k: dict(v) for k, v in self.norms.items()}, "evidence": list(self.evidence),
                "metric_turns": {k: list(v) for k, v in self.metric_turns.items()},
                "notes": list(self.notes), "description": self.description,
                "what_it_cannot_know": self.what_it_cannot_know}

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> DimensionProfile:
        """Read the form written by :meth:`to_dict`."""
        return cls(name=name, version=str(data.get("version", "")), available=bool(data["available"]),
                   lean=data.get("lean"), metrics=dict(data.get("metrics", {})),
                   norms={k: dict(v) for k, v in data.get("norms", {}).items()},
                   evidence=tuple(data.get("evidence", ())), reason=data.get("reason"),
                   notes=tuple(data.get("notes", ())), description=str(data.get("description", "")),
                   what_it_cannot_know=str(data.get("what_it_cannot_know", "")),
                   metric_turns={str(k): tuple(int(i) for i in v)
                                 for k, v in (data.get("metric_turns") or {}).items()})


@dataclass(frozen=True, slots=True)
class TimelineWindow:
    """The dimensions over one window of consecutive turns ``first_turn..last_turn`` (inclusive).

    The JSON form adds ``centre``, the middle turn index of the window, for plotting.
    """

    first_turn: int
    last_turn: int
    start: float | None
    end: float | None
    leans: Mapping[str, float | None]
    power_lean: float | None
    partnership: float | None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``timeline[k]``)."""
        return {"first_turn": self.first_turn, "last_turn": self.last_turn,
                "centre": (self.first_turn + self.last_turn) / 2, "start": self.start,
                "end": self.end, "leans": dict(self.leans), "power_lean": self.power_lean,
                "partnership": self.partnership}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TimelineWindow:
        """Read the form written by :meth:`to_dict`."""
        return cls(int(data["first_turn"]), int(data["last_turn"]), data.get("start"), data.get("end"),
                   dict(data.get("leans", {})), data.get("power_lean"), data.get("partnership"))


@dataclass(frozen=True, slots=True)
class Profile:
    """Who holds which lever of power in one session, with evidence, norms and timeline."""

    transcript_id: str
    speakers: tuple[tuple[str, str], ...]
    turns: tuple[TurnRecord, ...]
    dimensions: Mapping[str, DimensionProfile]
    timeline: tuple[TimelineWindow, ...]
    summary: Summary
    labeller: Mapping[str, str]
    equipoise_version: str
    analysers: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    norms_source: Mapping[str, Any] = field(default_factory=dict)
    source_format: str | None = None
    has_timestamps: bool = False
    schema_version: int = SCHEMA_VERSION

    @property
    def n_turns(self) -> int:
        return len(self.turns)

    @property
    def power_lean(self) -> float | None:
        return self.summary.power_lean

    @property
    def shared_power(self) -> float | None:
        """The shared-power index (``summary.shared_power``)."""
        return self.summary.shared_power

    @property
    def partnership(self) -> float | None:
        """The shared-power index under its schema-1 name (``summary.partnership``)."""
        return self.summary.partnership

    def lean(self, dimension: str) -> float | None:
        """The lean of one dimension (None when it could not be computed)."""
        return self.dimensions[dimension].lean

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form: DESIGN §3, schema_version 1, plus the documented extra fields."""
        return {
            "schema_version": self.schema_version,
            "equipoise_version": self.equipoise_version,
            "transcript": {"id": self.transcript_id, "n_turns": self.n_turns,
                           "speakers": [{"name": n, "role": r} for n, r in self.speakers],
                           "source_format": self.source_format, "has_timestamps": self.has_timestamps},
            "labeller": dict(self.labeller),
            "analysers": dict(self.analysers),
            "settings": dict(self.settings),
            "norms_source": dict(self.norms_source),
            "turns": [t.to_dict() for t in self.turns],
            "dimensions": {name: d.to_dict() for name, d in self.dimensions.items()},
            "timeline": [w.to_dict() for w in self.timeline],
            "summary": self.summary.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        """Read a profile written by :meth:`to_dict` (schema_version 1)."""
        from .errors import UsageError

        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise UsageError(f"profile schema_version {version!r} is not supported; this Equipoise reads "
                             f"schema_version {SCHEMA_VERSION}")
        missing = [key for key in _REQUIRED if key not in data]
        if missing:
            raise UsageError(f"the profile lacks {', '.join(missing)} (see DESIGN §3)")
        info = data["transcript"]
        return cls(
            transcript_id=str(info["id"]),
            speakers=tuple((str(s["name"]), str(s["role"])) for s in info["speakers"]),
            turns=tuple(TurnRecord.from_dict(t) for t in data["turns"]),
            dimensions={n: DimensionProfile.from_dict(n, d) for n, d in data["dimensions"].items()},
            timeline=tuple(TimelineWindow.from_dict(w) for w in data.get("timeline", ())),
            summary=Summary.from_dict(data["summary"]),
            labeller=dict(data["labeller"]),
            equipoise_version=str(data["equipoise_version"]),
            analysers=dict(data.get("analysers", {})),
            settings=dict(data.get("settings", {})),
            norms_source=dict(data.get("norms_source", {})),
            source_format=info.get("source_format"),
            has_timestamps=bool(info.get("has_timestamps", False)),
        )

    def to_json(self, indent: int | None = 2) -> str:
        """The profile as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> Profile:
        """Read a profile from JSON text."""
        return cls.from_dict(json.loads(text))
