"""From a transcript to its power profile: plan (check requirements), label, run, assemble.

>>> from equipoise.model import Role, Speaker, Transcript, Turn
>>> t, c = Speaker("T", Role.THERAPIST), Speaker("C", Role.CLIENT)
>>> session = Transcript.from_turns("demo", [Turn(0, t, "What brings you here?"), Turn(1, c, "My sleep.")])
>>> sorted(plan(session, labelled=True).skipped)
[]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .analysers import registry
from .analysers.base import REQUIREMENTS, Analyser, Config
from .errors import RequirementError, UsageError
from .model import Transcript
from .profile import DimensionProfile, Profile, TurnRecord

if TYPE_CHECKING:
    from .label.labels import Labels
    from .norms import Norms


@dataclass(frozen=True, slots=True)
class Plan:
    """The analysers that will run, and for the others why they cannot."""

    run: tuple[Analyser, ...]
    skipped: dict[str, str] = field(default_factory=dict)


def missing_inputs(analyser: Analyser, transcript: Transcript, *, labelled: bool,
                   config: Config) -> list[str]:
    """The requirements of ``analyser`` that this transcript (and run) does not meet, as reasons."""
    missing = []
    for need in sorted(analyser.requires):
        if need == "labels" and not labelled:
            missing.append("turn labels, and no labeller was given")
        elif need == "timestamps" and not transcript.has_timestamps:
            missing.append("timestamps on every turn, and the transcript has none")
        elif need == "dyad" and not (transcript.therapists and transcript.clients):
            lacking = "therapist" if not transcript.therapists else "client"
            missing.append(f"a therapist and a client, and no speaker has the role {lacking} "
                           f"(name one with --{lacking} NAME)")
        elif need == "embeddings":
            # The pipeline has no embedding backend: MiniLM similarity did not separate the expert
            # ratings better than the lexical one (benchmarks/similarity_backends.py), so a plugin
            # analyser that needs embeddings is reported, not run.
            missing.append("a sentence-embedding backend, and none is installed")
    return missing


def plan(transcript: Transcript, *, labelled: bool, analysers: Sequence[str] | None = None,
         config: Config | None = None) -> Plan:
    """Check every analyser's requirements before anything runs.

    With ``analysers`` named by the caller, a missing input raises :class:`RequirementError` naming the
    analyser and the input; with the default set, such a dimension is reported unavailable with the reason.
    """
    config = config or Config()
    chosen = [registry.get(n) for n in analysers] if analysers is not None else registry.all_analysers()
    run: list[Analyser] = []
    skipped: dict[str, str] = {}
    for analyser in chosen:
        missing = missing_inputs(analyser, transcript, labelled=labelled, config=config)
        if missing and analysers is not None:
            raise RequirementError(f"analyser {analyser.name!r} needs {'; '.join(missing)} "
                                   f"(transcript {transcript.id!r})")
        if missing:
            skipped[analyser.name] = "needs " + "; ".join(missing)
        else:
            run.append(analyser)
    return Plan(tuple(run), skipped)


def analyse(transcript: Transcript, *, labeller: Any = None, labels: Labels | None = None,
            analysers: Sequence[str] | None = None, config: Config | None = None,
            timeline: bool = True, norms: bool = True) -> Profile:
    """Label ``transcript`` (unless ``labels`` are given) and compute its power profile.

    ``labeller`` is a labeller object or name (default: the packaged labeller); ``analysers`` restricts
    the dimensions; ``timeline=False`` skips the sliding windows; ``norms=False`` leaves norms out.
    """
    from . import __version__
    from .timeline import build_timeline

    config = config or Config()
    if labels is None:
        labels = _label(transcript, labeller)
    if len(labels) != transcript.n_turns:
        raise UsageError(f"transcript {transcript.id!r} has {transcript.n_turns} turns but "
                         f"{len(labels)} labels were given")
    the_plan = plan(transcript, labelled=True, analysers=analysers, config=config)
    table = _norms() if norms else None
    dimensions: dict[str, DimensionProfile] = {}
    for analyser in registry.all_analysers() if analysers is None else the_plan.run:
        reason = the_plan.skipped.get(analyser.name)
        result = None if reason else analyser.analyse(transcript, labels, config)
        available = result is not None and result.available
        lean = None if result is None or result.lean is None else round(float(result.lean), 6)
        metrics = {} if result is None else {k: _round(v) for k, v in result.metrics.items()}
        dimensions[analyser.name] = DimensionProfile(
            name=analyser.name, version=analyser.version, available=available, lean=lean,
            metrics=metrics,
            norms=table.place_all(analyser.name, metrics, lean) if table and available else {},
            evidence=() if result is None else tuple(result.evidence),
            metric_turns={} if result is None else _metric_turns(result.metric_turns, metrics),
            reason=reason or (None if result is None else result.reason),
            notes=() if result is None else tuple(result.notes),
            description=analyser.description, what_it_cannot_know=analyser.cannot_know)
    from .summary import summarise

    summary = summarise({n: d.lean for n, d in dimensions.items()},
                        {n: d.evidence for n, d in dimensions.items()})
    windows = build_timeline(transcript, labels, the_plan.run, config) if timeline else ()
    return Profile(
        transcript_id=transcript.id,
        speakers=tuple((s.name, s.role.value) for s in transcript.speakers),
        turns=tuple(TurnRecord(t.index, t.speaker.name, t.role.value, t.start, t.end, lab.to_dict(),
                               {k: round(v, 4) for k, v in lab.confidence.items()},
                               tuple(u.to_dict() for u in lab.utterances))
                    for t, lab in zip(transcript.turns, labels.turns, strict=True)),
        dimensions=dimensions, timeline=windows, summary=summary,
        labeller={"name": labels.labeller_name, "version": labels.labeller_version},
        equipoise_version=__version__,
        analysers={n: d.version for n, d in dimensions.items()},
        settings=config.to_dict(),
        norms_source=dict(table.source) if table else {},
        source_format=transcript.source_format, has_timestamps=transcript.has_timestamps)


def _label(transcript: Transcript, labeller: Any) -> Labels:
    from . import label

    if labeller is None or isinstance(labeller, str):
        load = getattr(label, "load_labeller", None)
        if load is None:
            raise RequirementError("no turn labeller is installed; pass labels= to analyse()")
        labeller = load(labeller)
    return labeller.label(transcript)


def _norms() -> Norms | None:
    from .norms import load_norms

    return load_norms()


def _metric_turns(linked: Mapping[str, Sequence[int]],
                  metrics: Mapping[str, float | None]) -> dict[str, tuple[int, ...]]:
    """The turn lists of the metrics the result reports, as sorted unique indices."""
    return {k: tuple(sorted({int(i) for i in v})) for k, v in linked.items() if k in metrics}


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


__all__ = ["REQUIREMENTS", "Plan", "analyse", "missing_inputs", "plan"]
