"""Responsiveness: does each party take up what the other just said ("she was selective").

Uptake of a turn r replying to the other party's previous turn s, after Demszky et al. (2021,
"Measuring conversational uptake", ACL). Their measure is learned (pointwise JSD with a BERT model);
ours is their lexical baseline, the share of s's content words that r repeats (stems; see
:func:`equipoise.analysers.text.overlap`), raised to 1 when r is labelled a reflection, because a
reflection takes up the speaker by definition (MITI 4.2.1) even in other words, and when s is a question,
because an answer takes the question up whatever its words.

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

Lean: 1 - 2 u_T. The lever is the therapist's selection of what to respond to (DESIGN §1), so the lean
reads the therapist's uptake alone: +1 when nothing the client said is taken up, -1 when everything is.
The client's uptake is reported beside it but left out of the lean: a client answering a question or
agreeing with a reflection is following, not selecting, and counting it would cancel the signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Role
from .base import BaseAnalyser, Config, DimensionResult, clip, mean, pick_evidence, ratio
from .text import content_words, looks_like_question, overlap

if TYPE_CHECKING:
    from ..label.labels import Labels, TurnLabels
    from ..model import Transcript, Turn


class ResponsivenessAnalyser(BaseAnalyser):
    """Uptake of the other party's previous turn, in both directions; the lean reads the therapist's."""

    name = "responsiveness"
    version = "1.1"
    requires = frozenset({"labels", "dyad"})
    antisymmetric = False
    description = ("How much the therapist takes up what the client just said (conversational uptake: "
                   "reflections and repeated content words), and how many substantive client turns are "
                   "left without uptake; the client's uptake of the therapist is shown beside it.")
    cannot_know = ("Uptake in other words than a reflection (the similarity is lexical), uptake later in the "
                   "session, non-verbal attention; whether leaving a turn aside was a deliberate, "
                   "helpful choice.")

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
            value = 1.0 if is_reflection or asked else lexical
            uptake[reply.role].append(value)
            if reply.role is Role.CLIENT:
                replies[Role.CLIENT].append(reply.index)
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
        lean = clip(1.0 - 2.0 * u_t)
        return DimensionResult(lean=lean, metrics=metrics, metric_turns=linked,
                               evidence=pick_evidence(contributions, lean, config.evidence_size))


def _is_question(turn: Turn, label: TurnLabels) -> bool:
    if label.behaviour is not None:
        return label.behaviour == "question"
    return looks_like_question(turn.text)


ANALYSER = ResponsivenessAnalyser()
