"""Tiny hand-built sessions and labels for the profile tests (no labeller, no data)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from equipoise.label.labels import Labels, TurnLabels
from equipoise.model import Role, Speaker, Transcript, Turn

THERAPIST = Speaker("Ana", Role.THERAPIST)
CLIENT = Speaker("Sam", Role.CLIENT)


def build(rows: Sequence[tuple[str, str] | tuple[str, str, dict[str, Any]]], *, times: bool = False,
          sid: str = "s") -> tuple[Transcript, Labels]:
    """Rows of (``"T"`` or ``"C"``, text[, label fields]); with ``times`` each turn lasts its word count."""
    turns, labels = [], []
    clock = 0.0
    for index, row in enumerate(rows):
        who, text = row[0], row[1]
        fields = dict(row[2]) if len(row) > 2 else {}  # type: ignore[misc]
        speaker = THERAPIST if who == "T" else CLIENT
        start = end = None
        if times:
            start, end = clock, clock + len(text.split())
            clock = end
        turns.append(Turn(index, speaker, text, start, end))
        fields["markers"] = tuple(fields.get("markers", ()))
        labels.append(TurnLabels(**fields))
    return Transcript.from_turns(sid, turns), Labels(tuple(labels), "hand", "1")


def directive_session() -> tuple[Transcript, Labels]:
    """A therapist who talks, asks closed questions, advises and confronts."""
    q = {"behaviour": "question", "question_type": "closed"}
    advice = {"behaviour": "input", "input_type": "advice", "stance": "directive", "markers": ("directive",)}
    return build([
        ("T", "Did you drink this week?", q),
        ("C", "A bit.", {"talk_type": "neutral"}),
        ("T", "You need to stop drinking completely, it is ruining your liver and your sleep.", advice),
        ("C", "My work has been stressful, my boss keeps shouting at meetings.", {"talk_type": "sustain"}),
        ("T", "Did you buy the alarm clock we discussed last week?", q),
        ("C", "No.", {"talk_type": "neutral"}),
        ("T", "You must buy one tomorrow and you should keep your phone out of the bedroom.", advice),
        ("C", "I don't think that will work for me.", {"talk_type": "sustain", "markers": ("disagreement",)}),
        ("T", "You are making excuses, everyone manages it if they decide to.",
         {"behaviour": "input", "input_type": "advice", "stance": "directive", "markers": ("confront",)}),
        ("C", "Okay.", {"talk_type": "neutral"}),
    ], times=True, sid="directive")


def collaborative_session() -> tuple[Transcript, Labels]:
    """A therapist who reflects, asks open questions and asks permission; the client leads."""
    open_q = {"behaviour": "question", "question_type": "open"}
    complex_r = {"behaviour": "reflection", "reflection_type": "complex"}
    return build([
        ("T", "What would you like to talk about today?", open_q),
        ("C", "My drinking at weekends worries me, especially after the party with my brother.",
         {"talk_type": "change", "markers": ("self_disclosure",)}),
        ("T", "The weekends worry you, especially since the party with your brother.", complex_r),
        ("C", "Yes, I said things to my brother I regret, and I want to cut down.",
         {"talk_type": "change", "markers": ("self_disclosure",)}),
        ("T", "You want to cut down because of what happened with your brother.", complex_r),
        ("C", "Exactly, and maybe find other things to do on Saturday nights with friends.",
         {"talk_type": "change"}),
        ("T", "Would it be okay if I shared what other people have tried?",
         {"behaviour": "question", "question_type": "closed", "markers": ("permission",)}),
        ("C", "Sure, go ahead.", {"talk_type": "neutral"}),
        ("T", "Some people plan a sport on Saturday mornings; it is entirely up to you what fits.",
         {"behaviour": "input", "input_type": "options", "markers": ("options", "autonomy")}),
        ("C", "Football with friends on Saturday mornings could work, I used to love it.",
         {"talk_type": "change"}),
    ], times=True, sid="collaborative")
