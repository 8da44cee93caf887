"""Disclosure: who reveals themselves to whom ("a one-way disclosure of personal, private information").

Metrics per role: ``disclosure_rate_<role>`` = turns with a ``self_disclosure`` marker / turns of the role,
``disclosures_<role>`` (counts) and ``first_person_rate_<role>`` = first-person singular pronouns per word,
the lexical signal of self-focused talk (Pennebaker's "I"-words; Tausczik & Pennebaker 2010).

Turns behind each metric (``metric_turns``): ``disclosures_<role>`` and ``disclosure_rate_<role>`` the
role's turns with the marker; ``first_person_rate_<role>`` is a share of all the role's words and links
none.

Lean (version 1.2): (d_C - d_T) / (d_C + d_T + k) with d = disclosure rate + 2 x first-person rate
(``FIRST_PERSON_WEIGHT``; "I", "me", "my" per word) and k = ``KAPPA`` = 0.1. Version 1.1 read the marked
disclosures alone: the marker misses much of what readers call revealing oneself (a client's account of
her own week in her own words; a counsellor's story of clearing her mother's house), and readers of the
validation sessions disagreed with it on 61 of 264 sessions; adding each side's self-focus brought that
to 47 (docs/power-model.md). The party who
discloses less while the other discloses more holds the knowledge, and the lever: a client who discloses
to a therapist who does not moves the lean toward +1; mutual disclosure gives 0. Knowledge asymmetry is
part of therapy's frame, so a positive lean here is expected; the norms show how large it usually is.
``k`` is our smoothing, not from a source: without it (version 1.0) any session in which the therapist
never disclosed read +1, whether the client disclosed once or in every turn, which was the case in most
reference sessions and told the reader nothing. With it the lean grows with the size of the asymmetry: a
client disclosing in 10% of turns to a therapist who does not gives +0.5, in 30% gives +0.75.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Role
from .base import BaseAnalyser, Config, DimensionResult, DimensionWords, clip, kinds, pick_evidence, ratio
from .text import tokens

if TYPE_CHECKING:
    from ..label.labels import Labels
    from ..model import Transcript

FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})
#: Pseudo-rate added to the denominator of the lean (see the module docstring).
KAPPA = 0.1
#: Weight of the first-person rate (per word) added to the disclosure rate (per turn) in the lean
#: (version 1.2).
FIRST_PERSON_WEIGHT = 2.0


class DisclosureAnalyser(BaseAnalyser):
    """Self-disclosure by each party and the asymmetry between them."""

    name = "disclosure"
    version = "1.2"
    requires = frozenset({"labels", "dyad"})
    antisymmetric = True
    description = ("Who reveals themselves: the rate of personal self-disclosure of each party and the "
                   "asymmetry between them.")
    cannot_know = ("How private or costly a disclosure was; what was disclosed before the session (intake "
                   "forms, records); disclosure without first-person words. The marker is rule-based.")

    words = DimensionWords(
        title='Disclosure', client_title='Who learned more about the other',
        measures='How often each person shares personal, private information, and how unequal that is.',
        client_measures='How much each of you shared about yourselves.',
        cannot_know='What was shared in earlier sessions, and whether sharing felt safe or pressured.',
        client_cannot_know='What was shared in earlier sessions, and how safe sharing felt.',
        client_leans=(
            'you shared {more} about yourself than your therapist did',
            'your therapist shared {more} about themselves than you did',
        ),
        course_name='disclosure')
    power_weight = 0.25
    shared_weight = 0.0
    metric_kinds = kinds({'disclosure_rate_<role>': 'rate', 'disclosures_<role>': 'count',
                    'first_person_rate_<role>': 'rate'})

    def analyse(self, transcript: Transcript, labels: Labels | None, config: Config) -> DimensionResult:
        """Compute self-disclosure rates for one transcript or window."""
        assert labels is not None
        roles = (Role.THERAPIST, Role.CLIENT)
        disclosures: dict[Role, list[int]] = {r: [] for r in roles}
        n = {r: 0 for r in roles}
        words = {r: 0 for r in roles}
        first = {r: 0 for r in roles}
        contributions: dict[int, float] = {}
        for turn, label in zip(transcript.turns, labels.turns, strict=True):
            if turn.role not in n:
                continue
            n[turn.role] += 1
            toks = tokens(turn.text)
            words[turn.role] += len(toks)
            first[turn.role] += sum(1 for w in toks if w in FIRST_PERSON)
            if "self_disclosure" in label.markers:
                disclosures[turn.role].append(turn.index)
                contributions[turn.index] = -1.0 if turn.role is Role.THERAPIST else 1.0
        metrics: dict[str, float | None] = {}
        linked: dict[str, tuple[int, ...]] = {}
        for role in roles:
            metrics[f"disclosure_rate_{role.value}"] = ratio(len(disclosures[role]), n[role])
            metrics[f"disclosures_{role.value}"] = float(len(disclosures[role]))
            linked[f"disclosure_rate_{role.value}"] = linked[f"disclosures_{role.value}"] = tuple(
                disclosures[role])
            metrics[f"first_person_rate_{role.value}"] = ratio(first[role], words[role])
        # Version 1.2: each side's marked disclosures plus its self-focus (first-person words).
        rate_t, rate_c = (
            (metrics[f"disclosure_rate_{role.value}"] or 0.0)
            + FIRST_PERSON_WEIGHT * (metrics[f"first_person_rate_{role.value}"] or 0.0) for role in roles)
        lean = clip((rate_c - rate_t) / (rate_c + rate_t + KAPPA))
        notes = () if disclosures[Role.THERAPIST] or disclosures[Role.CLIENT] else (
            "no self-disclosure found on either side",)
        return DimensionResult(lean=lean, metrics=metrics, notes=notes, metric_turns=linked,
                               evidence=pick_evidence(contributions, lean, config.evidence_size))


ANALYSER = DisclosureAnalyser()
