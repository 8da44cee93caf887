"""Directiveness: telling against guiding ("she expressed views about how I should live my life").

Per turn, read from the labels (any role, so the measure is symmetric):
  - a directive act: input type ``advice``, stance ``directive``, or a ``directive``, ``advice`` or
    ``confront`` marker ("you should / need to / must", imperatives, persuasion, confrontation). Advice
    or a directive stance that only the learned heads see, with none of those markers in its words,
    counts a quarter (``LEARNED_ONLY``, version 1.1): the heads, trained on MI and support chats, take
    interpretations and teaching for advice ("Or perhaps it feels safer to be unfair to yourself"), which
    readers do not count as telling the client what to do;
  - information given without asking: input type ``information`` with no ``permission`` marker, not
    answering a question of the other party; it counts half a directive act;
  - an autonomy-supporting act: a ``permission``, ``autonomy`` or ``options`` marker, or input type
    ``options`` (MITI 4.2.1 "Seeking Collaboration" and "Emphasizing Autonomy" against "Persuade" and
    "Confront"); asking the other's view or wishes (a ``collaboration`` or ``feedback_request`` marker:
    "What would you like to do?", "What do you think?") counts half of one (version 1.2).

  - a client's own decision or plan (agenda's goal phrases: "I'll ring her on Sunday", "I've decided to
    ..."), when not itself a directive act and not answering a therapist's directive act (going along
    with it is not deciding), counts half a directive act of the client (``CLIENT_DECISION``, version
    1.3): readers judge this lever by who decides.

Metrics per role: ``directive_rate_<role>`` and ``autonomy_rate_<role>`` (acts per turn), counts of
advice, confrontation, unsolicited information and permission for the therapist, and ``decisions_client``
(the client's own decisions).

Turns behind each metric (``metric_turns``): ``directive_rate_<role>`` the turns with a directive act or
unasked-for information (the rate's numerator weighs the latter half and a learned-only act a quarter),
``autonomy_rate_<role>`` the autonomy-supporting turns, each therapist count (``advice_therapist``,
``confront_therapist``, ``unsolicited_information_therapist``, ``permission_therapist``) the turns it
counts, and ``decisions_client`` the client's decisions (also in ``directive_rate_client``).

Version 1.1 was first run on the seventh validation hold-out (directiveness 13 -> 15 of 20 there;
docs/power-model.md); version 1.2 on the tenth (7 -> 9 of 20); version 1.3 on the eighteenth (9 -> 13).

Lean: stretch(tanh(3 * (net_T - net_C))) where net = (directive acts - autonomy-supporting acts) / turns
and stretch spreads the lean away from 0 (:func:`~equipoise.analysers.base.stretch`, version 1.4). The
factor 3 maps one net directive act in every three turns to a lean of about 0.76.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..model import Role
from .agenda import proposes_goal
from .base import (
    BaseAnalyser,
    Config,
    DimensionResult,
    DimensionWords,
    kinds,
    last_call,
    pick_evidence,
    ratio,
    stretch,
)
from .text import asks

if TYPE_CHECKING:
    from ..label.labels import Labels, TurnLabels
    from ..model import Transcript

DIRECTIVE_MARKERS = frozenset({"directive", "advice", "confront"})
AUTONOMY_MARKERS = frozenset({"permission", "autonomy", "options"})
#: Asking the other's view or wishes: half an autonomy-supporting act (``ASKING_VIEW_WEIGHT``).
ASKING_VIEW_MARKERS = frozenset({"collaboration", "feedback_request"})
ASKING_VIEW_WEIGHT = 0.5
SCALE = 3.0
#: Median of ``directive_rate_therapist`` in AnnoMI's high-quality sessions (docs/power-model.md, Norms):
#: the reference partnership and client agency shrink the therapist's direction towards.
DIRECTIVE_RATE_MEDIAN = 0.056
#: Weight of a client's own decision or plan (version 1.3): half a directive act of the client.
CLIENT_DECISION = 0.5
#: Weight of a directive act seen only by the learned heads (no directive, advice or confront marker).
LEARNED_ONLY = 0.25


class DirectivenessAnalyser(BaseAnalyser):
    """Advice, directives, confrontation and unasked-for information against autonomy support."""

    name = "directiveness"
    version = "1.4"
    requires = frozenset({"labels", "dyad"})
    #: Not since version 1.3: a client's own decision counts half a directive act of the client, while a
    #: therapist stating a plan of their own directs no one, so swapping the roles does not flip the lean
    #: exactly (it does for every other act).
    antisymmetric = False
    description = ("Telling against guiding: advice, directives, confrontation and information given "
                   "without asking, set against asking permission, offering options, asking the client's "
                   "view and emphasising the client's autonomy.")
    cannot_know = ("Tone and context: advice the client asked for earlier, directives agreed as part of a "
                   "treatment plan (exposure work, safety planning), or indirect pressure in polite words.")

    words = DimensionWords(
        title='Directiveness', client_title='Advice and direction',
        measures=('Advice and directives (“you should”, imperatives), persuasion, '
                  'confrontation and information given without asking, against asking '
                  "permission, offering options, asking the client's view and stressing the client's "
                  'autonomy.'),
        client_measures=('How often your therapist suggested what to do, and how often they '
                         'asked first, offered choices or said the decision was yours.'),
        cannot_know=('Whether the client asked for direction, and the settings in which '
                     'direction is exactly what is wanted.'),
        client_cannot_know=('Whether you asked for advice: sometimes direction is exactly '
                            'what is wanted.'),
        client_leans=(
            'your therapist {more} often suggested what to do than left the choice to you',
            'your therapist {more} often left the choice to you than suggested what to do',
        ),
        course_name='directiveness')
    power_weight = 1.0
    shared_weight = 2.0
    metric_kinds = kinds({'directive_rate_<role>': 'rate', 'autonomy_rate_<role>': 'rate',
                    'advice_therapist': 'count', 'confront_therapist': 'count',
                    'unsolicited_information_therapist': 'count', 'permission_therapist': 'count',
                    'decisions_client': 'count'})

    @last_call  # partnership and client agency read this lean too (:mod:`equipoise.analysers.steering`)
    def analyse(self, transcript: Transcript, labels: Labels | None, config: Config) -> DimensionResult:
        """Compute directive and autonomy-supporting acts for one transcript or window."""
        assert labels is not None
        turns = transcript.turns
        roles = (Role.THERAPIST, Role.CLIENT)
        directive = {r: 0.0 for r in roles}
        autonomy = {r: 0.0 for r in roles}
        n = {r: 0 for r in roles}
        directive_turns: dict[Role, list[int]] = {r: [] for r in roles}
        autonomy_turns: dict[Role, list[int]] = {r: [] for r in roles}
        kind_turns: dict[str, list[int]] = {"advice": [], "confront": [], "unsolicited_information": [],
                                            "permission": []}
        decisions: list[int] = []
        contributions: dict[int, float] = {}
        for turn, (d, a, turn_kinds) in zip(turns, turn_acts(transcript, labels), strict=True):
            if turn.role not in n:
                continue
            n[turn.role] += 1
            directive[turn.role] += d
            autonomy[turn.role] += a
            if d:
                directive_turns[turn.role].append(turn.index)
            if a:
                autonomy_turns[turn.role].append(turn.index)
            if turn.role is Role.THERAPIST:
                for kind in turn_kinds:
                    kind_turns[kind].append(turn.index)
            elif "decision" in turn_kinds:
                decisions.append(turn.index)
            if d or a:
                contributions[turn.index] = (d - a) * (1.0 if turn.role is Role.THERAPIST else -1.0)
        metrics: dict[str, float | None] = {}
        linked: dict[str, tuple[int, ...]] = {}
        for role in roles:
            metrics[f"directive_rate_{role.value}"] = ratio(directive[role], n[role])
            metrics[f"autonomy_rate_{role.value}"] = ratio(autonomy[role], n[role])
            linked[f"directive_rate_{role.value}"] = tuple(directive_turns[role])
            linked[f"autonomy_rate_{role.value}"] = tuple(autonomy_turns[role])
        metrics.update({f"{kind}_therapist": float(len(found)) for kind, found in kind_turns.items()})
        linked.update({f"{kind}_therapist": tuple(found) for kind, found in kind_turns.items()})
        metrics["decisions_client"] = float(len(decisions))
        linked["decisions_client"] = tuple(decisions)
        net = {r: (directive[r] - autonomy[r]) / n[r] if n[r] else 0.0 for r in roles}
        lean = stretch(math.tanh(SCALE * (net[Role.THERAPIST] - net[Role.CLIENT])))   # 1.4: see stretch
        return DimensionResult(lean=lean, metrics=metrics, metric_turns=linked,
                               evidence=pick_evidence(contributions, lean, config.evidence_size))


def is_directive(label: TurnLabels) -> bool:
    """Whether a turn tells the other what to do: advice (labelled or by its words), a directive stance,
    a directive or a confrontation. The one rule for directiveness, client agency (pushback answers a
    directive) and responsiveness (a client's report on a directive takes it up)."""
    return (label.input_type == "advice" or label.stance == "directive"
            or not DIRECTIVE_MARKERS.isdisjoint(label.markers))


@last_call
def turn_acts(transcript: Transcript, labels: Labels) -> tuple[tuple[float, float, tuple[str, ...]], ...]:
    """Per turn: (directive weight, autonomy weight, kinds), by the rules in the module docstring. Shared
    with partnership and client agency (:func:`therapist_direction`), so computed once for all three."""
    turns = transcript.turns
    found = []
    for pos, label in enumerate(labels.turns):
        asked = pos > 0 and turns[pos - 1].role is not turns[pos].role and asks(
            turns[pos - 1].text, labels.turns[pos - 1].behaviour)
        directive, autonomy, turn_kinds = _acts(label, asked)
        if not directive and turns[pos].role is Role.CLIENT and proposes_goal(turns[pos].text) and not (
                pos > 0 and turns[pos - 1].role is not Role.CLIENT and is_directive(labels.turns[pos - 1])):
            directive = CLIENT_DECISION     # the client decides (not complying with a directive act)
            turn_kinds = [*turn_kinds, "decision"]
        found.append((directive, autonomy, tuple(turn_kinds)))
    return tuple(found)


def therapist_direction(transcript: Transcript, labels: Labels) -> tuple[float, int, tuple[int, ...]]:
    """(the therapist's directive acts, weighed as above; the therapist's turns; the turns with an act):
    the direction that partnership and client agency read beside their own counts."""
    directive, n, found = 0.0, 0, []
    for turn, (weight, _, _) in zip(transcript.turns, turn_acts(transcript, labels), strict=True):
        if turn.role is Role.THERAPIST:
            n += 1
            if weight:
                directive += weight
                found.append(turn.index)
    return directive, n, tuple(found)


def _acts(label: TurnLabels, asked: bool) -> tuple[float, float, list[str]]:
    """(directive weight, autonomy weight, kinds) of one turn."""
    markers = set(label.markers)
    kinds: list[str] = []
    directive = 0.0
    if is_directive(label):
        directive = 1.0 if markers & DIRECTIVE_MARKERS else LEARNED_ONLY
        if label.input_type == "advice" or "advice" in markers:
            kinds.append("advice")
        if "confront" in markers:
            kinds.append("confront")
    elif label.input_type == "information" and "permission" not in markers and not asked:
        directive = 0.5
        kinds.append("unsolicited_information")
    if label.input_type == "options" or markers & AUTONOMY_MARKERS:
        autonomy = 1.0
    else:
        autonomy = ASKING_VIEW_WEIGHT if markers & ASKING_VIEW_MARKERS else 0.0
    if "permission" in markers:
        kinds.append("permission")
    return directive, autonomy, kinds


ANALYSER = DirectivenessAnalyser()
