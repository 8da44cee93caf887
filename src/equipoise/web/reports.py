"""The web app's only contact with the analysis and the report: one function each, easy to switch.

The app stores the Profile JSON that :func:`equipoise.analyse` returns and shows the report that
:mod:`equipoise.report` renders from it; it never recomputes a metric. The stored JSON becomes a
:class:`~equipoise.profile.Profile` here, at the edge, since the reports read typed profiles only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..agreement import Frame
    from ..model import Transcript


def analyse(transcript: Transcript) -> dict[str, Any]:
    """The Profile JSON of a transcript (DESIGN §3)."""
    import equipoise

    profile = equipoise.analyse(transcript)
    return profile.to_dict() if hasattr(profile, "to_dict") else dict(profile)


def transcript_from_turns(transcript_id: str, turns: Sequence[Mapping[str, Any]],
                          source_format: str | None = None) -> Transcript:
    """Rebuild a Transcript from stored turn rows."""
    from ..model import Role, Speaker, Transcript, Turn

    return Transcript.from_turns(transcript_id, [
        Turn(int(t["index"]), Speaker(str(t["speaker"]), Role(t["role"])), str(t["text"]), t.get("start"),
             t.get("end")) for t in turns], source_format)


def session_report(profile: Mapping[str, Any], transcript: Transcript | None, audience: str) -> str:
    """One session's report as a whole HTML document (the same report as the HTML output)."""
    from ..profile import Profile
    from ..report.html import render_session

    return render_session(Profile.from_dict(profile), transcript, audience=audience)


def course_report(profiles: Sequence[Mapping[str, Any]], audience: str, links: Mapping[str, str],
                  title: str, frame: Frame | None = None) -> str:
    """The course-of-therapy report over several sessions, with the practice agreement beside them, as a
    whole HTML document."""
    from ..profile import Profile
    from ..report.html import render_course

    return render_course([Profile.from_dict(p) for p in profiles], audience=audience, links=links,
                         title=title, frame=frame)
