"""The frame in the course report: the practice agreement beside the sessions, when there is one."""

from __future__ import annotations

import datetime as dt

import pytest

from equipoise.agreement import Frame, Mark, Version
from equipoise.errors import UsageError
from equipoise.profile import Profile
from equipoise.report.html import render_agreement, render_course

DAY = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
FRAME = Frame([Version(1, DAY, {"fee": "60 a session", "cancellation": "72 hours, business days only"}),
               Version(2, DAY + dt.timedelta(days=30), {"fee": "70 a session",
                                                        "cancellation": "72 hours, business days only"},
                       "#1")],
              [Mark("cancellation", "no_say", 1, DAY, "waived at his whim", "Let us talk about it", DAY)])


def test_the_course_report_shows_the_frame_and_its_changes(profile: Profile) -> None:
    html = render_course([profile, profile], frame=FRAME)
    frame = html[html.index('id="frame"'):]
    assert "The frame: the practice agreement" in frame and "70 a session" in frame
    assert "after session #1:" in frame and "Fee changed (was &ldquo;60 a session&rdquo;" in frame
    assert "I didn’t get a say in this" in frame and "waived at his whim" in frame
    assert "practice agreement changed 1 time(s)" in html
    assert "not to grade anybody" in frame


def test_the_client_version_speaks_to_the_client(profile: Profile) -> None:
    html = render_course([profile], audience="client", frame=FRAME)
    assert "Our practice agreement" in html and "your marks" in html


def test_a_course_without_an_agreement_says_nothing_about_one(profile: Profile) -> None:
    for frame in (None, Frame([])):
        html = render_course([profile, profile], frame=frame)
        assert 'id="frame"' not in html and "practice agreement" not in html


def test_an_agreement_renders_on_its_own_and_needs_a_version() -> None:
    html = render_agreement(FRAME, title="Robin", written="2026-03-01")
    assert "Practice agreement · Robin" in html and "2 version(s)" in html
    with pytest.raises(UsageError, match="no practice agreement"):
        render_agreement(Frame([]), title="Robin")
