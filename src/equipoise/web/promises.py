"""What the app promises a client about who sees what: one table, read by the pages that make the promise
(invitation, consent, the check-in's thank-you) and by the code that decides (:func:`words_reach`).

A test walks every page of every party and checks each cell against what really appears, so a page cannot
promise more than the authorization code keeps.

>>> sees("administrator", "answers", allows_supervisor=True)
False
>>> sees("supervisor", "words", allows_supervisor=False), sees("supervisor", "words", allows_supervisor=True)
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["answers", "words", "analyses", "conversation"]
# "if_you_allow": the client's own choice; "if_names_shared": the therapist's choice for a supervisor.
Rule = Literal["yes", "no", "if_you_allow", "if_names_shared"]

KINDS: dict[Kind, str] = {
    "answers": "your check-in answers (the numbers and who held the power)",
    "words": "your own words: your check-in comments, any \u201csomething else\u201d answer and your "
             "comments on the practice agreement (with your therapist's answers to them)",
    "analyses": "your sessions' analyses and reports",
    "conversation": "the words of your sessions' conversations (the transcripts)",
}


@dataclass(frozen=True, slots=True)
class Party:
    """Someone who could read what a client gives, what they see, and the sentence the pages say."""

    key: str
    rules: dict[Kind, Rule]
    sentence: str


PARTIES: tuple[Party, ...] = (
    Party("therapist", {"answers": "yes", "words": "yes", "analyses": "yes", "conversation": "yes"},
          "Your therapist sees your check-in answers and comments, and your sessions' transcripts and "
          "reports; your self-description (\u201cAbout me\u201d) only if you choose."),
    Party("supervisor", {"answers": "yes", "words": "if_you_allow", "analyses": "yes",
                         "conversation": "if_names_shared"},
          "A supervisor, only if your therapist chose one for their work, reads your check-in answers and "
          "your sessions' analyses and reports, without changing anything. You appear to them as "
          "\u201cClient 1\u201d, \u201cClient 2\u201d \u2026 and the words of the conversation are left "
          "out, unless your therapist shares names. They also read the practice agreement and which items "
          "you marked. Your comments (on check-ins and on the agreement) reach a supervisor only if you "
          "allow it (on your consent page), and your self-description only if you choose (on "
          "\u201cAbout me\u201d)."),
    Party("administrator", {"answers": "no", "words": "no", "analyses": "no", "conversation": "no"},
          "The administrator of this Equipoise manages accounts and sees none of your sessions, answers, "
          "comments or self-description."),
    # The research export (:mod:`.research`): the therapist downloads it; the app sends nothing anywhere.
    Party("research", {"answers": "no", "words": "no", "analyses": "yes", "conversation": "no"},
          "Research: while you consent, your therapist can download a table of your sessions' measured "
          "numbers (who held the power, and each of its levers) for research they must hold your consent "
          "for; you appear in it as a code such as \u201cclient-2\u201d, never by name, and it holds none "
          "of your words, answers or conversations. Your self-description reaches it only if you choose "
          "research use (on \u201cAbout me\u201d), and then only the answers you picked from the lists, "
          "never your own words. The app sends nothing anywhere itself; only you can download a copy of "
          "all your data."),
)
BY_KEY = {party.key: party for party in PARTIES}


def sees(party: str, kind: Kind, *, allows_supervisor: bool, names_shared: bool = False) -> bool:
    """Whether ``party`` sees ``kind`` of a client's data, given the client's choice about supervisors
    (``allows_supervisor``) and the therapist's (``names_shared``)."""
    rule = BY_KEY[party].rules[kind]
    return (rule == "yes" or (rule == "if_you_allow" and allows_supervisor)
            or (rule == "if_names_shared" and names_shared))


def words_reach(mode: str, *, allows_supervisor: bool) -> bool:
    """Whether a viewer reaching a client as ``mode`` (owner, self, supervisor) reads the client's words."""
    if mode == "self":
        return True
    party = "therapist" if mode == "owner" else "supervisor"
    return sees(party, "words", allows_supervisor=allows_supervisor)


def sentences(allows_supervisor: bool | None = None) -> list[str]:
    """The promises in plain words, with the client's current choice about supervisors when known."""
    out = [party.sentence for party in PARTIES]
    if allows_supervisor is not None:
        out.append("You have chosen that your comments " + ("may" if allows_supervisor else "do not") +
                   " reach a supervisor.")
    return out
