"""Agenda: who sets the direction ("she dictated the direction of our session").

Metrics:
  - ``topic_openings_<role>``: turns that open a topic (see :mod:`equipoise.analysers.topics`), and
    ``topic_share_therapist`` = therapist openings / (therapist + client openings).
  - ``questions_<role>``: a turn is a question when its label says so; a turn without a behaviour label
    (client turns) counts when it contains a question mark. ``closed_question_share`` = closed / all
    questions of the therapist (labels); ``question_density_therapist`` = therapist questions per turn.
  - ``goal_proposals_therapist``: therapist turns labelled negotiation (goal setting, in AnnoMI's scheme).

Turns behind each metric (``metric_turns``), always the numerator: ``topic_openings_<role>`` the opening
turns, ``topic_share_therapist`` the therapist's openings, ``questions_<role>`` the question turns,
``question_density_therapist`` the therapist's questions, ``closed_question_share`` the therapist's closed
questions, ``goal_proposals_therapist`` the negotiation turns.

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
        roles = (Role.THERAPIST, Role.CLIENT)
        openings: dict[Role, list[int]] = {r: [] for r in roles}
        contributions: dict[int, float] = {}
        for pos in opening_positions(turns, config, labels):
            role = turns[pos].role
            if role in openings:
                openings[role].append(turns[pos].index)
                contributions[turns[pos].index] = 1.0 if role is Role.THERAPIST else -1.0
        questions = {r: 0.0 for r in roles}
        asked: dict[Role, list[int]] = {r: [] for r in roles}
        closed: list[int] = []
        goals: list[int] = []
        for turn, label in zip(turns, labels.turns, strict=True):
            if turn.role not in questions:
                continue
            if _is_question(turn, label):
                weight = 2.0 if label.question_type == "closed" else 1.0
                questions[turn.role] += weight
                asked[turn.role].append(turn.index)
                if label.question_type == "closed" and turn.role is Role.THERAPIST:
                    closed.append(turn.index)
                sign = 1.0 if turn.role is Role.THERAPIST else -1.0
                contributions[turn.index] = contributions.get(turn.index, 0.0) + 0.5 * weight * sign
            if turn.role is Role.THERAPIST and label.input_type == "negotiation":
                goals.append(turn.index)
        n_therapist = sum(1 for t in turns if t.role is Role.THERAPIST)
        o_t, o_c = len(openings[Role.THERAPIST]), len(openings[Role.CLIENT])
        q_t, q_c = asked[Role.THERAPIST], asked[Role.CLIENT]
        topic_lean = balance(o_t, o_c)
        question_lean = balance(questions[Role.THERAPIST], questions[Role.CLIENT])
        metrics: dict[str, float | None] = {
            "topic_openings_therapist": float(o_t),
            "topic_openings_client": float(o_c),
            "topic_share_therapist": ratio(o_t, o_t + o_c),
            "questions_therapist": float(len(q_t)),
            "questions_client": float(len(q_c)),
            "question_density_therapist": ratio(len(q_t), n_therapist),
            "closed_question_share": ratio(len(closed), len(q_t)),
            "goal_proposals_therapist": float(len(goals)),
        }
        linked = {
            "topic_openings_therapist": openings[Role.THERAPIST],
            "topic_openings_client": openings[Role.CLIENT],
            "topic_share_therapist": openings[Role.THERAPIST], "questions_therapist": q_t,
            "questions_client": q_c, "question_density_therapist": q_t, "closed_question_share": closed,
            "goal_proposals_therapist": goals,
        }
        lean = (topic_lean + question_lean) / 2
        return DimensionResult(lean=lean, metrics=metrics,
                               evidence=pick_evidence(contributions, lean, config.evidence_size),
                               metric_turns={k: tuple(v) for k, v in linked.items()})


def _is_question(turn: Turn, label: TurnLabels) -> bool:
    if label.behaviour is not None:
        return label.behaviour == "question"
    return looks_like_question(turn.text)


ANALYSER = AgendaAnalyser()
