"""Topic openings: turns with little in common with the recent context (agenda, client agency, partnership).

A turn opens a topic when it has at least ``topic_min_words`` content words and fewer than
``topic_threshold`` of them occur in the previous ``topic_context`` turns (lexical similarity; the
first substantive turn of a session opens its first topic). A turn labelled a reflection never opens a
topic: it follows the client by definition, whatever its words. This is the lexical-cohesion idea behind
TextTiling (Hearst 1997) reduced to one turn against its context.

>>> from equipoise.model import Role, Speaker, Turn
>>> c = Speaker("C", Role.CLIENT)
>>> turns = [Turn(0, c, "My sister moved away in March."), Turn(1, c, "My sister calls every week."),
...          Turn(2, c, "Work has been brutal, deadlines everywhere.")]
>>> opening_positions(turns, Config())
[0, 2]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model import Role, Turn
from .base import Config, last_call
from .text import content_words

if TYPE_CHECKING:
    from ..label.labels import Labels


def opening_positions(turns: Sequence[Turn], config: Config, labels: Labels | None = None) -> list[int]:
    """Positions (within ``turns``) of the turns that open a new topic."""
    return list(_opening_positions(turns, config, labels))


@last_call
def _opening_positions(turns: Sequence[Turn], config: Config, labels: Labels | None) -> tuple[int, ...]:
    """:func:`opening_positions`, computed once for agenda, client agency and partnership together."""
    found: list[int] = []
    for pos, turn in enumerate(turns):
        if labels is not None and labels.turns[pos].behaviour == "reflection":
            continue
        words = content_words(turn.text)
        if len(words) < config.topic_min_words:
            continue
        context: set[str] = set()
        for prev in turns[max(0, pos - config.topic_context):pos]:
            context |= content_words(prev.text)
        if len(words & context) / len(words) < config.topic_threshold:
            found.append(pos)
    return tuple(found)


def openings_by_role(turns: Sequence[Turn], config: Config,
                     labels: Labels | None = None) -> dict[Role, list[int]]:
    """The turn indices (``Turn.index``) of the therapist's and the client's topic openings, in order.

    >>> from equipoise.model import Speaker
    >>> t, c = Speaker("T", Role.THERAPIST), Speaker("C", Role.CLIENT)
    >>> openings_by_role([Turn(0, t, "How has the week at work been?"),
    ...                   Turn(1, c, "My sister moved away in March.")], Config())
    {<Role.THERAPIST: 'therapist'>: [0], <Role.CLIENT: 'client'>: [1]}
    """
    found: dict[Role, list[int]] = {Role.THERAPIST: [], Role.CLIENT: []}
    for pos in opening_positions(turns, config, labels):
        if turns[pos].role in found:
            found[turns[pos].role].append(turns[pos].index)
    return found
