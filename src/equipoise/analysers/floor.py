"""Floor: who holds the floor ("she talked so much it was overpowering").

Metrics, per role (therapist, client, other):
  - ``word_share_<role>`` = words spoken by the role / all words; ``turn_share_<role>`` likewise for turns.
  - ``time_share_<role>`` = speaking seconds / all speaking seconds, only with timestamps. A turn's
    seconds are end - start; when ends are missing, the next turn's start stands in for the end (noted).
  - ``mean_turn_words_<role>``; ``longest_monologue_<role>``: most words in one run of consecutive turns.
  - with start and end times: ``overlaps_<role>``: turns by the role that start before the previous
    speaker's turn has ended (cut-offs), as a count.

Version 1.1 adds, only when every turn has a start and an end (a recording, Teams or Zoom captions,
a table with both columns; never with estimated ends, so no 1.0 number changes):
  - ``speaking_seconds_<role>``: the role's seconds of speech (sum of end - start);
    ``speech_rate_<role>``: its words per minute of that time.
  - ``silences_broken_<role>``: silences (no one speaking for at least SILENCE_SECONDS = 2 s between
    turns) that the role's turn ended; ``silence_seconds``: all such silence;
    ``longest_silence_seconds``: the longest.
  - ``interruptions_<role>``: cut-ins by the role after which the other speaker stopped before the role
    did (the other yielded the floor); ``yields_<role>``: times the role stopped first when cut in on.
    A cut-in after which the first speaker went on is an overlap (often a "mm-hm"), not an interruption.

Turns behind each metric (``metric_turns``): ``longest_monologue_<role>`` links the turns of that run
(the first one when runs tie), ``overlaps_<role>`` and ``interruptions_<role>`` the turns that cut in,
``yields_<role>`` the turns that stopped, ``silences_broken_<role>`` the turns that broke a silence. The
shares, seconds (of speech and of silence), speech rates and mean turn lengths come from every turn and
link none.

Lean: the therapist's excess over the client in share of words, (w_T - w_C) / (w_T + w_C), averaged with
the same for speaking time when there are timestamps. Turn shares stay out of the lean: in a dialogue
they are close to even whoever dominates.

Source: talk-time share is the classic dominance measure in conversation analysis of institutional
talk (e.g. Itakura 2001, "Describing conversational dominance"); it is descriptive here, not a grade.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from ..model import Role
from .base import BaseAnalyser, Config, DimensionResult, DimensionWords, balance, kinds, pick_evidence, ratio
from .text import word_count

if TYPE_CHECKING:
    from ..label.labels import Labels
    from ..model import Transcript

ROLES = (Role.THERAPIST, Role.CLIENT, Role.OTHER)


class FloorAnalyser(BaseAnalyser):
    """Shares of words, turns and speaking time; turn lengths, monologues, overlaps."""

    name = "floor"
    version = "1.1"
    requires = frozenset({"dyad"})
    uses = frozenset({"timestamps"})
    antisymmetric = True
    description = ("Who holds the floor: shares of words, turns and (with timestamps) speaking time, "
                   "mean turn length, the longest monologue and cut-offs; with start and end times, "
                   "seconds of speech and words per minute, silences of 2 s or more and who broke them, "
                   "and interruptions (who cut in on whom, who yielded).")
    cannot_know = ("Tone and body language; whether a long turn was invited (an open question asks the "
                   "client to hold the floor); whether a silence was a pause for thought, an impasse or a "
                   "comfortable quiet; whether a cut-in was rude, eager or welcome. Without timestamps, "
                   "speaking time, silences and overlaps are unknown. From a recording the times come "
                   "from speech recognition and diarisation, which make mistakes, and overlapping speech "
                   "is not detected (one voice is heard at a time), so interruptions there are zero.")

    words = DimensionWords(
        title='Floor', client_title='Who did the talking',
        measures=('Share of words and turns (and of speaking time, when the transcript has '
                  'timestamps), mean turn length and the longest run of talk by one person; with start '
                  'and end times, seconds of speech, words per minute, silences and who broke them, '
                  'and who cut in on whom.'),
        client_measures=('How much of the conversation was you speaking, and how much was '
                         'your therapist.'),
        cannot_know=('Silence, tone and body language. Whether a long stretch of talk was '
                     'wanted, for example an explanation the client asked for.'),
        client_cannot_know=('Silences, tone of voice and body language; whether a long '
                            'stretch of talk was something you asked for.'),
        client_leans=('your therapist talked {more} than you', 'you talked {more} than your therapist'),
        course_name='the floor')
    power_weight = 1.0
    shared_weight = 0.5
    metric_kinds = kinds({'word_share_<role>': 'share', 'turn_share_<role>': 'share',
                    'time_share_<role>': 'share', 'mean_turn_words_<role>': 'mean',
                    'longest_monologue_<role>': 'count', 'overlaps_<role>': 'count',
                    'speaking_seconds_<role>': 'seconds', 'speech_rate_<role>': 'rate',
                    'silences_broken_<role>': 'count', 'silence_seconds': 'seconds',
                    'longest_silence_seconds': 'seconds', 'interruptions_<role>': 'count',
                    'yields_<role>': 'count'})

    def analyse(self, transcript: Transcript, labels: Labels | None, config: Config) -> DimensionResult:
        """Compute the floor metrics of one transcript or window."""
        turns = transcript.turns
        words = {role: 0 for role in ROLES}
        counts = {role: 0 for role in ROLES}
        monologue = {role: 0 for role in ROLES}
        # Each role's longest run as positions [first, last]; the turn indices are read off at the end,
        # so a long run costs one pass, not a copy per turn.
        longest: dict[Role, tuple[int, int] | None] = {role: None for role in ROLES}
        run_role, run_words, run_start = None, 0, 0
        for pos, turn in enumerate(turns):
            n = word_count(turn.text)
            words[turn.role] += n
            counts[turn.role] += 1
            if turn.role is run_role:
                run_words += n
            else:
                run_words, run_start = n, pos
            run_role = turn.role
            if run_words > monologue[turn.role]:
                monologue[turn.role], longest[turn.role] = run_words, (run_start, pos)
        monologue_turns = {role: () if span is None else tuple(t.index for t in turns[span[0]:span[1] + 1])
                           for role, span in longest.items()}
        total_words, total_turns = sum(words.values()), len(turns)
        metrics: dict[str, float | None] = {}
        for role in ROLES:
            metrics[f"word_share_{role.value}"] = ratio(words[role], total_words)
            metrics[f"turn_share_{role.value}"] = ratio(counts[role], total_turns)
        metric_turns: dict[str, tuple[int, ...]] = {}
        for role in ROLES:
            metrics[f"mean_turn_words_{role.value}"] = ratio(words[role], counts[role])
            metrics[f"longest_monologue_{role.value}"] = float(monologue[role])
            metric_turns[f"longest_monologue_{role.value}"] = monologue_turns[role]
        word_lean = balance(words[Role.THERAPIST], words[Role.CLIENT])
        leans = [word_lean]
        notes: list[str] = []
        if transcript.has_timestamps:
            seconds, estimated = _seconds(transcript)
            total_seconds = sum(seconds.values())
            for role in ROLES:
                metrics[f"time_share_{role.value}"] = ratio(seconds[role], total_seconds)
            if total_seconds > 0:
                leans.append(balance(seconds[Role.THERAPIST], seconds[Role.CLIENT]))
            if estimated:
                notes.append("turn ends missing: each turn's speaking time runs to the next turn's start")
            else:
                for role, cut_ins in _overlaps(transcript).items():
                    metrics[f"overlaps_{role.value}"] = float(len(cut_ins))
                    metric_turns[f"overlaps_{role.value}"] = cut_ins
                _timed(transcript, seconds, words, metrics, metric_turns)
        else:
            notes.append("no timestamps: speaking time and overlaps are not measured")
        lean = sum(leans) / len(leans)
        # A turn pushes the lean by its share of the words, toward its speaker's side.
        contributions = {
            t.index: (word_count(t.text) / total_words if total_words else 0.0) * _side(t.role)
            for t in turns
        }
        return DimensionResult(lean=lean, metrics=metrics,
                               evidence=pick_evidence(contributions, lean, config.evidence_size),
                               notes=tuple(notes), metric_turns=metric_turns)


def _side(role: Role) -> float:
    return 1.0 if role is Role.THERAPIST else -1.0 if role is Role.CLIENT else 0.0


def _seconds(transcript: Transcript) -> tuple[dict[Role, float], bool]:
    """Speaking seconds per role, and whether any turn end had to be taken from the next start."""
    seconds = {role: 0.0 for role in ROLES}
    estimated = False
    turns = transcript.turns
    for pos, turn in enumerate(turns):
        start = turn.start or 0.0
        if turn.end is not None:
            end = turn.end
        elif pos + 1 < len(turns):
            end, estimated = turns[pos + 1].start or start, True
        else:
            end, estimated = start, True
        seconds[turn.role] += max(0.0, end - start)
    return seconds, estimated


SILENCE_SECONDS = 2.0


def _timed(transcript: Transcript, seconds: dict[Role, float], words: dict[Role, int],
           metrics: dict[str, float | None], metric_turns: dict[str, tuple[int, ...]]) -> None:
    """The version 1.1 metrics, for a transcript whose every turn has a start and an end."""
    broken: dict[Role, list[int]] = {role: [] for role in ROLES}
    cut_in: dict[Role, list[int]] = {role: [] for role in ROLES}
    yielded: dict[Role, list[int]] = {role: [] for role in ROLES}
    silence, longest = 0.0, 0.0
    turns = transcript.turns
    quiet_from = turns[0].end or 0.0  # when the last speech so far ended
    for prev, turn in pairwise(turns):
        start, end = turn.start or 0.0, turn.end or 0.0
        gap = start - quiet_from
        if gap >= SILENCE_SECONDS:
            broken[turn.role].append(turn.index)
            silence += gap
            longest = max(longest, gap)
        if turn.speaker != prev.speaker and prev.end is not None and start < prev.end <= end:
            cut_in[turn.role].append(turn.index)
            yielded[prev.role].append(prev.index)
        quiet_from = max(quiet_from, end)
    for role in ROLES:
        metrics[f"speaking_seconds_{role.value}"] = round(seconds[role], 3)
        metrics[f"speech_rate_{role.value}"] = ratio(words[role], seconds[role] / 60)
        for name, found in (("silences_broken", broken), ("interruptions", cut_in), ("yields", yielded)):
            metrics[f"{name}_{role.value}"] = float(len(found[role]))
            metric_turns[f"{name}_{role.value}"] = tuple(found[role])
    metrics["silence_seconds"] = round(silence, 3)
    metrics["longest_silence_seconds"] = round(longest, 3)


def _overlaps(transcript: Transcript) -> dict[Role, tuple[int, ...]]:
    """Turns that start before the previous speaker's turn ended, by the role of who cut in."""
    found: dict[Role, list[int]] = {role: [] for role in ROLES}
    turns = transcript.turns
    for prev, turn in pairwise(turns):
        if (turn.speaker != prev.speaker and prev.end is not None and turn.start is not None
                and turn.start < prev.end):
            found[turn.role].append(turn.index)
    return {role: tuple(cut_ins) for role, cut_ins in found.items()}


ANALYSER = FloorAnalyser()
