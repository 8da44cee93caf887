"""Responsiveness: does each party take up what the other just said ("she was selective").

Uptake of a turn r replying to the other party's previous turn s, after Demszky et al. (2021, "Measuring
conversational uptake", ACL). Their measure is learned (pointwise JSD with a BERT model); ours is their
lexical baseline, the share of s's content words (stems) that r repeats, counted out of at most five so
that one word taken up from a long turn is not lost in it, with these rules (version 4.0):

- r declines or defers s ("Not today", "Let's stay with the plan", "We'll come on to that in a bit"): 0,
  whatever words it shares: it is the "selective" move itself. r disagrees with a statement, reflection
  or advice (the ``disagreement`` marker; not a "No" answering a question): 0, the turn brushed aside.
- r is labelled a reflection: 1, because a reflection takes up the speaker by definition (MITI 4.2.1) even
  in other words; r is a follow-up question sharing a content word with s: 1 (Demszky et al. count
  follow-up questions as high uptake).
- a client answers a question (anything beyond "fine", "dunno", "I don't know", "whatever"; a yes or no
  to a closed question), or says something after a reflection, advice or a directive: 1. "Fine" or "okay"
  does not answer an open question.
- a therapist answers the client's question: 1. After the client answered the therapist's own question,
  the therapist's next question, or praise, goes on with the line the therapist set: at least 0.5, not
  a turn left aside (a solution-focused or intake series of questions is not selection).
- a reply that only acknowledges s ("Okay.", "Right, ...", "Well done", "Maybe", an affirmation): 0.5.

A source turn counts when it is a question (labelled, or with a question mark) or has at least
``substantive_words`` content words.

Metrics:
  - ``left_aside_therapist`` / ``left_aside_client``: share of the replies of each party whose uptake is
    below ``uptake_threshold`` (the other's turn left aside);
  - ``uptake_therapist`` / ``uptake_client``: mean uptake of each party's replies;
    ``lexical_uptake_therapist``: the therapist's lexical uptake of client statements, without the rules;
  - ``reflection_reply_share``: share of therapist replies to substantive client statements (not
    questions) that are reflections; ``unanswered_share``: share of those replies left aside;
    ``statement_replies_therapist``: the number of those replies (the two shares' denominator);
  - ``replies_therapist`` / ``replies_client``: the replies measured (the left-aside shares' denominator).

Turns behind each metric (``metric_turns``), always the replies in the numerator: ``left_aside_<role>`` the
replies that left the other's turn aside, ``reflection_reply_share`` the reflections among the therapist's
replies to statements, ``unanswered_share`` those replies left aside, ``statement_replies_therapist`` those
replies, ``replies_<role>`` the replies counted. The uptake means average over every counted reply and link
none.

Lean (since version 3.0): L_T * n_T / (n_T + 2) - L_C * n_C / (n_C + 2), with L the left-aside shares and n
the replies measured (3.1: a directive is read by directiveness's rule, :func:`is_directive`). The lever
is selection ("she was selective about the things she responded to"):
the party who leaves more of the other's turns aside holds it. About 0 when both take each other up (as
in person-centred and MI sessions) or when each leaves as much aside; +1 when the therapist leaves every
client turn aside and the client follows; -1 the reverse. The pseudo-count 2 pulls a share resting on a
few replies towards 0. A party with nothing of the other's to take up is taken to leave nothing aside
(noted). Version 2.0 read u_C - u_T, the difference of the mean uptakes: a client who answers questions
scores 1 each time while a therapist's acknowledgement scored 0.5, so sessions in which both take each
other up leaned +0.2 to +0.4 to the therapist, and a therapist's "Not today" to a client's "Can we talk
about my mum?" counted as an answer. Version 3.1 needed a fifth of a long turn's words repeated, counted
a therapist's next question after the client's answer as leaving it aside, disagreement as uptake, and
"Mine." as no answer to "Whose voice is that?". Version 1.1 read 1 - 2 u_T alone, which put every session with
many reflections near -1.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..label.sentences import restore
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
from .directiveness import is_directive
from .text import asks_or_marks, content_words, overlap

if TYPE_CHECKING:
    from ..label.labels import Labels, TurnLabels
    from ..model import Transcript, Turn


#: Uptake of a reply that only acknowledges the previous turn ("Okay.", "Right, ..."): it registers the
#: turn without building on it (Demszky et al. 2021 count acknowledging as a weak form of uptake).
ACKNOWLEDGED = 0.5
_ACKNOWLEDGEMENT = re.compile(
    r"^\W*(?:yes|yeah|yep|ok|okay|right|sure|fine|exactly|true|good|great|well\s+done|thank\s+you|thanks|"
    r"mm+|mhm|i\s+see|i\s+suppose|i\s+guess|maybe|perhaps|oh\s+right|"
    r"that'?s\s+(?:it|right|true|(?:a\s+)?(?:big|good|great|real|huge)\b)|fair\s+enough|got\s+it|i\s+know|"
    r"i\s+did(?:\s+it)?|done|will\s+do|i\s+will|i'?ll\s+(?:try|do\s+it)|that\s+sounds|"
    r"we\s+can\s+(?:look\s+at|talk\s+about|do|try)\s+(?:that|it|this)\b(?![^.?!]*\b(?:another|next)\s+time))\b",
    re.IGNORECASE)
#: A reply that declines or defers the other's turn ("Not today", "Let's stay with the plan", "We can get
#: to that another time") leaves it aside, whatever words it shares.
_DEFLECTION = re.compile(
    r"^\W*(?:(?:no|well|okay|ok|right|sure|yes|look)\W+)?(?:not\s+(?:today|now|yet|this\s+time)\b|"
    r"let'?s\s+(?:stay|stick|keep|leave|park|get\s+back|come\s+back|focus|move\s+on)\b|"
    r"(?:we\s+(?:can|could|'ll|will)|let'?s)\s+(?:get\s+(?:on\s+)?to|come\s+(?:back|on)\s+to|talk\s+about|look\s+at|"
    r"leave|mention|do|discuss|go\s+into)\b[^.?!]{0,40}?\b(?:(?:another|next|some\s+other)\s+(?:time|week|session)|"
    r"later|at\s+the\s+end|in\s+a\s+(?:bit|minute|moment|while))\b|"
    r"(?:that'?s|that\s+is)\s+(?:not\s+(?:what|why)|for\s+(?:another|next)))", re.IGNORECASE)
#: Words that carry no answer on their own ("Fine.", "Whatever.", "Yeah, okay.").
_EMPTY_WORDS = frozenset({"fine", "okay", "ok", "alright", "sure", "right", "good", "great", "whatever",
                          "dunno", "yeah", "yep", "yes", "maybe", "guess", "suppose", "mm", "mhm", "thanks",
                          "nope", "hmm", "idk"})
#: What a reply may say around its answer without answering ("I don't know", "um", "it's just ...").
_NOT_AN_ANSWER = re.compile(
    r"\b(?:i\s+)?(?:do\s*n[o']?t|dont)\s+know\b|\bnot\s+sure\b|\bno\s+idea\b|\bi\s+guess\b|\bum+\b|\buh+\b|"
    r"\b(?:i|it|it's|its|that|that's|just|so|well|like|the|a|oh|really)\b")
#: A yes/no answer, which answers a closed question ("Did you go?" "No.").
_YES_NO = re.compile(r"^\W*(?:yes|yeah|yep|yup|no|nope|nah|not\s+really|sometimes|never|always)\b",
                     re.IGNORECASE)
_OPEN_QUESTION = re.compile(r"\b(?:what|how|why|where|when|who|which)\b[^.?!]*\?\W*$", re.IGNORECASE)
#: Pseudo-count that pulls each party's left-aside share towards 0 when it rests on a few replies.
SHRINK = 2


class ResponsivenessAnalyser(BaseAnalyser):
    """Uptake of the other party's previous turn, in both directions; the lean is their difference."""

    name = "responsiveness"
    version = "4.0"
    requires = frozenset({"labels", "dyad"})
    antisymmetric = False
    description = ("How much each party takes up what the other just said (conversational uptake: "
                   "reflections, answers and repeated content words), and the share of the other's "
                   "turns each leaves aside; the lean is the difference of those shares, so near 0 when "
                   "both take each other up.")
    cannot_know = ("Uptake in other words than a reflection (the similarity is lexical), uptake later in the "
                   "session, non-verbal attention; whether leaving a turn aside was a deliberate, "
                   "helpful choice; whether a client's uptake was agreement or compliance.")

    words = DimensionWords(
        title='Responsiveness', client_title='Being heard',
        measures=("Uptake: how much each party takes up the other's previous turn "
                  "(reflections, answers and shared words), and the share of the other's turns"
                  ' each leaves without uptake.'),
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
    power_weight = 0.25
    shared_weight = 1.0
    metric_kinds = kinds({'uptake_<role>': 'mean', 'left_aside_<role>': 'share',
                    'lexical_uptake_therapist': 'mean',
                    'reflection_reply_share': 'share', 'unanswered_share': 'share',
                    'replies_<role>': 'count', 'statement_replies_therapist': 'count'})

    def analyse(self, transcript: Transcript, labels: Labels | None, config: Config) -> DimensionResult:
        """Compute uptake in both directions for one transcript or window."""
        assert labels is not None
        turns = transcript.turns
        uptake: dict[Role, list[float]] = {Role.THERAPIST: [], Role.CLIENT: []}
        lexical_t: list[float] = []
        reflected: list[int] = []
        unanswered: list[int] = []
        statements: list[int] = []      # therapist replies to substantive client statements
        replies: dict[Role, list[int]] = {Role.THERAPIST: [], Role.CLIENT: []}
        left: dict[Role, list[int]] = {Role.THERAPIST: [], Role.CLIENT: []}
        contributions: dict[int, float] = {}
        question = [asks_or_marks(t.text, lab.behaviour) for t, lab in zip(turns, labels.turns, strict=True)]
        for pos in range(1, len(turns)):
            source, reply = turns[pos - 1], turns[pos]
            if reply.role not in uptake or source.role is reply.role or source.role not in uptake:
                continue
            asked = question[pos - 1]
            if not asked and len(content_words(source.text)) < config.substantive_words:
                continue
            # The source answered the replier's own question just before: the replier may go on with
            # their line of questions without repeating the answer's words.
            thread = pos >= 2 and turns[pos - 2].role is reply.role and question[pos - 2]
            value = uptake_of(reply, labels.turns[pos], source, labels.turns[pos - 1], asked, thread=thread)
            aside = value < config.uptake_threshold
            uptake[reply.role].append(value)
            replies[reply.role].append(reply.index)
            if aside:
                left[reply.role].append(reply.index)
            # Leaving the other's turn aside pushes the lean towards the one who does it (+ the therapist).
            push = 1.0 if reply.role is Role.THERAPIST else -1.0
            contributions[reply.index] = push if aside else -0.25 * push * value
            if reply.role is Role.THERAPIST and not asked:
                lexical_t.append(overlap(reply.text, source.text))
                statements.append(reply.index)
                if labels.turns[pos].behaviour == "reflection":
                    reflected.append(reply.index)
                if aside:
                    unanswered.append(reply.index)
        u_t, u_c = mean(uptake[Role.THERAPIST]), mean(uptake[Role.CLIENT])
        n_t, n_c = len(replies[Role.THERAPIST]), len(replies[Role.CLIENT])
        metrics: dict[str, float | None] = {
            "uptake_therapist": u_t,
            "uptake_client": u_c,
            "left_aside_therapist": ratio(len(left[Role.THERAPIST]), n_t),
            "left_aside_client": ratio(len(left[Role.CLIENT]), n_c),
            "lexical_uptake_therapist": mean(lexical_t),
            "reflection_reply_share": ratio(len(reflected), len(statements)),
            "unanswered_share": ratio(len(unanswered), len(statements)),
            "statement_replies_therapist": float(len(statements)),
            "replies_therapist": float(n_t),
            "replies_client": float(n_c),
        }
        linked = {"reflection_reply_share": tuple(reflected), "unanswered_share": tuple(unanswered),
                  "left_aside_therapist": tuple(left[Role.THERAPIST]),
                  "left_aside_client": tuple(left[Role.CLIENT]),
                  "statement_replies_therapist": tuple(statements),
                  "replies_therapist": tuple(replies[Role.THERAPIST]),
                  "replies_client": tuple(replies[Role.CLIENT])}
        if not n_t and not n_c:
            return DimensionResult.unavailable(
                "no substantive turn or question of one party followed by a turn of the other, so no uptake "
                "to measure", metrics, linked)
        notes: list[str] = []
        for role, n in ((Role.THERAPIST, n_t), (Role.CLIENT, n_c)):
            if not n:
                other = "client" if role is Role.THERAPIST else "therapist"
                notes.append(f"no substantive {other} turn or question for the {role.value} to take up: "
                             f"the {role.value} is taken to leave nothing aside")
        left_t = metrics["left_aside_therapist"] or 0.0
        left_c = metrics["left_aside_client"] or 0.0
        # Small counts are pulled towards 0 (neither side selects): each share is weighed by n / (n + 2).
        lean = clip(left_t * n_t / (n_t + SHRINK) - left_c * n_c / (n_c + SHRINK))
        return DimensionResult(lean=lean, metrics=metrics, metric_turns=linked, notes=tuple(notes),
                               evidence=pick_evidence(contributions, lean, config.evidence_size))


def uptake_of(reply: Turn, reply_label: TurnLabels, source: Turn, source_label: TurnLabels,
              asked: bool, *, thread: bool = False) -> float:
    """Uptake of ``reply`` of the other party's previous turn ``source``, in [0, 1] (module docstring).
    ``asked``: ``source`` asks a question; ``thread``: ``source`` answered the replier's own question.

    >>> from equipoise.model import Role, Speaker, Turn
    >>> from equipoise.label.labels import TurnLabels
    >>> c, t = Speaker("C", Role.CLIENT), Speaker("T", Role.THERAPIST)
    >>> bid = Turn(0, c, "Can we talk about my mum? It was bad.")
    >>> no = Turn(1, t, "Not today, we have ten minutes left.")
    >>> uptake_of(no, TurnLabels(behaviour="input"), bid, TurnLabels(), True)
    0.0
    >>> uptake_of(Turn(2, c, "I already blocked them on every app."), TurnLabels(),
    ...           Turn(1, t, "You should block them."), TurnLabels(input_type="advice"), False)
    1.0
    """
    if _DEFLECTION.match(reply.text):
        return 0.0
    if "disagreement" in reply_label.markers and not asked:
        return 0.0  # brushing a statement, reflection or advice aside (3.x: 0.5); "No" can answer a question
    if reply_label.behaviour == "reflection":
        return 1.0
    lexical = _lexical(reply.text, source.text)
    if lexical > 0 and asks_or_marks(reply.text, reply_label.behaviour):
        return 1.0      # a follow-up question
    acknowledged = ACKNOWLEDGED if _ACKNOWLEDGEMENT.match(reply.text) else 0.0
    if reply.role is Role.CLIENT:
        if asked:
            opens = _opens(source, source_label)
            if _answers(reply.text) or (not opens and _YES_NO.match(reply.text)):
                return 1.0
            # "fine" or "dunno" does not answer "What happened on Tuesday?"
            return lexical if opens else max(lexical, acknowledged)
        # The client continues a reflection or reports on advice or a directive.
        invited = source_label.behaviour == "reflection" or is_directive(source_label)
        if invited and _answers(reply.text):
            return 1.0
        return max(lexical, acknowledged)
    if asked and _answers(reply.text):
        return 1.0      # the therapist answers the client's question
    if thread and (asks_or_marks(reply.text, reply_label.behaviour) or "affirmation" in reply_label.markers):
        return max(lexical, ACKNOWLEDGED)  # the next question of the therapist's line, or praise
    if "affirmation" in reply_label.markers:
        acknowledged = ACKNOWLEDGED
    return max(lexical, acknowledged)


def _lexical(taker: str, source: str) -> float:
    """Lexical uptake: the share of ``source``'s content words ``taker`` repeats, counted out of at most
    five, so that one word taken up from a long turn is not lost in it."""
    src = content_words(source)
    if not src:
        return 0.0
    return min(1.0, len(src & content_words(taker)) / min(len(src), 5))


def _answers(text: str) -> bool:
    """Whether a reply says something beyond "fine", "dunno", "I don't know" or "whatever"."""
    rest = _NOT_AN_ANSWER.sub(" ", text.lower())
    return any(w not in _EMPTY_WORDS for w in re.findall(r"[a-z']+", rest))


def _opens(turn: Turn, label: TurnLabels) -> bool:
    """Whether ``turn`` ends in an open question (labelled so, or a wh-question before its last ``?``, which
    an unpunctuated turn gets from the question model: :func:`~equipoise.label.sentences.restore`)."""
    return label.question_type == "open" or bool(_OPEN_QUESTION.search(restore(turn.text)))


ANALYSER = ResponsivenessAnalyser()
