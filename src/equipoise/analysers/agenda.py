"""Agenda: who sets the direction ("she dictated the direction of our session").

Metrics:
  - ``topic_openings_<role>``: turns that open a topic (see :mod:`equipoise.analysers.topics`), and
    ``topic_share_therapist`` = therapist openings / (therapist + client openings).
  - ``questions_<role>``: a turn is a question when its label says so; a turn without a behaviour label
    (client turns) counts when it contains a question mark. ``closed_question_share`` = closed / all
    questions of the therapist (labels); ``question_density_therapist`` = therapist questions per turn.
  - ``goal_proposals_therapist``: therapist turns labelled negotiation (goal setting, in AnnoMI's scheme).

Lean: mean of the topic balance (o_T - o_C)/(o_T + o_C) and the question balance, in which a closed
question counts twice because it fixes the answer's range as well as its subject (our weighting;
MITI 4.2.1 treats the open/closed distinction as a marker of client-centredness).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Role
from .base import BaseAnalyser, Config, DimensionResult, balance, pick_evidence, ratio
from .text import looks_like_question
from .topics import opening_positions

if TYPE_CHECKING:
    from ..label.labels import Labels, TurnLabels
    from ..model import Transcript, Turn


class AgendaAnalyser(BaseAnalyser):
    """Topic openings, questions and closed questions by role."""

    name = "agenda"
    version = "1.0"
    requires = frozenset({"labels", "dyad"})
    antisymmetric = True
    description = ("Who sets the direction: who opens new topics (turns with little in common with the "
                   "recent context), who asks the questions, how many are closed, who proposes goals.")
    cannot_know = ("Agendas agreed before the session or on forms; topics opened with few words; whether "
                   "a question was welcome. Topic detection is lexical: a paraphrase of the context can "
                   "look like a new topic and a new topic in old words can be missed.")

    def analyse(self, transcript: Transcript, labels: Labels | None, config: Config) -> DimensionResult:
        """Compute the agenda metrics of one transcript or window."""
        assert labels is not None
        turns = transcript.turns
        openings = {Role.THERAPIST: 0, Role.CLIENT: 0}
        contributions: dict[int, float] = {}
        for pos in opening_positions(turns, config, labels):
            role = turns[pos].role
            if role in openings:
                openings[role] += 1
                contributions[turns[pos].index] = 1.0 if role is Role.THERAPIST else -1.0
        questions = {Role.THERAPIST: 0.0, Role.CLIENT: 0.0}
        count = {Role.THERAPIST: 0, Role.CLIENT: 0}
        closed = 0
        goals = 0
        for turn, label in zip(turns, labels.turns, strict=True):
            if turn.role not in questions:
                continue
            if _is_question(turn, label):
                weight = 2.0 if label.question_type == "closed" else 1.0
                questions[turn.role] += weight
                count[turn.role] += 1
                closed += label.question_type == "closed" and turn.role is Role.THERAPIST
                sign = 1.0 if turn.role is Role.THERAPIST else -1.0
                contributions[turn.index] = contributions.get(turn.index, 0.0) + 0.5 * weight * sign
            if turn.role is Role.THERAPIST and label.input_type == "negotiation":
                goals += 1
        n_therapist = sum(1 for t in turns if t.role is Role.THERAPIST)
        topic_lean = balance(openings[Role.THERAPIST], openings[Role.CLIENT])
        question_lean = balance(questions[Role.THERAPIST], questions[Role.CLIENT])
        metrics: dict[str, float | None] = {
            "topic_openings_therapist": float(openings[Role.THERAPIST]),
            "topic_openings_client": float(openings[Role.CLIENT]),
            "topic_share_therapist": ratio(openings[Role.THERAPIST], sum(openings.values())),
            "questions_therapist": float(count[Role.THERAPIST]),
            "questions_client": float(count[Role.CLIENT]),
            "question_density_therapist": ratio(count[Role.THERAPIST], n_therapist),
            "closed_question_share": ratio(closed, count[Role.THERAPIST]),
            "goal_proposals_therapist": float(goals),
        }
        lean = (topic_lean + question_lean) / 2
        return DimensionResult(lean=lean, metrics=metrics,
                               evidence=pick_evidence(contributions, lean, config.evidence_size))


def _is_question(turn: Turn, label: TurnLabels) -> bool:
    if label.behaviour is not None:
        return label.behaviour == "question"
    return looks_like_question(turn.text)


ANALYSER = AgendaAnalyser()
