"""What every number of a profile means: the dimensions, their leans and the summary weights, as text.

``equipoise explain`` prints it, so that a number seen on the terminal, in a table or in a report can be
looked up without opening the code. It reads the analysers' own declarations (name, version,
requirements, what it measures and what it cannot know) and the plain-language words of the reports, so
the glossary cannot drift from what runs.

>>> entry = explain("floor")
>>> entry.name, entry.power_weight
('floor', 1.0)
>>> "Share of words" in entry.measures
True
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

LEAN_MEANING = ("lean: +1 the therapist holds this lever entirely, -1 the client does, 0 shared; shown "
                "beside the range in high-quality reference sessions (AnnoMI), never as a grade")
SUMMARY_MEANING = (
    "power_lean (-1 to +1): the weighted mean of the available leans of the conversation's levers, "
    "times 1.25 and kept within -1..+1, so that it reads 'who holds most of the levers' as readers of "
    "sessions do (disclosure and accommodation are shown beside it with weight 0).\n"
    "shared_power (0 to 1; summary.partnership in the JSON): the weighted mean of how close each lean is "
    "to the range seen in high-quality reference sessions; 1 when every lever sits there, lower as any "
    "lever moves outside it, towards either party. Its weights were fitted on expert ratings of MI "
    "quality (docs/power-model.md).")


@dataclass(frozen=True, slots=True)
class Entry:
    """One dimension, as the glossary shows it."""

    name: str
    title: str
    version: str
    requires: tuple[str, ...]
    measures: str
    cannot_know: str
    power_weight: float
    #: The weight in the shared-power index (``summary.shared_power``).
    partnership_weight: float
    metric_kinds: dict[str, str] = field(default_factory=dict)


def explain(name: str) -> Entry:
    """The glossary entry of the dimension ``name``; an unknown name lists the valid ones."""
    from .analysers import registry

    analyser = registry.get(name)
    words = getattr(analyser, "words", None)
    return Entry(
        name=analyser.name,
        title=words.title if words else analyser.name,
        version=analyser.version,
        requires=tuple(sorted(analyser.requires)),
        measures=words.measures if words else analyser.description,
        cannot_know=words.cannot_know if words else analyser.cannot_know,
        power_weight=float(getattr(analyser, "power_weight", 0.0)),
        partnership_weight=float(getattr(analyser, "shared_weight", 0.0)),
        metric_kinds=dict(getattr(analyser, "metric_kinds", {})),
    )


def entries(names: Sequence[str] | None = None) -> list[Entry]:
    """Glossary entries of ``names`` (default: every registered dimension, in report order)."""
    from .analysers import registry

    return [explain(n) for n in (names if names else registry.names())]


def render(names: Sequence[str] | None = None, width: int = 100) -> str:
    """The glossary as plain text, wrapped to ``width``: each dimension, then (whole glossary) the summary."""
    from .analysers.base import REQUIREMENTS
    from .report.texts import reader_check_text

    blocks = []
    for entry in entries(names):
        needs = "; ".join(REQUIREMENTS.get(r, r) for r in entry.requires) or "nothing"
        weight = f"{entry.power_weight:g} in power_lean, {entry.partnership_weight:g} in shared_power"
        kinds = "; ".join(f"{m} ({k})" for m, k in entry.metric_kinds.items()) or "not declared"
        fields = (("measures", entry.measures), ("cannot know", entry.cannot_know), ("needs", needs),
                  ("weight", weight), ("metrics", kinds))
        checked = reader_check_text(entry.name, "therapist")
        if checked:
            fields += (("readers", checked),)
        lines = [f"{entry.name} ({entry.title}, analyser version {entry.version})"]
        lines += [textwrap.fill(text, width, initial_indent=f"  {label + ':':<14}",
                                subsequent_indent=" " * 16) for label, text in fields]
        blocks.append("\n".join(lines))
    if not names:
        power = reader_check_text("power", "therapist")
        power = f"\npower_lean: {power[:1].lower()}{power[1:]}" if power else ""
        blocks.append(f"Every dimension has a {LEAN_MEANING}.\n{SUMMARY_MEANING}{power}\n"
                      "Formulas and sources of every metric: docs/power-model.md.")
    return "\n\n".join(blocks)


__all__ = ["Entry", "entries", "explain", "render"]
