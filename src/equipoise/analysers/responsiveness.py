"""Responsiveness: does each party take up what the other just said ("she was selective").

Uptake of a turn r replying to the other party's previous turn s, after Demszky et al. (2021,
"Measuring conversational uptake", ACL). Their measure is learned (pointwise JSD with a BERT model);
ours is their lexical baseline, the share of s's content words that r repeats (stems; see
:func:`equipoise.analysers.text.overlap`), raised to 1 when r is labelled a reflection, because a
reflection takes up the speaker by definition (MITI 4.2.1) even in other words, and when s is a question
or a reflection and r answers or continues it with at least one content word, because an answer takes
the question up whatever its words ("dunno" or "whatever" does not), and when r is a follow-up question
sharing a content word with s (Demszky et al. count follow-up questions as high uptake). A reply that
only acknowledges s ("Okay.", "Right, ...", "Well done") scores at least 0.5. (Version 2.0 added the
continuation, follow-up and acknowledgement rules, so that both parties' uptake is on one scale.)

Metrics (a source turn counts when it is a question or has at least ``substantive_words`` content words):
  - ``uptake_therapist`` / ``uptake_client``: mean uptake of the turns replying to a substantive turn of
    the other party; ``lexical_uptake_therapist``: the same without the reflection rule.
  - ``reflection_reply_share``: share of therapist replies to substantive client statements (not
    questions) that are reflections.
  - ``unanswered_share``: share of substantive client statements whose reply has uptake below
    ``uptake_threshold`` (the client's words left without uptake).
  - ``replies_therapist``: therapist replies to substantive client statements (the denominator of the two
    shares); ``replies_client``: client replies to substantive therapist turns or questions.

Turns behind each metric (``metric_turns``), always the replies in the numerator:
``reflection_reply_share`` the reflections among those replies, ``unanswered_share`` the therapist
replies left without uptake, ``replies_<role>`` the replies counted. The uptake means average over every
counted reply and link none.

Lean (version 2.0): u_C - u_T, the difference between the two parties' uptake of each other. The lever
is selection ("she was selective about the things she responded to"): the party who takes the other up
less holds it. +1 when the client takes up everything the therapist says and the therapist nothing of
the client's; -1 the reverse; about 0 when both take each other up (as in person-centred and MI sessions)
or neither does. When the client has no reply to measure, u_C is taken as 0.5 (noted). Version 1.1 read
1 - 2 u_T alone, which put every session with many reflections near -1 ("the client holds it") and read
"+0.7, mostly the therapist" as "the therapist was not responsive", the opposite of how readers took it.
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
    clip,
    kinds,
    mean,
    pick_evidence,
    ratio,
)
from .text import content_words, looks_like_question, overlap

if TYPE_CHECKING:
    from ..label.labels import Labels, TurnLabels
    from ..model import Transcript, Turn


#: Uptake of a reply that only acknowledges the previous turn ("Okay.", "Right, ..."): it registers the
#: turn without building on it (Demszky et al. 2021 count acknowledging as a weak form of uptake).
ACKNOWLEDGED = 0.5
_ACKNOWLEDGEMENT = re.compile(
    r"^\W*(?:yes|yeah|yep|ok|okay|right|sure|fine|exactly|true|good|great|well\s+done|thank\s+you|thanks|"
    r"mm+|mhm|i\s+see|i\s+suppose|i\s+guess|"
    r"that'?s\s+(?:it|right|true)|fair\s+enough|got\s+it|i\s+know)\b", re.IGNORECASE)


class ResponsivenessAnalyser(BaseAnalyser):
    """Uptake of the other party's previous turn, in both directions; the lean is their difference."""

    name = "responsiveness"
    version = "2.0"
    requires = frozenset({"labels", "dyad"})
    antisymmetric = False
    description = ("How much each party takes up what the other just said (conversational uptake: "
                   "reflections, answers and repeated content words), and how many substantive client "
                   "turns are left without uptake; the lean is the difference, so near 0 when both take "
                   "each other up.")
    cannot_know = ("Uptake in other words than a reflection (the similarity is lexical), uptake later in the "
                   "session, non-verbal attention; whether leaving a turn aside was a deliberate, "
                   "helpful choice; whether a client's uptake was agreement or compliance.")

    words = DimensionWords(
        title='Responsiveness', client_title='Being heard',
        measures=("Uptake: how much each therapist turn takes up the client's previous turn "
                  '(reflections and shared words), and the share of substantive client turns'
                  ' left without uptake.'),
        client_measures='How often your therapist picked up what you had just said before moving on.',
        cannot_know=('Uptake that comes later in the session or without words; whether '
                     'leaving a point aside was a deliberate, agreed choice.'),
        client_cannot_know=('Being heard without words, or later in the session; a point set'
                            ' aside on purpose, together.'),
        client_leans=(
            'your therapist {more} often moved on than picked up what you had just said',
            'your therapist {more} often picked up what you had just said than moved on',
        ),
        course_name='responsiveness')
    power_weight = 1.0
    shared_weight = 1.0
    metric_kinds = kinds({'uptake_<role>': 'mean', 'lexical_uptake_therapist': 'mean',
                    'reflection_reply_share': 'share', 'unanswered_share': 'share',
                    'replies_<role>': 'count'})

    def analyse(self, transcript: Transcript, labels: Labels | None, config: Config) -> DimensionResult:
        """Compute uptake in both directions for one transcript or window."""
        assert labels is not None
        turns = transcript.turns
        uptake: dict[Role, list[float]] = {Role.THERAPIST: [], Role.CLIENT: []}
        lexical_t: list[float] = []
        reflected: list[int] = []
        unanswered: list[int] = []
        replies: dict[Role, list[int]] = {Role.THERAPIST: [], Role.CLIENT: []}
        contributions: dict[int, float] = {}
        for pos in range(1, len(turns)):
            source, reply = turns[pos - 1], turns[pos]
            if reply.role not in uptake or source.role is reply.role or source.role not in uptake:
                continue
            asked = _is_question(source, labels.turns[pos - 1])
            if not asked and len(content_words(source.text)) < config.substantive_words:
                continue
            lexical = overlap(reply.text, source.text)
            is_reflection = labels.turns[pos].behaviour == "reflection"
            invited = asked or labels.turns[pos - 1].behaviour == "reflection"
            follow_up = lexical > 0 and _is_question(reply, labels.turns[pos])
            if is_reflection or follow_up or (invited and content_words(reply.text)):
                value = 1.0
            else:
                value = max(lexical, ACKNOWLEDGED if _ACKNOWLEDGEMENT.match(reply.text) else 0.0)
            uptake[reply.role].append(value)
            if reply.role is Role.CLIENT:
                replies[Role.CLIENT].append(reply.index)
                # A client taking the therapist up pushes the lean up (the client follows).
                contributions[reply.index] = 0.5 * (value - 0.5)
            if reply.role is Role.THERAPIST:
                # A therapist reply with low uptake pushes the lean up, one with high uptake down.
                contributions[reply.index] = 0.5 - value
            if reply.role is Role.THERAPIST and not asked:
                lexical_t.append(lexical)
                replies[Role.THERAPIST].append(reply.index)
                if is_reflection:
                    reflected.append(reply.index)
                if value < config.uptake_threshold:
                    unanswered.append(reply.index)
        u_t, u_c = mean(uptake[Role.THERAPIST]), mean(uptake[Role.CLIENT])
        replies_t = len(replies[Role.THERAPIST])
        metrics: dict[str, float | None] = {
            "uptake_therapist": u_t,
            "uptake_client": u_c,
            "lexical_uptake_therapist": mean(lexical_t),
            "reflection_reply_share": ratio(len(reflected), replies_t),
            "unanswered_share": ratio(len(unanswered), replies_t),
            "replies_therapist": float(replies_t),
            "replies_client": float(len(replies[Role.CLIENT])),
        }
        linked = {"reflection_reply_share": tuple(reflected), "unanswered_share": tuple(unanswered),
                  "replies_therapist": tuple(replies[Role.THERAPIST]),
                  "replies_client": tuple(replies[Role.CLIENT])}
        if u_t is None:
            return DimensionResult.unavailable(
                "no substantive client turn followed by a therapist turn, so no uptake to measure", metrics,
                linked)
        notes: tuple[str, ...] = ()
        if u_c is None:
            notes = ("no client reply to a substantive therapist turn: the client's uptake is taken as 0.5",)
        lean = clip((0.5 if u_c is None else u_c) - u_t)
        return DimensionResult(lean=lean, metrics=metrics, metric_turns=linked, notes=notes,
                               evidence=pick_evidence(contributions, lean, config.evidence_size))


def _is_question(turn: Turn, label: TurnLabels) -> bool:
    if label.behaviour is not None:
        return label.behaviour == "question"
    return looks_like_question(turn.text)


ANALYSER = ResponsivenessAnalyser()
