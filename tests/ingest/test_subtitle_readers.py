"""Golden parses and errors for the subtitle readers: Teams and Zoom WebVTT, Otter SRT."""

from __future__ import annotations

from pathlib import Path

import pytest

from equipoise.errors import InputError
from equipoise.ingest import load

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats"


def rows(transcript):
    return [(t.speaker.name, t.role.value, t.text, t.start, t.end) for t in transcript.turns]


def test_teams_voice_tags_give_speakers_times_and_consecutive_cues_of_one_speaker_form_one_turn():
    transcript = load(FIXTURES / "teams.vtt")
    assert transcript.source_format == "vtt"
    assert rows(transcript) == [
        ("Dana Whitfield", "therapist", "Hi Lee, thanks for coming in. How has the week been?", 1.2, 4.8),
        ("Lee Park", "client", "Honestly, pretty rough. I barely slept on Tuesday. And work was a lot.",
         5.1, 11.0),
        ("Dana Whitfield", "therapist", "That sounds exhausting & draining. What kept you awake?",
         11.5, 15.02),
    ]
    assert any("inferred 'Dana Whitfield' as therapist" in notice for notice in transcript.notices)
    assert any("joined 4 caption cues into 3 turns (1 merged" in n for n in transcript.notices)


def test_caption_cues_stay_separate_only_when_asked():
    transcript = load(FIXTURES / "teams.vtt", keep_cues=True)
    assert [t.speaker.name for t in transcript.turns] == ["Dana Whitfield", "Lee Park", "Lee Park",
                                                          "Dana Whitfield"]
    assert not any("caption cues" in n for n in transcript.notices)


def test_a_zoom_vtt_whose_turns_are_split_across_cues_gives_the_turns_of_its_merged_form(tmp_path):
    turns = [("Ravi Menon", "so last week we talked about the panic on the train how have things been"),
             ("Alex", "i did take the train on thursday which was a big deal and i got halfway"),
             ("Ravi Menon", "you got halfway and then the heart racing started")]
    split, merged = ["WEBVTT", ""], ["WEBVTT", ""]
    clock = 0
    for speaker, text in turns:
        words = text.split()
        merged += [f"00:00:{clock:02d}.000 --> 00:00:{clock + 6:02d}.000", f"{speaker}: {text}", ""]
        for k in range(0, len(words), 4):
            split += [f"00:00:{clock + k // 4:02d}.000 --> 00:00:{clock + k // 4 + 1:02d}.000",
                      f"{speaker}: {' '.join(words[k:k + 4])}", ""]
        clock += 10
    (tmp_path / "split.vtt").write_text("\n".join(split), encoding="utf-8")
    (tmp_path / "merged.vtt").write_text("\n".join(merged), encoding="utf-8")
    a, b = load(tmp_path / "split.vtt"), load(tmp_path / "merged.vtt")
    assert [(t.speaker.name, t.text, t.start) for t in a.turns] == [
        (t.speaker.name, t.text, t.start) for t in b.turns]
    assert a.n_turns == 3
    assert any("caption cues" in n for n in a.notices) and not any("caption cues" in n for n in b.notices)


def test_zoom_names_at_the_start_of_cues_are_speakers_and_later_colons_are_text():
    transcript = load(FIXTURES / "zoom.vtt", therapist=["dr. amara okafor"])
    assert rows(transcript) == [
        ("Dr. Amara Okafor", "therapist", "Good afternoon, Sam. Where would you like to start today?",
         2.0, 5.5),
        ("Sam", "client", "I keep thinking about what my sister said: that I never finish anything.",
         6.0, 10.25),
        ("Dr. Amara Okafor", "therapist", "That stuck with you.", 10.9, 14.0),
        ("Sam", "client", "Yeah. It did.", 14.5, 18.0),
    ]


def test_otter_srt_cue_without_a_name_continues_the_previous_speaker_and_is_reported():
    transcript = load(FIXTURES / "otter.srt")
    assert transcript.source_format == "srt"
    assert rows(transcript) == [
        ("Jordan Ellis", "therapist", "So last time we talked about the panic at the supermarket.", 0.5, 4.0),
        ("Riley", "client", "Right. It happened again on Saturday. It was worse this time.", 4.5, 10.0),
        ("Jordan Ellis", "therapist", "What did you notice first, before it peaked?", 10.6, 14.1),
    ]
    assert any("1 cue(s) without a speaker name" in n and "line 10" in n for n in transcript.notices)


def test_a_cue_with_two_voices_gives_two_turns(tmp_path):
    path = tmp_path / "two.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ana>Is that right?</v> <v Ben>Yes.</v>\n\n"
                    "00:00:03.500 --> 00:00:05.000\n<v.loud Ben>It is.</v>\n", encoding="utf-8")
    assert [(t.speaker.name, t.text, t.start) for t in load(path, keep_cues=True).turns] == [
        ("Ana", "Is that right?", 1.0), ("Ben", "Yes.", 1.0), ("Ben", "It is.", 3.5)]
    assert [(t.speaker.name, t.text) for t in load(path).turns] == [("Ana", "Is that right?"),
                                                                    ("Ben", "Yes. It is.")]


def test_srt_with_a_byte_order_mark_and_formatting_tags(tmp_path):
    path = tmp_path / "tags.srt"
    path.write_bytes("1\r\n00:00:01,000 --> 00:00:02,000\r\nAna: <i>How</i> are you?\r\n\r\n"
                     "2\r\n00:00:02,500 --> 00:00:04,000\r\nBen: {\\an8}Fine.\r\n".encode("utf-8-sig"))
    transcript = load(path)
    assert [(t.speaker.name, t.text) for t in transcript.turns] == [("Ana", "How are you?"), ("Ben", "Fine.")]


SECRET = "my brother hit me"


@pytest.mark.parametrize(("name", "content", "line"), [
    ("bad.vtt", f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: hi\n\n00:00:0x.000 --> 00:00:04.000\n"
                f"Ben: {SECRET}\n", 6),
    ("bad.vtt", f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: hi\n\n00:01:75.000 --> 00:01:80.000\n"
                f"Ben: {SECRET}\n", 6),
    ("comma.vtt", f"WEBVTT\n\n1\n00:00:01,000 --> 00:00:02,000\nBen: {SECRET}\n", 4),
    ("bad.srt", f"1\n00:00:01,000 --> 00:00:02,000\nAna: hi\n\n2\n00:00:03 --> 00:00:04,000\n"
                f"Ben: {SECRET}\n", 6),
    ("short.srt", f"1\n00:00:01,000 --> 00:00:02,000\nAna: hi\n\n2\n00:00:03,0 --> 00:00:04,000\n"
                  f"Ben: {SECRET}\n", 6),
])
def test_malformed_cue_timing_names_file_and_line_without_quoting_text(tmp_path, name, content, line):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert name in message
    assert f"line {line}" in message
    assert "malformed cue timing" in message
    assert SECRET not in message


def test_a_cue_the_library_cannot_read_is_named_not_dropped(tmp_path):
    path = tmp_path / "gap.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nAna: hi\n\n2\nextra line\n"
                    f"00:00:03,000 --> 00:00:04,000\nBen: {SECRET}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    assert "gap.srt, line 7: this cue could not be read" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_backwards_cue_times_are_refused_at_the_cue_line(tmp_path):
    path = tmp_path / "back.vtt"
    path.write_text(f"WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nAna: {SECRET}?\n\n"
                    f"00:00:04.000 --> 00:00:04.500\nBen: {SECRET}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    assert "back.vtt, line 6: timestamps go backwards" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_cues_without_any_speaker_names_are_refused(tmp_path):
    path = tmp_path / "anonymous.vtt"
    path.write_text(f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{SECRET}\n\n"
                    "00:00:03.000 --> 00:00:04.000\nand more\n", encoding="utf-8")
    with pytest.raises(InputError, match="no speaker names in the cues") as caught:
        load(path)
    assert SECRET not in str(caught.value)


def test_vtt_without_its_header_line_is_refused(tmp_path):
    path = tmp_path / "headless.vtt"
    path.write_text("00:00:01.000 --> 00:00:02.000\nAna: hi\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1: a WebVTT file must start with the line WEBVTT"):
        load(path)


@pytest.mark.parametrize(("name", "content", "line"), [
    ("split.srt", f"1\n00:00:01,000 --> 00:00:02,000\nAna: Hi?\n\n{SECRET}\n\n"
                  "2\n00:00:03,000 --> 00:00:04,000\nBen: Hello.\n", 5),
    ("split.vtt", "WEBVTT\nKind: captions\n\nNOTE exported by hand\n\n00:00:01.000 --> 00:00:02.000\n"
                  f"Ana: Hi?\n\n{SECRET}\n\n00:00:03.000 --> 00:00:04.000\nBen: Hello.\n", 9),
])
def test_text_cut_off_from_its_cue_by_an_empty_line_is_reported_not_silently_lost(tmp_path, name, content,
                                                                                    line):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    transcript = load(path)
    assert transcript.n_turns == 2
    assert f"{name}: skipped 1 block(s) of text without a timing line (line {line})" in transcript.notices[0]
    assert not any(SECRET in notice for notice in transcript.notices)
