"""Power model v2: each revised formula against the finding that motivated it (docs/power-model.md)."""

from __future__ import annotations

import pytest
from profile_builders import build

from equipoise.analysers.base import Config
from equipoise.analysers.registry import get
from equipoise.label.sentences import question_model
from equipoise.profile import TimelineWindow
from equipoise.report.texts import client_lean_phrase
from equipoise.summary import closeness, summarise
from equipoise.timeline import within_session_shifts

REFLECT = {"behaviour": "reflection", "reflection_type": "simple"}
OPEN_Q = {"behaviour": "question", "question_type": "open"}
ADVICE = {"behaviour": "input", "input_type": "advice", "stance": "directive", "markers": ("directive",)}


def analyse(name: str, rows):  # type: ignore[no-untyped-def]
    transcript, labels = build(rows)
    return get(name).analyse(transcript, labels, Config())


def lecture(n_lectures: int):  # type: ignore[no-untyped-def]
    """Three reflections and three questions, among ``n_lectures`` long advice turns."""
    rows = []
    for _ in range(3):
        rows += [("T", "So the weekends are hard for you.", {**REFLECT, "reflection_type": "complex"}),
                 ("C", "Yes, weekends are hard.")]
        rows += [("T", "What happened on Saturday?", OPEN_Q), ("C", "I drank too much at the party.")]
    for _ in range(n_lectures):
        rows += [("T", "You need to stop drinking and you should go to bed at ten every night.", ADVICE),
                 ("C", "Okay.")]
    return rows


def test_partnership_does_not_rate_three_reflections_against_three_questions_good_in_a_lecture() -> None:
    result = analyse("partnership", lecture(12))
    assert result.metrics["reflection_question_ratio"] == 1.0
    assert result.metrics["therapist_turns"] == 18.0
    # Version 1.1 scored R:Q 1 and %CR 100% as (2 x 0.5 + 1) / 4 = 0.5: lean 0, "shared".
    assert result.lean > 0.2


def test_partnership_pulls_a_handful_of_turns_towards_the_reference_range() -> None:
    few = analyse("partnership", [("T", "You feel stuck.", REFLECT), ("C", "I do feel stuck at work.")])
    many = analyse("partnership", [("T", "You feel stuck.", REFLECT), ("C", "I do feel stuck at work.")] * 20)
    assert few.metrics["reflection_share"] == many.metrics["reflection_share"] == 1.0
    assert abs(few.lean) < abs(many.lean)
    assert "1 therapist turns" in few.notes[0]


def test_agenda_leans_to_a_client_who_opens_most_topics_and_sets_goals() -> None:
    rows = []
    topics = ["my new job on Monday is exhausting", "drinking at my cousin's wedding got out of hand",
              "money worries about rent this month", "my flatmate moving out in March",
              "sleep problems waking at four every morning", "my mum refusing to speak to me"]
    for topic in topics:
        rows += [("C", f"I want to talk about {topic}."), ("T", "Tell me more about that?", OPEN_Q)]
    result = analyse("agenda", rows)
    assert result.metrics["topic_openings_client"] > result.metrics["topic_openings_therapist"]
    assert result.metrics["goal_proposals_client"] == 6.0
    assert result.lean < -0.2


def test_agenda_does_not_count_a_question_that_hands_the_choice_to_the_client_as_steering() -> None:
    rows = [("T", "What would you like to talk about today?", OPEN_Q),
            ("C", "The arguments with my partner about money and the children.")]
    result = analyse("agenda", rows)
    assert result.metrics["agenda_offers_therapist"] == 1.0
    assert result.lean < 0


def test_responsiveness_is_near_zero_when_both_take_each_other_up() -> None:
    rows = []
    for _ in range(5):
        rows += [("C", "I keep thinking about the funeral and my brother holding me up."),
                 ("T", "Your brother held you up at the funeral.", REFLECT),
                 ("C", "Yes, he held me up, and I felt relieved.")]
    result = analyse("responsiveness", rows)
    assert result.metrics["uptake_therapist"] == 1.0
    assert result.metrics["uptake_client"] == 1.0
    assert abs(result.lean) < 0.2


def test_responsiveness_leans_to_the_therapist_who_leaves_the_client_aside_while_the_client_follows() -> None:
    rows = []
    for _ in range(4):
        rows += [("C", "I've been crying every night and I feel so alone with it."),
                 ("T", "Sleep hygiene matters: no screens before bed and no caffeine after lunch.",
                  {"behaviour": "input", "input_type": "information"}),
                 ("C", "Okay, no screens and no caffeine after lunch.")]
    result = analyse("responsiveness", rows)
    assert result.metrics["uptake_therapist"] < 0.2
    assert result.lean > 0.4


def test_an_answer_without_content_does_not_take_the_question_up() -> None:
    rows = [("T", "What happened on Tuesday in science?", OPEN_Q), ("C", "dunno"),
            ("T", "How are things at home at the moment?", OPEN_Q), ("C", "whatever")]
    result = analyse("responsiveness", rows)
    assert result.metrics["uptake_client"] == 0.0


def test_declining_the_clients_bid_is_not_taking_it_up() -> None:
    rows = [("C", "Can we talk about my mum for a bit? It was really bad on Sunday."),
            ("T", "Not today, we've only got ten minutes left and I want to set the homework.",
             {"behaviour": "input", "input_type": "information"}),
            ("C", "Okay."),
            ("C", "I keep thinking about her phone call and the shouting."),
            ("T", "Let's stay with the plan. What did the thought record say?", OPEN_Q),
            ("C", "It said I would be sacked, and the feeling was panic.")]
    result = analyse("responsiveness", rows)
    assert result.metrics["left_aside_therapist"] == 1.0
    assert result.metrics["left_aside_client"] == 0.0
    assert result.lean > 0.4


def test_a_client_who_leaves_every_question_aside_holds_responsiveness_even_with_nothing_to_take_up() -> None:
    rows = []
    for answer in ("dunno", "whatever", "fine", "dunno"):
        rows += [("T", "What happened on Tuesday in science?", OPEN_Q), ("C", answer)]
    result = analyse("responsiveness", rows)
    assert result.available
    assert result.metrics["left_aside_client"] == 1.0
    assert result.lean < -0.4


def test_a_therapist_who_acknowledges_each_step_of_a_following_client_is_shared() -> None:
    rows = []
    for step in ("I put the blades outside my door.", "I filled the sink with cold water.",
                 "I did the breathing for two minutes."):
        rows += [("T", "Now the next step: tell me when you have done it.",
                  {"behaviour": "input", "input_type": "advice"}),
                 ("C", step),
                 ("T", "Well done, that's a big step.", {"behaviour": "other"})]
    result = analyse("responsiveness", rows)
    assert abs(result.lean) < 0.2


def test_partnership_2_1_reads_a_lecture_with_a_few_affirmations_as_the_therapist_steering() -> None:
    info = {"behaviour": "input", "input_type": "information"}
    rows = []
    for n in range(12):
        rows += [("T", "Bowlby described how infants keep their carers close when they are frightened.",
                  {**info, "markers": ("affirmation",)} if n % 4 == 0 else info),
                 ("C", "Right, that makes sense.")]
    result = analyse("partnership", rows)
    assert result.metrics["telling_share"] == 1.0
    assert result.lean >= 0.2   # the therapist side; version 2.0: R:Q at its prior and full collaboration
    # gave P = (2 x 0.16 + 0.5 + 1) / 4 and a lean of +0.09, 'between'


def test_client_agency_2_2_counts_a_client_who_sets_the_goals_and_the_plan() -> None:
    rows = [("T", "How have things been since we last met?", OPEN_Q),
            ("C", "Hard. What I want from today is to work out how to get a night off from caring for Mum."),
            ("T", "A night off from caring for her.", REFLECT),
            ("C", "I've decided to ask the respite service for one weekend a month, starting in March."),
            ("T", "That sounds like a real decision.", {"behaviour": "other", "markers": ("affirmation",)}),
            ("C", "And I'm going to ring Karen on Sunday and ask her to take Mum for a night.")]
    result = analyse("client_agency", rows)
    assert result.metrics["goal_share_client"] == 1.0
    assert result.lean <= -0.2   # the client holds the lever; version 2.1 left goals out of the score


CLOSED_Q = {"behaviour": "question", "question_type": "closed"}


def test_responsiveness_4_a_line_of_questions_after_the_clients_answers_is_not_leaving_them_aside() -> None:
    # A solution-focused series: each question follows the client's answer to the one before, in new words.
    rows = [("T", "What are your best hopes from our work together?", OPEN_Q),
            ("C", "That my daughter and I could be in the kitchen together without a row."),
            ("T", "Suppose a miracle happened tonight. What would you notice first?", OPEN_Q),
            ("C", "She would come downstairs for breakfast and talk to me about school."),
            ("T", "On a scale from nought to ten, where are things now?", OPEN_Q),
            ("C", "About three and a half, on a good day anyway.")]
    result = analyse("responsiveness", rows)
    assert result.metrics["left_aside_therapist"] == 0.0
    assert abs(result.lean) < 0.2


def test_responsiveness_4_one_word_taken_up_from_a_long_turn_is_uptake() -> None:
    rows = [("C", "My sister phoned on Sunday and we argued about our father's care home fees, the "
                  "house, who visits him and who never bothers, and it went on for an hour."),
            ("T", "Tell me more about the care home.", {"behaviour": "input", "input_type": "information"})]
    result = analyse("responsiveness", rows)
    assert result.metrics["left_aside_therapist"] == 0.0


def test_responsiveness_4_a_short_answer_or_a_no_to_a_closed_question_answers_it() -> None:
    rows = [("T", "Whose voice does that sound like?", OPEN_Q), ("C", "Mine. I mean, it's me."),
            ("T", "Did you drink at all last week?", CLOSED_Q), ("C", "No."),
            ("T", "How was the weekend?", OPEN_Q), ("C", "I don't know.")]
    result = analyse("responsiveness", rows)
    assert result.metrics["replies_client"] == 3.0
    assert result.metrics["left_aside_client"] == 1 / 3   # only "I don't know" leaves its question aside


def test_responsiveness_4_a_client_who_brushes_reflections_aside_holds_the_lever() -> None:
    rows = []
    for _ in range(4):
        rows += [("C", "My wife thinks I drink too much, and the doctor went on about my liver."),
                 ("T", "Your wife and your doctor are both worried about the drinking.", REFLECT),
                 ("C", "Don't make it sound tragic. It's a few beers.", {"markers": ("disagreement",)})]
    result = analyse("responsiveness", rows)
    assert result.metrics["left_aside_therapist"] == 0.0
    assert result.metrics["left_aside_client"] == 1.0
    assert result.lean < -0.2


def test_client_agency_sees_a_request_against_a_directive_as_pushback() -> None:
    rows = [("T", "I have to report it and we'll need to contact your parents today.", ADVICE),
            ("C", "Please don't tell my mum. She'll go mad at the school.",
             {"talk_type": "neutral", "markers": ("directive",)}),
            ("T", "It's school policy. Parents have to be informed, and you should block them.", ADVICE),
            ("C", "I don't want them to get in trouble, I just want it to stop.", {"talk_type": "change"}),
            ("T", "You need to screenshot everything and bring it to me on Friday.", ADVICE),
            ("C", "Okay.", {"talk_type": "neutral"})]
    result = analyse("client_agency", rows)
    assert result.metrics["pushbacks"] == 2.0
    assert result.metrics["pushback_confronted_share"] == 1.0
    assert result.lean > 0


def test_client_agency_reads_one_word_disengaged_answers_as_little_agency() -> None:
    rows = []
    for answer in ("fine", "dunno", "whatever", "no", "ok", "dunno"):
        rows += [("T", "How are you finding school at the moment?", OPEN_Q),
                 ("C", answer, {"talk_type": "neutral", "markers": ("disagreement",)}),
                 ("T", "It sounds like you'd rather not be here.", REFLECT)]
    result = analyse("client_agency", rows)
    assert result.metrics["engagement"] == 0.0
    assert result.lean > 0.5


def test_shared_power_peaks_inside_the_reference_range_not_when_the_client_holds_every_lever() -> None:
    reference = {d: (-0.3, 0.3) for d in ("floor", "responsiveness", "directiveness", "partnership",
                                          "client_agency")}
    balanced = summarise({d: 0.0 for d in reference}, reference=reference)
    client_all = summarise({d: -1.0 for d in reference}, reference=reference)
    therapist_all = summarise({d: 1.0 for d in reference}, reference=reference)
    assert balanced.shared_power == 1.0
    assert client_all.shared_power < 0.2 and therapist_all.shared_power < 0.2
    assert balanced.to_dict()["partnership"] == balanced.to_dict()["shared_power"]


def test_closeness_is_one_inside_the_range_and_falls_symmetrically_outside() -> None:
    assert closeness(0.2, (-0.3, 0.3)) == 1.0
    assert closeness(0.8, (-0.3, 0.3)) == closeness(-0.8, (-0.3, 0.3)) < 1.0


def test_a_shift_within_the_session_is_stated_in_words_with_its_turn() -> None:
    windows = [TimelineWindow(i * 4, i * 4 + 11, None, None, {"agenda": v}, None, None)
               for i, v in enumerate([0.5, 0.6, 0.5, 0.6, -0.4, -0.5, -0.4])]
    found = within_session_shifts(windows)
    assert found == ["The agenda moved toward the client from about turn 21 on "
                     "(lean +0.55 before, -0.43 after)."]


def test_a_steady_timeline_has_no_shift() -> None:
    windows = [TimelineWindow(i, i + 9, None, None, {"floor": 0.1}, 0.1, 0.8) for i in range(5)]
    assert within_session_shifts(windows) == []


def test_the_client_is_not_told_a_little_more_when_the_therapist_had_three_quarters_of_the_words() -> None:
    phrase = client_lean_phrase("floor", 0.5, therapist_share=0.75)
    assert "clearly more" in phrase and "75%" in phrase
    assert "a little" not in client_lean_phrase("floor", 0.35)


def test_one_rule_reads_a_directive_for_directiveness_client_agency_and_responsiveness() -> None:
    # Advice that only the markers found ("You could try ..." with no labelled input type) is a directive
    # for all three: the client's report on it takes it up, and "No, I won't" pushes back.
    from equipoise.analysers.client_agency import _pushes_back
    from equipoise.analysers.directiveness import is_directive
    from equipoise.analysers.responsiveness import uptake_of
    from equipoise.label.labels import TurnLabels
    from equipoise.model import Role, Speaker, Turn

    advice = TurnLabels(markers=("advice",))
    assert is_directive(advice) and is_directive(TurnLabels(markers=("confront",)))
    assert not is_directive(TurnLabels(markers=("autonomy",)))
    t, c = Speaker("T", Role.THERAPIST), Speaker("C", Role.CLIENT)
    source = Turn(1, t, "Maybe a short walk after dinner would help.")
    reply = Turn(2, c, "I managed twice this week, on Monday and Thursday.")
    assert uptake_of(reply, TurnLabels(), source, advice, False) == 1.0
    assert _pushes_back("I'm not going to do that.", TurnLabels(), advice, Role.THERAPIST)


def test_client_agency_2_3_a_reply_that_goes_along_with_pushback_follows_it() -> None:
    rows = [("T", "Let's start with the breathing exercise today.", ADVICE),
            ("C", "No. I don't want to do the breathing. I just want to talk.",
             {"talk_type": "sustain", "markers": ("disagreement",)}),
            ("T", "That's fair. Go ahead.", {"behaviour": "other"}),
            ("C", "It's been a horrible week with my sister.", {"talk_type": "neutral"}),
            ("T", "You should ring her tonight.", ADVICE),
            ("C", "I'm not going to ring her.", {"talk_type": "sustain", "markers": ("disagreement",)}),
            ("T", "No, I think you need to, or it will fester.",
             {**ADVICE, "markers": ("directive", "disagreement")})]
    result = analyse("client_agency", rows)
    assert result.metrics["pushbacks"] == 2.0
    # The first pushback is followed without a reflection or an autonomy marker; the second is met with more
    # direction.
    assert result.metrics["pushback_followed_share"] == 0.5
    assert result.metrics["pushback_confronted_share"] == 0.5
    assert result.metric_turns["pushback_followed_share"] == (2,)


def test_client_agency_2_3_a_no_answering_a_plain_question_is_not_pushback_unless_it_refuses() -> None:
    closed = {"behaviour": "question", "question_type": "closed"}
    rows = [("T", "Any history of anxiety in the family?", closed),
            ("C", "Not really. He was clingy at primary, normal stuff.",
             {"talk_type": "neutral", "markers": ("disagreement",)}),
            ("T", "Would you like to try the exercise now?", closed),
            ("C", "No, I'd rather not do that today.",
             {"talk_type": "neutral", "markers": ("disagreement",)}),
            ("T", "Okay, we'll leave it.", {"behaviour": "other"})]
    result = analyse("client_agency", rows)
    assert result.metric_turns["pushbacks"] == (3,)
    assert result.metrics["pushback_followed_share"] == 1.0


def test_directiveness_1_1_counts_advice_only_the_learned_heads_see_a_quarter() -> None:
    learned = {"behaviour": "input", "input_type": "advice", "stance": "directive"}
    said = [("T", "Perhaps it feels safer to be unfair to yourself than to him.", learned),
            ("C", "Maybe it does.", {"talk_type": "neutral"})] * 4
    told = [("T", "You should tell him how you feel tonight.", ADVICE),
            ("C", "Maybe I will.", {"talk_type": "neutral"})] * 4
    interpreting, telling = analyse("directiveness", said), analyse("directiveness", told)
    assert interpreting.metrics["directive_rate_therapist"] == 0.25
    assert telling.metrics["directive_rate_therapist"] == 1.0
    # Both are still counted and linked as advice, so a reader can see the turns and judge them.
    assert interpreting.metrics["advice_therapist"] == 4.0
    assert interpreting.metric_turns["directive_rate_therapist"] == (0, 2, 4, 6)
    assert 0 < interpreting.lean < telling.lean


def test_agenda_2_1_questions_within_the_clients_subjects_do_not_steer() -> None:
    closed = {"behaviour": "question", "question_type": "closed"}
    rows = [("C", "I have three things today: the council tax letter, my sister, and the gym.", {}),
            ("T", "Which council tax letter is worrying you?", OPEN_Q),
            ("C", "The council tax one says they will send bailiffs next month.", {}),
            ("T", "Have the bailiffs been in touch already?", closed),
            ("C", "No, but my sister thinks I should pay it all at once.", {}),
            ("T", "And what does your sister know about it?", OPEN_Q),
            ("C", "She lent me money for the gym last year.", {})]
    result = analyse("agenda", rows)
    assert result.metrics["follow_up_questions_therapist"] == 3.0
    assert result.metric_turns["follow_up_questions_therapist"] == (1, 3, 5)
    # No steering question is left, so the client's topic openings decide the lean.
    assert result.lean < -0.2


def test_directiveness_1_2_asking_the_clients_view_counts_half_an_autonomy_supporting_act() -> None:
    asking = {"behaviour": "question", "question_type": "open", "markers": ("question", "collaboration")}
    rows = [("T", "What would you like to do about the letter?", asking),
            ("C", "I think I'll ring them tomorrow.", {"talk_type": "change"})] * 4
    result = analyse("directiveness", rows)
    assert result.metrics["autonomy_rate_therapist"] == 0.5
    assert result.metric_turns["autonomy_rate_therapist"] == (0, 2, 4, 6)
    assert result.lean < -0.2


def test_client_agency_2_4_a_client_who_hands_every_decision_over_gives_the_goals_away() -> None:
    # The same session twice: the client either decides, or hands each decision to the therapist.
    def rows(deciding: bool):  # type: ignore[no-untyped-def]
        answers = (["I'll go on Wednesday, the art club.", "I'll sit by the door so I can leave."] if deciding
                   else ["You decide. Whatever you think.", "Just tell me what to do, you know best."])
        return [("T", "Which day would you like to try the club?", OPEN_Q),
                ("C", answers[0]),
                ("T", "And where would you like to sit when you get there?", OPEN_Q),
                ("C", answers[1])]

    deciding, deferring = analyse("client_agency", rows(True)), analyse("client_agency", rows(False))
    assert deciding.metrics["goal_share_client"] == 1.0
    assert deferring.metrics["goal_share_client"] == 0.0
    assert deferring.lean > deciding.lean + 0.3


def test_client_agency_2_5_a_therapist_who_directs_leaves_the_client_less_of_their_own_direction() -> None:
    # The same client turns; the therapist either directs each step or reflects.
    def rows(directs: bool):  # type: ignore[no-untyped-def]
        therapist = ({"behaviour": "input", "input_type": "advice", "markers": ("directive",)} if directs
                     else REFLECT)
        says = ("You need to keep the diary every night this week." if directs
                else "The evenings matter to you.")
        found = []
        for _ in range(6):
            found += [("T", says, therapist),
                      ("C", "The evenings are when it gets bad, after the children are in bed.",
                       {"talk_type": "change"})]
        return found

    directed, reflected = analyse("client_agency", rows(True)), analyse("client_agency", rows(False))
    assert directed.metrics["directive_rate_therapist"] == 1.0
    assert reflected.metrics["directive_rate_therapist"] == 0.0
    assert directed.metric_turns["directive_rate_therapist"] == (0, 2, 4, 6, 8, 10)
    assert directed.lean > reflected.lean + 0.3


def test_directiveness_1_3_a_client_who_decides_holds_the_lever_but_going_along_is_not_deciding() -> None:
    advice = {"behaviour": "input", "input_type": "advice", "markers": ("directive",)}
    deciding = analyse("directiveness", [
        ("T", "What feels right to you about the visit?", OPEN_Q),
        ("C", "I've decided to go on Sunday and I'll take my sister with me."),
        ("T", "Sunday, with your sister.", REFLECT),
        ("C", "And I'm going to ring the home first to check she's awake.")])
    complying = analyse("directiveness", [
        ("T", "You need to go on Sunday and take your sister.", advice),
        ("C", "Okay, I'll go on Sunday then."),
        ("T", "Ring the home first.", advice),
        ("C", "Right, I'm going to ring them first.")])
    assert deciding.metrics["decisions_client"] == 2.0
    assert deciding.metric_turns["decisions_client"] == (1, 3)
    assert deciding.lean <= -0.2                  # the client decides
    assert complying.metrics["decisions_client"] == 0.0
    assert complying.lean >= 0.2                  # the therapist directs; the client goes along


@pytest.mark.skipif(question_model() is None, reason="the question model is not built")
def test_agenda_counts_a_clients_questions_in_a_transcript_without_punctuation() -> None:
    """Rules 7: a speech-recogniser transcript has no question marks, and client turns have no behaviour
    label, so before the question model a client who asked every question asked none."""
    rows = [("C", "can i ask you something first what happens if i miss a session", {}),
            ("T", "nothing happens we just book another one", {"behaviour": "input"}),
            ("C", "do you write down everything i say", {}),
            ("T", "only a few notes for myself", {"behaviour": "input"}),
            ("C", "and who gets to read them", {}),
            ("T", "only me unless you are at risk", {"behaviour": "input"})]
    result = analyse("agenda", rows)
    # "and who gets to read them" is below the model's threshold (0.7, chosen for precision): at least the
    # two questions that open with their asking words count, each linked to its turn.
    assert result.metrics["questions_client"] >= 2.0
    assert {0, 2} <= set(result.metric_turns["questions_client"])
    assert result.lean < -0.2
