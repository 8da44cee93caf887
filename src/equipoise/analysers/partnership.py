"""Partnership: guiding with the client rather than steering them ("not there to tell ... but to guide").

Therapist behaviour counts from the labels, scored against the summary-score thresholds of the MITI 4.2.1
coding manual (Moyers, Manuel & Ernst 2014):
  - ``reflection_question_ratio`` R:Q = reflections / questions; fair 1:1, good 2:1.
  - ``complex_reflection_share`` %CR = complex / all reflections; fair 40%, good 50%.
  - ``collaboration_rate``: therapist turns with an affirmation, permission, options, autonomy,
    collaboration or feedback-request marker (asking for the client's view), per therapist turn: MITI's
    "Seeking Collaboration", "Emphasizing Autonomy" and "Affirm".
Also reported, outside the score: ``open_question_share`` (MITI 3.1.1 had %OQ; MITI 4 dropped it),
``we_rate`` ("we" language: in AnnoMI it goes with low rather than high quality, AUC 0.35, because "we
need to" is often directive), ``reflection_share`` of therapist turns and the counts.

Score P in [0, 1] (version 3.0), a weighted mean of six components, each computed from counts shrunk
towards the reference range: ``PRIOR`` (4) pseudo-turns at the median of AnnoMI's high-quality sessions
are added to every count, so a handful of turns cannot make a ratio extreme (x / n becomes
(x + 4 m) / (n + 4)):
  2 x min(RS / 0.4, 1) + 1 x min(R:Q / 2, 1) + 1 x min(collaboration / 0.2, 1) + 2 x (1 - min(T / 0.6, 1))
  + 2 x min(topics / 0.75, 1) + 3 x (1 - min(direction / 0.2, 1)), over 11,
with RS the share of therapist turns that are reflections, T (``telling_share``) the share that tell:
input labelled information or advice, topics (``client_topic_share``) the client's share of topic
openings and direction (``directive_rate_therapist``) the therapist's directive acts per therapist turn,
weighed as directiveness weighs them (medians: RS 0.25, R:Q 1.0, collaboration 0.1, T 0.07, topics 0.556,
direction 0.056). Version 3.0 added the last two, MITI 4.2.1's own definition of partnership (the
client's ideas shape the session; the clinician does not take the expert role): readers of the
validation sessions call a therapist who opens the topics and tells the client what to do "steering"
however much they reflect (docs/power-model.md: read sessions 136 -> 174 of 264; hold-out 14, first run,
8 -> 13 of 20; AnnoMI 0.890 -> 0.899). Version
2.0 had no telling component, so a therapist who lectured, with an affirmation now and then and no
question, scored R:Q at its prior and full collaboration, and read as "between" (docs/power-model.md).
R:Q's "good" is MITI's 2:1; RS 0.4 (about AnnoMI's upper quartile), collaboration 0.2 and T 0.6 are our
choices, set above the medians so that the pseudo-turns alone never earn full marks. Its own lean is 1 - 2P,
spread by :func:`~equipoise.analysers.base.stretch` (version 3.1; 0.1 becomes 0.2): low
partnership means the therapist holds the lever. Version 3.2 blends it with the steering levers' leans
(:mod:`~equipoise.analysers.steering`): lean = clip(1.25 x (0.3 own + 0.3 agenda + 0.4 directiveness)),
chosen by leave-one-hold-out-out cross-validation on the 484 judged validation sessions (partnership
325 -> 354; AnnoMI's shared-power index 0.848 -> 0.846; docs/power-model.md); a note gives the numbers.
``therapist_turns`` shows how many turns the score
rests on. Version 1.1 scored 2 x R:Q + %CR + collaboration (good 0.1) from raw counts: three reflections
(or three turns mislabelled as reflections) against three questions rated a fair R:Q however little the
therapist reflected, and one complex reflection scored %CR 100%. The reflection share is the strongest
single component on AnnoMI (AUC 0.84 out of fold, against 0.74 for R:Q), and %CR separated the ratings
the wrong way out of fold (0.43), so it is shown but no longer scored.

Turns behind each metric (``metric_turns``), always the numerator: ``reflection_question_ratio``,
``reflection_share`` and ``reflections`` the reflections (R:Q's denominator, the questions, is linked by
``questions``), ``complex_reflection_share`` the complex reflections, ``open_question_share`` the open
questions, ``collaboration_rate`` the collaborative turns, ``we_rate`` the turns with "we" language.
``telling_share`` the telling turns, ``therapist_turns`` the therapist's turns (the count the score
rests on), ``client_topic_share`` the client's topic openings, ``directive_rate_therapist`` the
therapist's directive turns; ``score`` combines the components and links none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Role
from .base import (
    PRIOR,
    BaseAnalyser,
    Config,
    DimensionResult,
    DimensionWords,
    clip,
    kinds,
    pick_evidence,
    ratio,
    shrunk,
    stretch,
)
from .directiveness import ASKING_VIEW_MARKERS, AUTONOMY_MARKERS, DIRECTIVE_RATE_MEDIAN, therapist_direction
from .steering import Blend
from .topics import openings_by_role

if TYPE_CHECKING:
    from ..label.labels import Labels
    from ..model import Transcript

#: Input subtypes that tell the client something (negotiation and options hand a choice over instead).
TELLING = frozenset({"information", "advice"})
COLLABORATION_MARKERS = AUTONOMY_MARKERS | ASKING_VIEW_MARKERS | {"affirmation"}
RS_GOOD, RQ_GOOD, COLLABORATION_GOOD = 0.4, 2.0, 0.2
#: Share of therapist turns that tell (information or advice) at which the telling component is 0: our
#: choice, twice AnnoMI's high-quality p90 (0.29).
TELLING_FULL = 0.6
WEIGHTS = {"rs": 2.0, "rq": 1.0, "collaboration": 1.0, "telling": 2.0, "topics": 2.0, "direction": 3.0}
#: Client share of topic openings at which the topics component is full (version 3.0; our choice, about
#: AnnoMI's high-quality p85, so the pseudo-openings alone never earn full marks).
TOPICS_GOOD = 0.75
#: Therapist directive acts per therapist turn (directiveness's weighting) at which the direction
#: component is 0 (version 3.0; our choice, about AnnoMI's high-quality p95).
DIRECTION_FULL = 0.2
#: Medians in AnnoMI's high-quality training sessions (out-of-fold labels; docs/power-model.md, Norms);
#: every count is shrunk towards them by ``PRIOR`` pseudo-turns (:func:`~equipoise.analysers.base.shrunk`).
REFERENCE = {"rs": 0.25, "rq": 1.0, "collaboration": 0.1, "telling": 0.07, "topics": 0.556,
             "direction": DIRECTIVE_RATE_MEDIAN}
#: Version 3.2: the lean blends the score's own lean (weight 0.3) with the steering levers' leans,
#: agenda (who opens the topics, asks the steering questions and proposes the goals, both parties) and
#: directiveness (who tells whom what to do, net of autonomy support and the client's own decisions),
#: times 1.25. Chosen by leave-one-hold-out-out cross-validation on the judged validation
#: sessions (docs/power-model.md, "Partnership 3.2").
BLEND = Blend(0.3, {"agenda": 0.3, "directiveness": 0.4}, gain=1.25)


class PartnershipAnalyser(BaseAnalyser):
    """Reflections against questions, complex reflections and collaborative acts, against MITI 4.2.1."""

    name = "partnership"
    version = "3.2"
    requires = frozenset({"labels", "dyad"})
    antisymmetric = False
    description = ("Guiding with the client rather than steering: how much of the therapist's talk is "
                   "reflection and how much tells (information and advice), reflections against questions "
                   "(R:Q) scored against MITI 4.2.1 thresholds, with affirmations, asking permission and "
                   "asking for the client's view, who opens the topics and how often the therapist directs; "
                   "small counts are pulled towards the reference range; the lean also reads who steers the "
                   "session (the agenda and directiveness leans), as readers judge this lever. Complex "
                   "reflections, open questions and 'we' language are shown beside them.")
    cannot_know = ("Whether the client experienced the session as a partnership; the quality and accuracy "
                   "of each reflection; approaches other than motivational interviewing, whose good practice "
                   "may look different. The counts are only as good as the turn labels.")

    words = DimensionWords(
        title='Partnership', client_title='Working together',
        measures=('Reflections against questions (R:Q), how much of the therapist\'s talk tells (information '
                  "and advice), affirmations and asking for the client's view, who opens the topics and how "
                  "often the therapist directs; the lean also reads who set the agenda and who directed. "
                  "Complex reflections, open questions and “we” language are shown beside them."),
        client_measures=('How much the conversation sounded like two people working '
                         'something out together.'),
        cannot_know='Warmth, tone and the relationship built outside this transcript.',
        client_cannot_know=('Warmth, tone and the relationship you have built outside this '
                            'conversation.'),
        client_leans=(
            '{more} steering by your therapist than working it out together',
            '{more} working it out together than steering by your therapist',
        ),
        course_name='partnership')
    power_weight = 0.0
    shared_weight = 2.0
    metric_kinds = kinds({'reflection_question_ratio': 'ratio', 'complex_reflection_share': 'share',
                    'open_question_share': 'share', 'collaboration_rate': 'rate', 'we_rate': 'rate',
                    'reflection_share': 'share', 'reflections': 'count', 'questions': 'count',
                    'therapist_turns': 'count', 'score': 'score', 'telling_share': 'share',
                    'client_topic_share': 'share', 'directive_rate_therapist': 'rate'})

    def analyse(self, transcript: Transcript, labels: Labels | None, config: Config) -> DimensionResult:
        """Compute MITI-style summary scores of the therapist's behaviour."""
        assert labels is not None
        found: dict[str, list[int]] = {kind: [] for kind in ("reflections", "complex", "questions", "open",
                                                             "collaborative", "we", "telling")}
        n = 0
        therapist_turns: list[int] = []
        contributions: dict[int, float] = {}
        for turn, label in zip(transcript.turns, labels.turns, strict=True):
            if turn.role is not Role.THERAPIST:
                continue
            n += 1
            therapist_turns.append(turn.index)
            push = 0.0
            if label.behaviour == "reflection":
                found["reflections"].append(turn.index)
                if label.reflection_type == "complex":
                    found["complex"].append(turn.index)
                push -= 1.0 if label.reflection_type == "complex" else 0.5
            elif label.behaviour == "input" and label.input_type in TELLING:
                found["telling"].append(turn.index)
                push += 0.5
            elif label.behaviour == "question":
                found["questions"].append(turn.index)
                if label.question_type == "open":
                    found["open"].append(turn.index)
                push += 0.5 if label.question_type == "closed" else 0.25
            if "we" in label.markers:
                found["we"].append(turn.index)
            if set(label.markers) & COLLABORATION_MARKERS:
                found["collaborative"].append(turn.index)
                push -= 0.5
            if push:
                contributions[turn.index] = push
        directive, _, directive_turns = therapist_direction(transcript, labels)
        openings = openings_by_role(transcript.turns, config, labels)
        client_openings = openings[Role.CLIENT]
        n_openings = len(openings[Role.THERAPIST]) + len(client_openings)
        reflections, questions = len(found["reflections"]), len(found["questions"])
        complex_, open_, collaborative, we = (len(found[k])
                                              for k in ("complex", "open", "collaborative", "we"))
        rq = ratio(reflections, questions)
        cr = ratio(complex_, reflections)
        oq = ratio(open_, questions)
        collaboration = ratio(collaborative, n)
        metrics: dict[str, float | None] = {
            "reflection_question_ratio": rq,
            "complex_reflection_share": cr,
            "open_question_share": oq,
            "collaboration_rate": collaboration,
            "we_rate": ratio(we, n),
            "reflection_share": ratio(reflections, n),
            "reflections": float(reflections),
            "questions": float(questions),
        }
        linked = {metric: tuple(found[kind]) for metric, kind in (
            ("reflection_question_ratio", "reflections"), ("complex_reflection_share", "complex"),
            ("open_question_share", "open"), ("collaboration_rate", "collaborative"), ("we_rate", "we"),
            ("reflection_share", "reflections"), ("reflections", "reflections"), ("questions", "questions"))}
        components: dict[str, float] = {}
        if n:
            components["rs"] = min(shrunk(reflections, n, REFERENCE["rs"]) / RS_GOOD, 1.0)
            components["rq"] = min(shrunk(reflections, questions, REFERENCE["rq"]) / RQ_GOOD, 1.0)
            components["collaboration"] = min(
                shrunk(collaborative, n, REFERENCE["collaboration"]) / COLLABORATION_GOOD, 1.0)
            components["telling"] = 1.0 - min(
                shrunk(len(found["telling"]), n, REFERENCE["telling"]) / TELLING_FULL, 1.0)
            components["topics"] = min(
                shrunk(len(client_openings), n_openings, REFERENCE["topics"]) / TOPICS_GOOD, 1.0)
            components["direction"] = 1.0 - min(
                shrunk(directive, n, REFERENCE["direction"]) / DIRECTION_FULL, 1.0)
        metrics["client_topic_share"] = ratio(len(client_openings), n_openings)
        linked["client_topic_share"] = tuple(client_openings)
        metrics["directive_rate_therapist"] = ratio(directive, n)
        linked["directive_rate_therapist"] = directive_turns
        metrics["telling_share"] = ratio(len(found["telling"]), n)
        linked["telling_share"] = tuple(found["telling"])
        metrics["therapist_turns"] = float(n)
        linked["therapist_turns"] = tuple(therapist_turns)
        if not components:
            return DimensionResult.unavailable("no therapist turns to score", metrics, linked)
        score = sum(WEIGHTS[k] * v for k, v in components.items()) / sum(WEIGHTS[k] for k in components)
        metrics["score"] = score
        own = clip(stretch(1.0 - 2.0 * score))     # version 3.1: spread as readers read it
        lean, blended = BLEND.apply(own, transcript, labels, config)
        notes = (f"scored on {n} therapist turns ({reflections} reflections, {questions} questions); "
                 f"each count is pulled towards the reference median by {PRIOR:g} pseudo-turns",
                 blended)
        return DimensionResult(lean=lean, metrics=metrics, notes=notes, metric_turns=linked,
                               evidence=pick_evidence(contributions, lean, config.evidence_size))


ANALYSER = PartnershipAnalyser()
