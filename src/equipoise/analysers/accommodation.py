"""Accommodation: who adapts their style to whom ("Echoes of power").

Linguistic coordination after Danescu-Niculescu-Mizil, Lee, Pang & Kleinberg (2012, "Echoes of power:
language effects and power differences in social interaction", WWW). For a speaker b replying to a and a
function-word class m:

    C_m(b, a) = P(reply of b exhibits m | turn of a exhibits m) - P(reply of b exhibits m)

over the exchanges (a's turn, b's immediate reply). Coordination of b toward a is the mean of C_m over the
classes for which a exhibited m at least once (the paper's "aggregate 1"). The eight classes are the
paper's LIWC categories (articles, auxiliary verbs, conjunctions, high-frequency adverbs, impersonal and
personal pronouns, prepositions, quantifiers) with our own open word lists (LIWC is proprietary), see
:data:`equipoise.analysers.text.FUNCTION_CLASSES`. Differences from the paper: the parties are the two
roles (all therapists pooled, all clients pooled) within one session, not individuals across a corpus,
so the estimates are noisier.

Metrics: ``coordination_client_to_therapist``, ``coordination_therapist_to_client``, their difference
``coordination_gap`` and the number of exchanges each way.

Turns behind each metric (``metric_turns``): ``exchanges_client_to_therapist`` links the client's replies
to a therapist turn, ``exchanges_therapist_to_client`` the therapist's replies to a client turn. The
coordination estimates are probabilities over every exchange in one direction and link none.

Lean: tanh(gap / 0.1), gap = C(client toward therapist) - C(therapist toward client): the paper finds
that the party with less power coordinates more, so a client who adapts more gives the therapist the lever.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import TYPE_CHECKING

from ..model import Role
from .base import BaseAnalyser, Config, DimensionResult, DimensionWords, kinds, mean, pick_evidence
from .text import FUNCTION_CLASSES, function_classes

if TYPE_CHECKING:
    from ..label.labels import Labels
    from ..model import Transcript

SCALE = 0.1


class AccommodationAnalyser(BaseAnalyser):
    """Function-word coordination in both directions (Danescu-Niculescu-Mizil et al. 2012)."""

    name = "accommodation"
    version = "1.0"
    requires = frozenset({"dyad"})
    antisymmetric = True
    description = ("Who adapts to whom: linguistic coordination on function-word classes in each direction "
                   "(Danescu-Niculescu-Mizil et al. 2012) and the difference between the directions.")
    cannot_know = ("Adaptation in tone, pace, vocabulary or topic; whether coordination reflects deference, "
                   "rapport or a therapist deliberately matching the client. A single session gives a noisy "
                   "estimate.")

    words = DimensionWords(
        title='Accommodation', client_title='Whose way of speaking was followed',
        measures=('Linguistic coordination on function-word classes in each direction and '
                  'the difference between the directions (“Echoes of power”, '
                  'Danescu-Niculescu-Mizil et al. 2012).'),
        client_measures="Whether one of you tended to pick up the other's way of speaking more.",
        cannot_know=('It needs many turns to be stable, so short sessions give noisy values;'
                     ' it says nothing about what was said.'),
        client_cannot_know=('It needs a long conversation to say much, and it says nothing '
                            'about what was said.'),
        client_leans=(
            "you {more} often took up your therapist's way of speaking than the reverse",
            'your therapist {more} often took up your way of speaking than the reverse',
        ),
        course_name='accommodation')
    power_weight = 0.0
    shared_weight = 0.0
    metric_kinds = kinds({'coordination_client_to_therapist': 'estimate',
                    'coordination_therapist_to_client': 'estimate', 'coordination_gap': 'estimate',
                    'exchanges_client_to_therapist': 'count', 'exchanges_therapist_to_client': 'count'})

    def analyse(self, transcript: Transcript, labels: Labels | None, config: Config) -> DimensionResult:
        """Compute coordination in both directions for one transcript or window."""
        turns = transcript.turns
        exchanges: dict[Role, list[tuple[frozenset[str], frozenset[str], int]]] = {
            Role.THERAPIST: [], Role.CLIENT: []}
        for prev, reply in pairwise(turns):
            if reply.role in exchanges and prev.role in exchanges and prev.role is not reply.role:
                exchanges[reply.role].append(
                    (function_classes(prev.text), function_classes(reply.text), reply.index))
        c_client = _coordination(exchanges[Role.CLIENT])
        c_therapist = _coordination(exchanges[Role.THERAPIST])
        metrics: dict[str, float | None] = {
            "coordination_client_to_therapist": c_client,
            "coordination_therapist_to_client": c_therapist,
            "coordination_gap": None if c_client is None or c_therapist is None else c_client - c_therapist,
            "exchanges_client_to_therapist": float(len(exchanges[Role.CLIENT])),
            "exchanges_therapist_to_client": float(len(exchanges[Role.THERAPIST])),
        }
        linked = {"exchanges_client_to_therapist": tuple(i for _, _, i in exchanges[Role.CLIENT]),
                  "exchanges_therapist_to_client": tuple(i for _, _, i in exchanges[Role.THERAPIST])}
        gap = metrics["coordination_gap"]
        if gap is None:
            return DimensionResult.unavailable(
                "no function-word class was used in both directions of the exchanges", metrics, linked)
        lean = math.tanh(gap / SCALE)
        contributions: dict[int, float] = {}
        for role, sign in ((Role.CLIENT, 1.0), (Role.THERAPIST, -1.0)):
            for before, after, index in exchanges[role]:
                contributions[index] = sign * len(before & after) / len(FUNCTION_CLASSES)
        return DimensionResult(lean=lean, metrics=metrics, metric_turns=linked,
                               evidence=pick_evidence(contributions, lean, config.evidence_size))


def _coordination(pairs: list[tuple[frozenset[str], frozenset[str], int]]) -> float | None:
    """Mean over classes of P(reply has m | prompt has m) - P(reply has m); None if no class is defined."""
    if not pairs:
        return None
    values = []
    for m in FUNCTION_CLASSES:
        triggered = [after for before, after, _ in pairs if m in before]
        if not triggered:
            continue
        p_given = sum(m in after for after in triggered) / len(triggered)
        p_base = sum(m in after for _, after, _ in pairs) / len(pairs)
        values.append(p_given - p_base)
    return mean(values)


ANALYSER = AccommodationAnalyser()
