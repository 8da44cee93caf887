"""Agenda: who sets the direction ("she dictated the direction of our session").

Metrics:
  - ``topic_openings_<role>``: turns that open a topic (see :mod:`equipoise.analysers.topics`), and
    ``topic_share_therapist`` = therapist openings / (therapist + client openings).
  - ``questions_<role>``: a turn is a question when its label says so; a turn without a behaviour label
    (client turns) counts when it contains a question mark. ``closed_question_share`` = closed / all
    questions of the therapist (labels); ``question_density_therapist`` = therapist questions per turn.
  - ``goal_proposals_<role>``: turns labelled negotiation (goal setting, in AnnoMI's scheme) or that
    state an intention or choose the direction ("I want to ...", "I'll ...", "can we talk about ...",
    "let's ...", "X first"; :func:`proposes_goal`).
  - ``agenda_offers_therapist``: therapist questions that hand the choice of direction to the other
    ("what would you like to ...", "would you rather ...", "does that order work?", or a permission or
    options marker); such questions, by either party, are not counted among the questions that steer.
  - ``follow_up_questions_<role>``: questions that take up the other's turn just before (they share a
    content word with it: "Which of the three letters worries you most?" after the client listed
    them); they ask within the other's subject, so they are not counted among the questions that steer
    either (version 2.1).

Turns behind each metric (``metric_turns``), always the numerator: ``topic_openings_<role>`` the opening
turns, ``topic_share_therapist`` the therapist's openings, ``questions_<role>`` the question turns,
``question_density_therapist`` the therapist's questions, ``closed_question_share`` the therapist's closed
questions, ``goal_proposals_<role>`` the goal turns, ``agenda_offers_therapist`` the offering questions,
``follow_up_questions_<role>`` the follow-up questions.

Lean (version 2.0): a weighted mean of three balances (o_T - o_C)/(o_T + o_C): topic openings (weight
2), steering questions (weight 1; a closed question counts twice because it fixes the answer's range as
well as its subject, our weighting after MITI 4.2.1's open/closed distinction) and, when anyone proposed
a goal, goal proposals (weight 1). Version 1.0 took the plain mean of topics and all questions: since
clients rarely ask questions, the question balance sat near +1 and a client who opened 13 topics against
the therapist's 6 still read +0.32; and no client goal-setting was counted at all. Version 2.1 leaves
follow-up questions out of the question balance: a client who brought a written agenda and opened 12
topics against 5 read -0.10 ("shared"), because the therapist's questions within each of the client's
items counted as steering (docs/power-model.md).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Role
from .base import (
    BaseAnalyser,
    Config,
    DimensionResult,
    DimensionWords,
    balance,
    kinds,
    last_call,
    pick_evidence,
    ratio,
)
from .text import asks, overlap
from .topics import openings_by_role

if TYPE_CHECKING:
    from ..label.labels import Labels
    from ..model import Transcript, Turn


_INTENTION = re.compile(
    r"\b(?:i\s+(?:really\s+|just\s+)?(?:want|wanna|need)\s+to|i'?d\s+(?:really\s+)?(?:like|love|rather|prefer)|"
    r"i\s+would\s+(?:like|rather|prefer)|i'?m\s+going\s+to|i\s+am\s+going\s+to|i'?ll|i\s+will|"
    r"i'?ve\s+decided|i\s+have\s+decided|can\s+we|could\s+we|let'?s|let\s+us|"
    r"i\s+(?:think|guess)\s+i\s+(?:want|need|will|could|might|would)|maybe\s+i\s+(?:could|should|will))\b",
    re.IGNORECASE)
_CHOICE = re.compile(r"\b\w+\s+first\b", re.IGNORECASE)
_OFFER = re.compile(
    r"\b(?:what\s+would\s+you\s+like|where\s+would\s+you\s+like|would\s+you\s+(?:like|rather|prefer)|"
    r"do\s+you\s+want\s+to|which\s+(?:order|would\s+you)|does\s+that\s+(?:order\s+)?work|"
    r"what'?s\s+on\s+your\s+list|is\s+there\s+anything\s+(?:else\s+)?you\s+(?:want|would\s+like)|"
    r"shall\s+we\s+set|or\s+would\s+you)\b", re.IGNORECASE)
_OFFER_MARKERS = frozenset({"permission", "options", "autonomy"})


def proposes_goal(text: str) -> bool:
    """Whether a client turn states an intention or chooses the direction (a goal proposal).

    >>> proposes_goal("I think I want to talk about my mum."), proposes_goal("Party first.")
    (True, True)
    >>> proposes_goal("No.")
    False
    """
    if _INTENTION.search(text):
        return True
    return len(text.split()) <= 8 and bool(_CHOICE.search(text))


def offers_agenda(text: str, markers: frozenset[str] | tuple[str, ...]) -> bool:
    """Whether a therapist question hands the choice of direction to the client."""
    return bool(_OFFER.search(text)) or bool(set(markers) & _OFFER_MARKERS)


class AgendaAnalyser(BaseAnalyser):
    """Topic openings, questions and closed questions by role."""

    name = "agenda"
    version = "2.1"
    requires = frozenset({"labels", "dyad"})
    antisymmetric = True
    description = ("Who sets the direction: who opens new topics (turns with little in common with the "
                   "recent context), who asks the questions that steer, how many are closed, and who "
                   "proposes goals or chooses what to talk about.")
    cannot_know = ("Agendas agreed before the session or on forms; topics opened with few words; whether "
                   "a question was welcome. Topic detection is lexical: a paraphrase of the context can "
                   "look like a new topic and a new topic in old words can be missed.")

    words = DimensionWords(
        title='Agenda', client_title='Who chose what to talk about',
        measures=('Who opens new topics (a turn unlike the recent context), who asks the '
                  'questions, how many questions are closed, and who proposes goals.'),
        client_measures=('Who brought up new subjects, who asked the questions, and who '
                         'suggested goals.'),
        cannot_know=('Topics agreed before the session or in earlier ones; a change of '
                     'subject the client asked for in a way the words do not show.'),
        client_cannot_know=('What you agreed on before this session, or a wish to change the'
                            ' subject that was not put into words.'),
        client_leans=(
            'your therapist chose the subject {more} often than you',
            'you chose the subject {more} often than your therapist',
        ),
        course_name='the agenda')
    power_weight = 1.5
    shared_weight = 0.0
    metric_kinds = kinds({'topic_openings_<role>': 'count', 'topic_share_therapist': 'share',
                    'questions_<role>': 'count', 'question_density_therapist': 'rate',
                    'closed_question_share': 'share', 'goal_proposals_<role>': 'count',
                    'agenda_offers_therapist': 'count', 'follow_up_questions_<role>': 'count'})

    @last_call  # partnership and client agency read this lean too (:mod:`equipoise.analysers.steering`)
    def analyse(self, transcript: Transcript, labels: Labels | None, config: Config) -> DimensionResult:
        """Compute the agenda metrics of one transcript or window."""
        assert labels is not None
        turns = transcript.turns
        roles = (Role.THERAPIST, Role.CLIENT)
        openings = openings_by_role(turns, config, labels)
        therapist_openings = set(openings[Role.THERAPIST])
        contributions: dict[int, float] = {
            i: 1.0 if i in therapist_openings else -1.0
            for i in sorted(openings[Role.THERAPIST] + openings[Role.CLIENT])}
        questions = {r: 0.0 for r in roles}
        asked: dict[Role, list[int]] = {r: [] for r in roles}
        closed: list[int] = []
        goals: dict[Role, list[int]] = {r: [] for r in roles}
        offers: list[int] = []
        follow_ups: dict[Role, list[int]] = {r: [] for r in roles}
        for pos, (turn, label) in enumerate(zip(turns, labels.turns, strict=True)):
            if turn.role not in questions:
                continue
            sign = 1.0 if turn.role is Role.THERAPIST else -1.0
            if asks(turn.text, label.behaviour):
                asked[turn.role].append(turn.index)
                if label.question_type == "closed" and turn.role is Role.THERAPIST:
                    closed.append(turn.index)
                if offers_agenda(turn.text, label.markers):
                    offers.append(turn.index)
                    contributions[turn.index] = contributions.get(turn.index, 0.0) - 0.5
                elif follows_up(turn.text, turns[pos - 1] if pos else None, turn.role):
                    follow_ups[turn.role].append(turn.index)
                else:
                    weight = 2.0 if label.question_type == "closed" else 1.0
                    questions[turn.role] += weight
                    contributions[turn.index] = contributions.get(turn.index, 0.0) + 0.5 * weight * sign
            if label.input_type == "negotiation" or proposes_goal(turn.text):
                goals[turn.role].append(turn.index)
                contributions[turn.index] = contributions.get(turn.index, 0.0) + sign
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
            "goal_proposals_therapist": float(len(goals[Role.THERAPIST])),
            "goal_proposals_client": float(len(goals[Role.CLIENT])),
            "agenda_offers_therapist": float(sum(1 for i in offers if i in set(asked[Role.THERAPIST]))),
            "follow_up_questions_therapist": float(len(follow_ups[Role.THERAPIST])),
            "follow_up_questions_client": float(len(follow_ups[Role.CLIENT])),
        }
        linked = {
            "topic_openings_therapist": openings[Role.THERAPIST],
            "topic_openings_client": openings[Role.CLIENT],
            "topic_share_therapist": openings[Role.THERAPIST], "questions_therapist": q_t,
            "questions_client": q_c, "question_density_therapist": q_t, "closed_question_share": closed,
            "goal_proposals_therapist": goals[Role.THERAPIST], "goal_proposals_client": goals[Role.CLIENT],
            "agenda_offers_therapist": [i for i in offers if i in set(asked[Role.THERAPIST])],
            "follow_up_questions_therapist": follow_ups[Role.THERAPIST],
            "follow_up_questions_client": follow_ups[Role.CLIENT],
        }
        parts = [(2.0, topic_lean), (1.0, question_lean)]
        g_t, g_c = len(goals[Role.THERAPIST]), len(goals[Role.CLIENT])
        if g_t or g_c:
            parts.append((1.0, balance(g_t, g_c)))
        lean = sum(w * v for w, v in parts) / sum(w for w, _ in parts)
        return DimensionResult(lean=lean, metrics=metrics,
                               evidence=pick_evidence(contributions, lean, config.evidence_size),
                               metric_turns={k: tuple(v) for k, v in linked.items()})


def follows_up(text: str, previous: Turn | None, role: Role) -> bool:
    """Whether a question takes up the other party's turn just before it (shares a content word).

    >>> from equipoise.model import Speaker, Turn
    >>> c = Turn(0, Speaker("C", Role.CLIENT), "The council tax letter scares me most.")
    >>> follows_up("What does the council tax letter say?", c, Role.THERAPIST)
    True
    >>> follows_up("How is your sleep?", c, Role.THERAPIST)
    False
    """
    if previous is None or previous.role is role:
        return False
    return overlap(text, previous.text) > 0


ANALYSER = AgendaAnalyser()
