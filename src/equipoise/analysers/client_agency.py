"""Client agency: the client's own direction and freedom to disagree ("clients must create goals").

Metrics:
  - ``change_talk_share`` = change / (change + sustain) client turns, and ``change_talk_rate`` = change
    talk per client turn (talk types from the labels; MI's evidence is that client change talk, not the
    therapist's arguments, predicts change: Magill et al. 2014).
  - ``client_topic_share`` = client topic openings / all openings (see :mod:`equipoise.analysers.topics`).
  - ``pushbacks``: client turns with a ``disagreement`` marker, or right after a therapist directive act
    (advice, a directive or confrontation) sustain talk, a directive of the client's own or a turn that
    asks the act away or refuses it ("Please don't tell my mum", "Can I at least ...", "I don't want
    ..."; version 2.1: a student pleading against a counsellor's plan twice had no pushback);
    ``pushback_followed_share``: of those answered
    by the therapist, the share the next therapist turn follows, i.e. does not insist: no directive act,
    confrontation or disagreement ("That's fair. Go ahead.", "We won't do the breathing."); those met with
    a directive act or confrontation are ``pushback_confronted_share``. A client's disagreement answering
    a therapist's question that is not itself a directive ("Any history of anxiety?" "Not really.") is an
    answer, not pushback, unless it asks the act away or refuses it (version 2.3).

  - ``goal_share_client`` = client goal proposals / all goal proposals (as in agenda: a turn labelled
    negotiation or stating an intention or choosing the direction). A client turn that hands the
    decision to the therapist ("You decide", "Whatever you think", "Just tell me what to do") counts on
    the therapist's side (version 2.4).
  - ``engagement``: the share of client turns with at least ``substantive_words`` content words, scored
    against one in four (``min(share / 0.25, 1)``; AnnoMI's clients mostly reach it): a client
    answering "dunno", "fine", "whatever" to everything is not exercising agency, however little sustain
    talk or pushback there is.

  - ``directive_rate_therapist``: the therapist's directive acts per therapist turn (directiveness's
    weighting and the same value; version 2.5).

Agency A in [0, 1] is the weighted mean of the defined shares among change_talk_share, client_topic_share,
pushback_followed_share and goal_share_client (weight 1 each) and, since version 2.5, the room the
therapist's direction leaves, 1 - min(rate / 0.3, 1) with the rate shrunk towards AnnoMI's high-quality
median (0.056) by 4 pseudo-turns (weight 2), times engagement (a client who hardly takes part cannot
exercise much agency, whatever the shares say); its own lean is 1 - 2A (little client agency: the
therapist holds the lever). Version 2.6 blends it with the steering levers' leans
(:mod:`~equipoise.analysers.steering`): lean = clip(1.5 x (0.5 own + 0.3 agenda + 0.2 directiveness) -
0.2), chosen by leave-one-hold-out-out cross-validation on the 484 judged validation sessions (client
agency 351 -> 382; AnnoMI client agency alone 0.816 -> 0.838; docs/power-model.md); a note gives the
numbers. Readers of the validation sessions judge a client who voices goals but is "overridden" and
"works inside the therapist's plan" as mixed, which version 2.4 read as the client's (docs/power-model.md).
Version 2.0 added engagement: version 1.0 read a disengaged teenager as strong agency (-0.33),
because none of its shares measured how much the client took part. Version 2.2 counts who proposes the
goals and the plan ("I'll ring Karen on Sunday", "What I want from these sessions is ..."): left out
before because it did not separate AnnoMI's quality ratings (AUC 0.55), it is what readers of the
validation sessions name first when the client holds this lever (docs/power-model.md). Version 2.3
reads a therapist reply that goes along with the pushback without a reflection or an autonomy marker as
following it (2.2 counted "That's fair. Go ahead." as neither, so a client who pushed back and was
followed scored 0 on that share), and no longer reads a "No" answering a plain question as pushback.

Turns behind each metric (``metric_turns``), always the numerator: ``change_talk_share`` and
``change_talk_rate`` the client's change-talk turns, ``client_topic_share`` the client's topic openings,
``pushbacks`` the pushback turns, ``pushback_followed_share`` and ``pushback_confronted_share`` the
therapist replies that follow or confront a pushback (one reply answering two consecutive pushbacks is
listed once), ``goal_share_client`` the client's goal proposals, ``engagement`` the substantive client
turns, ``directive_rate_therapist`` the therapist's directive turns. ``agency`` combines the shares and
links none.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Role
from .agenda import proposes_goal
from .base import (
    BaseAnalyser,
    Config,
    DimensionResult,
    DimensionWords,
    clip,
    kinds,
    pick_evidence,
    ratio,
    shrunk,
)
from .directiveness import DIRECTIVE_RATE_MEDIAN, is_directive, therapist_direction
from .steering import Blend
from .text import content_words
from .topics import openings_by_role

if TYPE_CHECKING:
    from ..label.labels import Labels, TurnLabels
    from ..model import Transcript


#: The shares whose mean (times engagement) is the agency score (version 2.2 added the goal proposals).
AGENCY_PARTS = frozenset({"change_talk_share", "client_topic_share", "pushback_followed_share",
                          "goal_share_client"})
#: The therapist-direction component (version 2.5): its weight beside the shares (1 each) and the directive
#: rate at which it is 0 (our choice, above AnnoMI's high-quality p95 of 0.2); the rate is shrunk towards
#: the reference median as partnership shrinks it.
DIRECTION_WEIGHT, DIRECTION_FULL = 2.0, 0.3
#: Version 2.6: the lean 1 - 2A (weight 0.5) blended with the steering levers' leans
#: (:mod:`equipoise.analysers.steering`), times 1.5, shifted by -0.2: readers call a client who takes
#: part the holder of their own direction unless the session shows otherwise.
BLEND = Blend(0.5, {"agenda": 0.3, "directiveness": 0.2}, gain=1.5, offset=-0.2)
#: A client turn right after a therapist's directive act that asks it away or refuses it is pushback, even
#: when it is not sustain talk ("Please don't tell my mum", "Can I at least ...").
_RESISTS = re.compile(
    r"\b(?:please\s+don'?t|don'?t\s+(?:tell|make|call|send|contact)|i\s+don'?t\s+want|i'?d\s+rather\s+not|"
    r"i\s+would\s+rather\s+not|can\s+i\s+(?:at\s+least|just)|do\s+i\s+have\s+to|i\s+can'?t\s+do\s+that|"
    r"i\s+won'?t|i'?m\s+not\s+(?:going\s+to|doing))\b", re.IGNORECASE)


#: A client turn that hands a decision to the therapist ("You decide", "Whatever you think", "Just tell
#: me what to do"): the therapist's side of the goals (version 2.4).
_DEFERS = re.compile(
    r"\b(?:you\s+(?:decide|choose|pick)|whatever\s+you\s+(?:think|say|want|suggest|reckon|decide)|"
    r"tell\s+me\s+what\s+(?:to\s+do|i\s+should)|up\s+to\s+you|you\s+know\s+best|"
    r"you'?re\s+the\s+(?:expert|professional|doctor|counsell?or|therapist))\b", re.IGNORECASE)


class ClientAgencyAnalyser(BaseAnalyser):
    """Change talk, client-initiated topics, pushback and how the therapist meets it."""

    name = "client_agency"
    version = "2.6"
    #: Share of substantive client turns that counts as full engagement.
    ENGAGED = 0.25
    requires = frozenset({"labels", "dyad"})
    antisymmetric = False
    description = ("The client's own direction: change talk against sustain talk, topics and goals the "
                   "client proposes, how much the client takes part, and client pushback with how the next "
                   "therapist turn meets it (follows or confronts); the lean also reads who steers the "
                   "session (the agenda and directiveness leans), as readers judge this lever.")
    cannot_know = ("Goals the client holds but does not voice; disagreement kept silent, which is what a "
                   "client with little power often does; agency exercised between sessions.")

    words = DimensionWords(
        title='Client agency', client_title='Your own voice',
        measures=('Client change talk against sustain talk, client-initiated topics, who proposes the '
                  'goals and the plan, client disagreement and whether the next therapist turn follows '
                  'or confronts it; the lean also reads who set the agenda and who directed.'),
        client_measures=('How often you spoke about your own reasons and plans, raised your '
                         'own topics, proposed what to do, or disagreed, and how that was met.'),
        cannot_know=('Sustain talk is not a failure: it can be an honest and important part '
                     'of the conversation. Agency shown outside the session.'),
        client_cannot_know=('Talking about reasons to keep things as they are is not a '
                            'failure: it can be honest and important. It also cannot see '
                            'what you do between sessions.'),
        client_leans=(
            '{more} of the direction came from your therapist than from your own reasons',
            '{more} of the direction came from your own reasons and topics',
        ),
        course_name='client agency')
    power_weight = 0.0
    shared_weight = 1.5
    metric_kinds = kinds({'change_talk_share': 'share', 'change_talk_rate': 'rate',
                    'client_topic_share': 'share', 'pushbacks': 'count',
                    'pushback_followed_share': 'share', 'pushback_confronted_share': 'share',
                    'engagement': 'share', 'goal_share_client': 'share', 'agency': 'score',
                    'directive_rate_therapist': 'rate'})

    def analyse(self, transcript: Transcript, labels: Labels | None, config: Config) -> DimensionResult:
        """Compute client agency for one transcript or window."""
        assert labels is not None
        turns, tl = transcript.turns, labels.turns
        change: list[int] = []
        substantive: list[int] = []
        goals: dict[Role, list[int]] = {Role.THERAPIST: [], Role.CLIENT: []}
        sustain = n_client = 0
        deferrals: list[int] = []
        contributions: dict[int, float] = {}
        for turn, label in zip(turns, tl, strict=True):
            therapist_goal = label.input_type == "negotiation" or proposes_goal(turn.text)
            if turn.role is Role.THERAPIST and therapist_goal:
                goals[Role.THERAPIST].append(turn.index)
            if turn.role is Role.CLIENT:
                n_client += 1
                sustain += label.talk_type == "sustain"
                if len(content_words(turn.text)) >= config.substantive_words:
                    substantive.append(turn.index)
                else:
                    contributions[turn.index] = 0.25
                if _DEFERS.search(turn.text):
                    goals[Role.THERAPIST].append(turn.index)    # the client hands the decision over
                    deferrals.append(turn.index)
                    contributions[turn.index] = contributions.get(turn.index, 0.0) + 0.5
                elif proposes_goal(turn.text):
                    goals[Role.CLIENT].append(turn.index)
                    contributions[turn.index] = contributions.get(turn.index, 0.0) - 0.5
                if label.talk_type == "change":
                    change.append(turn.index)
                    contributions[turn.index] = contributions.get(turn.index, 0.0) - 0.5
        openings = openings_by_role(turns, config, labels)
        for index in openings[Role.CLIENT]:
            contributions[index] = contributions.get(index, 0.0) - 0.5
        pushbacks: list[int] = []
        followed: dict[int, None] = {}    # therapist replies, in order, each once
        confronted: dict[int, None] = {}
        n_followed = n_confronted = answered = 0
        for pos, (turn, label) in enumerate(zip(turns, tl, strict=True)):
            if turn.role is not Role.CLIENT or not _pushes_back(
                    turn.text, label, tl[pos - 1] if pos else None, turns[pos - 1].role if pos else None):
                continue
            pushbacks.append(turn.index)
            reply = next((p for p in range(pos + 1, len(turns)) if turns[p].role is not Role.CLIENT), None)
            if reply is None or turns[reply].role is not Role.THERAPIST:
                continue
            answered += 1
            if is_directive(tl[reply]):
                n_confronted += 1
                confronted[turns[reply].index] = None
                contributions[turns[reply].index] = 1.0
            elif "disagreement" not in tl[reply].markers:
                n_followed += 1
                followed[turns[reply].index] = None
                contributions[turns[reply].index] = -1.0
        n_openings = len(openings[Role.THERAPIST]) + len(openings[Role.CLIENT])
        n_goals = len(goals[Role.THERAPIST]) + len(goals[Role.CLIENT])
        substantive_share = ratio(len(substantive), n_client)
        metrics: dict[str, float | None] = {
            "change_talk_share": ratio(len(change), len(change) + sustain),
            "change_talk_rate": ratio(len(change), n_client),
            "client_topic_share": ratio(len(openings[Role.CLIENT]), n_openings),
            "pushbacks": float(len(pushbacks)),
            "pushback_followed_share": ratio(n_followed, answered),
            "pushback_confronted_share": ratio(n_confronted, answered),
            "goal_share_client": ratio(len(goals[Role.CLIENT]), n_goals),
            "engagement": None if substantive_share is None else min(substantive_share / self.ENGAGED, 1.0),
        }
        linked = {"change_talk_share": tuple(change), "change_talk_rate": tuple(change),
                  "client_topic_share": tuple(openings[Role.CLIENT]), "pushbacks": tuple(pushbacks),
                  "pushback_followed_share": tuple(followed), "pushback_confronted_share": tuple(confronted),
                  "goal_share_client": tuple(goals[Role.CLIENT]), "engagement": tuple(substantive)}
        # Version 2.5: the therapist's direction (directive acts per therapist turn, directiveness's
        # weighting, shrunk towards the reference median) leaves the client less of their own.
        directive, n_therapist, linked["directive_rate_therapist"] = therapist_direction(transcript, labels)
        metrics["directive_rate_therapist"] = ratio(directive, n_therapist)
        parts = [(1.0, v) for k, v in metrics.items() if k in AGENCY_PARTS and v is not None]
        if parts and n_therapist:
            rate = shrunk(directive, n_therapist, DIRECTIVE_RATE_MEDIAN)
            parts.append((DIRECTION_WEIGHT, 1.0 - min(rate / DIRECTION_FULL, 1.0)))
        agency = sum(w * v for w, v in parts) / sum(w for w, _ in parts) if parts else None
        engagement = metrics["engagement"]
        if agency is not None and engagement is not None:
            agency *= engagement
        if agency is None:
            return DimensionResult.unavailable(
                "no client change or sustain talk, no topic openings and no pushback to measure", metrics,
                linked)
        metrics["agency"] = agency
        own = clip(1.0 - 2.0 * agency)
        lean, blended = BLEND.apply(own, transcript, labels, config)
        return DimensionResult(lean=lean, metrics=metrics, metric_turns=linked, notes=(blended,),
                               evidence=pick_evidence(contributions, lean, config.evidence_size))


def _pushes_back(text: str, label: TurnLabels, previous: TurnLabels | None,
                 previous_role: Role | None) -> bool:
    """Whether a client turn pushes back: a disagreement (not a "No" answering a plain question), or
    sustain talk, a directive or a refusal right after a therapist's directive act."""
    after_directive = previous is not None and previous_role is Role.THERAPIST and is_directive(previous)
    if "disagreement" in label.markers:
        answers_question = (previous is not None and previous_role is Role.THERAPIST
                            and previous.behaviour == "question" and not after_directive)
        return not answers_question or bool(_RESISTS.search(text))
    if not after_directive:
        return False
    return label.talk_type == "sustain" or "directive" in label.markers or bool(_RESISTS.search(text))


ANALYSER = ClientAgencyAnalyser()
