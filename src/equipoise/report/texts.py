"""Plain-language words of the reports: what each dimension measures and what it cannot know.

Two audiences read them. The therapist version (the default) names the measurement; the client version
says the same thing without jargon and without judgement. Neither grades anyone: a lean is a description
of who held a lever in this conversation, shown beside the range seen in reference sessions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from ..analysers.base import DimensionWords
from ..analysers.registry import Declared, declared
from ..validation import THRESHOLD

Audience = Literal["therapist", "client"]
AUDIENCES: tuple[Audience, ...] = ("therapist", "client")


#: The words for one dimension, for each audience (declared on its analyser).
DimensionText = DimensionWords


#: Each dimension's words, as its analyser declares them (``words``), in report order.
DIMENSIONS: Mapping[str, DimensionText] = declared("words")
DIMENSION_ORDER: Mapping[str, DimensionText] = DIMENSIONS

#: What each dimension cannot see, said to the client.
CLIENT_LIMITS: Mapping[str, str] = Declared(lambda a: a.words.client_cannot_know if getattr(a, "words", None)
                                            else None)

# Label names said to the client, where the clinical term would puzzle or sting.
CLIENT_LABEL_WORDS: dict[str, str] = {
    "change": "talking about change", "sustain": "reasons to keep things as they are",
    "simple": "reflection", "complex": "reflection", "open": "open question", "closed": "yes/no question",
    "information": "information", "advice": "advice", "negotiation": "agreeing on plans",
    "options": "offers choices", "directive": "direction", "self_disclosure": "shares about self",
    "disagreement": "disagrees", "affirmation": "affirms", "hedge": "tentative",
}

INTRO: dict[Audience, str] = {
    "therapist": (
        "Who held which lever of power in this session, along eight dimensions. Each lean runs from "
        "\u22121 (the client holds that lever) through 0 (shared) to +1 (the therapist holds it), beside "
        "the range seen in high-quality reference sessions. These are descriptions, not grades: a number "
        "here is a starting point for reflection or supervision."),
    "client": (
        "This is a picture of how the conversation went: who talked, who chose the subjects, who "
        "suggested what to do. It is not a score for you or for your therapist, and there are no right "
        "answers. It may help you talk with your therapist about how the sessions feel."),
}

COURSE_INTRO: dict[Audience, str] = {
    "therapist": (
        "How the levers of power moved across the sessions of one therapy. Power is expected to shift back "
        "and forth over a relationship; a trend is a prompt for a conversation, not a verdict."),
    "client": (
        "How the conversations changed from one session to the next. Changes are normal; this picture may "
        "help you and your therapist talk about how the sessions feel."),
}

LIMITS: dict[Audience, str] = {
    "therapist": (
        "Equipoise reads words only. Labels come from a model trained on AnnoMI motivational-interviewing "
        "sessions and make mistakes; check the turns behind any number before drawing conclusions. Norms "
        "are percentiles of reference sessions, not targets."),
    "client": (
        "This picture comes from the words of the conversation only. It cannot see feelings, tone or what "
        "happened between sessions, and the computer that labelled the turns makes mistakes."),
}


def reader_check_text(key: str, audience: Audience) -> str:
    """How far this lean (a dimension's, or ``power`` for the overall lean) has matched careful readers, in
    words; empty when it has not been checked (no reader can judge it, or the record is not installed).

    >>> from equipoise.validation import reader_checks
    >>> "careful readers" in reader_check_text("agenda", "therapist") or not reader_checks()
    True
    >>> reader_check_text("no_such_lean", "client")
    ''
    """
    from ..validation import reader_checks

    check = reader_checks().get(key)
    if check is None or not check.profile[1] or not check.readers[1]:
        return ""
    (agree, n), (both, readers_n) = check.profile, check.readers
    if audience == "client":
        return (f"Checked against careful readers of sessions written for testing, this reading matched "
                f"theirs about {round(10 * agree / n)} times in 10.")
    return (f"Checked against careful readers: on {check.sets} validation sets that two readers judged, "
            f"this lean named the side both chose on {agree} of {n} judgements ({agree / n:.0%}); the two "
            f"readers chose the same side on {both} of {readers_n} ({both / readers_n:.0%}).")


def lean_phrase(lean: float | None, audience: Audience) -> str:
    """Describe a lean in words, without judgement. Under :data:`~equipoise.validation.THRESHOLD` (0.2) it
    reads "shared", the side the validation readers' judgements are compared with and the reader check
    beside it counts (it was 0.15: a lean of 0.17 was told as one side and checked as shared).

    >>> lean_phrase(0.7, "therapist"), lean_phrase(-0.3, "client"), lean_phrase(0.05, "client")
    ('mostly the therapist', 'leaning towards you', 'shared')
    >>> lean_phrase(0.17, "therapist"), lean_phrase(-0.2, "therapist")
    ('shared', 'leaning towards the client')
    """
    if lean is None:
        return "not measured"
    strength = "mostly" if abs(lean) >= 0.5 else "leaning towards"
    if abs(lean) < THRESHOLD:
        return "shared"
    if audience == "client":
        who = "your therapist" if lean > 0 else "you"
    else:
        who = "the therapist" if lean > 0 else "the client"
    return f"{strength} {who}"


# The client version says which way each dimension leans in a sentence about this conversation: "mostly
# your therapist" under "Who learned more about the other" is clear, under "Being heard" it is not.
# Each entry: (towards the therapist, towards the client); "{more}" becomes "clearly more" or "a little more".
CLIENT_LEANS: Mapping[str, tuple[str, str]] = Declared(
    lambda a: a.words.client_leans if getattr(a, "words", None) else None)
CLIENT_EVEN = "about even between you"


#: |lean| from which the client version says "clearly more" rather than "a little more". A floor lean of
#: 0.3 is a 65/35 split of the words; at 0.5 (75/25) the words said "a little more" before version 2.
CLEARLY = 0.3


def client_lean_phrase(key: str, lean: float | None, therapist_share: float | None = None) -> str:
    """Say in a sentence which way one dimension leans, for the client (falls back on :func:`lean_phrase`).

    ``therapist_share`` (the floor's word share of the therapist), when given, is said as a number too.

    >>> client_lean_phrase("disclosure", 0.9)
    'you shared clearly more about yourself than your therapist did'
    >>> client_lean_phrase("floor", -0.2), client_lean_phrase("floor", 0.1)
    ('you talked a little more than your therapist', 'about even between you')
    >>> client_lean_phrase("floor", 0.5, therapist_share=0.75)
    "your therapist talked clearly more than you (75% of the words were your therapist's)"
    """
    if lean is None or key not in CLIENT_LEANS:
        return lean_phrase(lean, "client")
    if abs(lean) < THRESHOLD:
        phrase = CLIENT_EVEN
    else:
        template = CLIENT_LEANS[key][0 if lean > 0 else 1]
        phrase = template.format(more="clearly more" if abs(lean) >= CLEARLY else "a little more")
    if therapist_share is not None:
        phrase += f" ({therapist_share:.0%} of the words were your therapist's)"
    return phrase


CLIENT_SUMMARY_TITLES = {"power_lean": "Who led, overall",
                         "partnership_index": "Shared power, overall"}


def client_course_statements(shifts: Sequence[tuple[str, int, float, float]], back_and_forth: Sequence[str],
                             ) -> list[str]:
    """The shifts of a course of sessions said to the client, with the client's names for the dimensions.

    Each shift is (series, first session after it, mean before, mean after), as in
    :class:`equipoise.course.Shift`.

    >>> client_course_statements([("floor", 3, 0.3, -0.3)], [])
    ['From session 3 on, “Who did the talking” leaned more towards you (+0.30 before, -0.30 after).']
    """
    def title(series: str) -> str:
        text = DIMENSIONS.get(series)
        return text.client_title if text else CLIENT_SUMMARY_TITLES.get(series, series.replace("_", " "))

    found = []
    for series, session, before, after in shifts:
        if series == "partnership_index":
            verb = "rose" if after > before else "fell"
            found.append(f"“{title(series)}” {verb} from session {session} on "
                         f"({before:.2f} before, {after:.2f} after; 0 to 1, higher is more shared).")
        elif series == "partnership":
            more = "working it out together" if after < before else "steering by your therapist"
            found.append(f"From session {session} on, there was more {more} "
                         f"({before:+.2f} before, {after:+.2f} after).")
        else:
            side = "you" if after < before else "your therapist"
            found.append(f"From session {session} on, “{title(series)}” leaned more towards {side} "
                         f"({before:+.2f} before, {after:+.2f} after).")
    found += [f"“{title(series)}” moved back and forth across the sessions." for series in back_and_forth]
    return found or ["Nothing changed much from one session to the next."]


def norm_phrase(position: str | None, audience: Audience) -> str:
    """Say where a value sits against the reference range."""
    if position is None:
        return ""
    words = {
        "below": ("below the usual range", "lower than in most sessions"),
        "within": ("within the usual range", "like most sessions"),
        "above": ("above the usual range", "higher than in most sessions"),
    }[position]
    return words[1] if audience == "client" else words[0]


LABEL_WORDS: dict[str, str] = {
    "reflection": "reflection", "question": "question", "input": "input", "other": "other",
    "open": "open question", "closed": "closed question",
    "simple": "simple reflection", "complex": "complex reflection",
    "information": "information", "advice": "advice", "negotiation": "negotiation", "options": "options",
    "directive": "directive", "collaborative": "collaborative",
    "change": "change talk", "sustain": "sustain talk",
    "permission": "asks permission", "autonomy": "supports autonomy", "autonomy_support": "supports autonomy",
    "affirmation": "affirmation", "self_disclosure": "self-disclosure", "disagreement": "disagreement",
    "we_language": "\u201cwe\u201d", "we": "\u201cwe\u201d", "hedge": "hedge",
}


def label_word(value: str, audience: Audience = "therapist") -> str:
    """A readable name for a label value or marker (unknown ones are de-underscored).

    >>> label_word("sustain"), label_word("sustain", "client")
    ('sustain talk', 'reasons to keep things as they are')
    """
    if audience == "client" and value in CLIENT_LABEL_WORDS:
        return CLIENT_LABEL_WORDS[value]
    return LABEL_WORDS.get(value, value.replace("_", " "))


_PARTIES: dict[str, tuple[str, str]] = {
    "therapist": ("the therapist", "your therapist"), "client": ("the client", "you"),
    "other": ("the other speakers", "the other speakers"),
}
#: Metric names the reports recognise when they say what a metric comes from (a test checks that the
#: pipeline emits each): scores that combine their card's other metrics, estimates over every exchange,
#: shares of the whole session, and means over every reply.
COMBINED_METRICS = frozenset({"score", "agency"})
ESTIMATE_PREFIXES = ("coordination",)
SESSION_SHARE_PREFIXES = ("word_share", "turn_share", "time_share")
REPLY_MEAN_WORD = "uptake"


NO_TURNS = {"therapist": "no turn counted in this number", "client": "no moment counted in this number"}


def metric_basis(key: str, audience: Audience = "therapist") -> str:
    """Why a metric links to no particular turns: what it is computed from, in a few words.

    >>> metric_basis("word_share_client"), metric_basis("mean_turn_words_therapist", "client")
    ('from every turn in the session', 'from everything your therapist said')
    """
    client = audience == "client"
    if key in COMBINED_METRICS:
        return "combines the other numbers here" if client else "combines the other measures of this card"
    if key.startswith(ESTIMATE_PREFIXES):
        return ("estimated from every exchange between you and your therapist" if client
                else "estimated from every exchange between therapist and client")
    if key.startswith(SESSION_SHARE_PREFIXES):
        return "from everything said in the session" if client else "from every turn in the session"
    role = key.rsplit("_", 1)[-1]
    if role in _PARTIES:
        party = _PARTIES[role][1 if client else 0]
        if REPLY_MEAN_WORD in key:
            return f"an average over every reply of {party}"
        return f"from everything {party} said" if client else f"from every turn of {party}"
    return "from everything said, not from particular moments" if client else \
        "from every turn, not from particular ones"


def humanise(name: str) -> str:
    """A metric key as words: ``word_share_therapist`` becomes ``word share therapist``."""
    return name.replace("_", " ").replace("  ", " ").strip()
