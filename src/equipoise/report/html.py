"""Self-contained HTML reports: one session, or a course of several sessions.

The file carries its styles, its charts (Vega-Lite specs) and the JavaScript that draws them, so it opens
offline and sends nothing anywhere. ``static=True`` draws the charts as SVG instead, for PDF rendering.

>>> from equipoise.report.html import render_session           # doctest: +SKIP
>>> html = render_session(profile, transcript)                  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from . import charts
from .texts import (
    AUDIENCES,
    CLIENT_SUMMARY_TITLES,
    COURSE_INTRO,
    DIMENSIONS,
    INTRO,
    LIMITS,
    Audience,
    client_course_statements,
    lean_phrase,
    norm_phrase,
)
from .view import LOW_CONFIDENCE, as_profile, format_value, number, session_view

if TYPE_CHECKING:
    import jinja2

    from ..agreement import Frame
    from ..model import Transcript
    from ..profile import Profile

TEMPLATES = Path(__file__).with_name("templates")


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@functools.cache
def _asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


@functools.cache
def _vega_script() -> str:
    # The bundle is inlined in a <script> element, which must not see "</script" inside it.
    return charts.javascript_bundle().replace("</script", "<\\/script")


def check_audience(audience: str) -> Audience:
    """The audience, or a usage error that lists the valid ones."""
    if audience not in AUDIENCES:
        raise UsageError(f"no audience {audience!r}; available audiences: {', '.join(AUDIENCES)}")
    return audience  # type: ignore[return-value]


def _script_json(value: Any) -> str:
    # Inside <script>, "</" would end the element early: escape it (and the HTML comment openers).
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _render(template: str, specs: Mapping[str, dict[str, Any] | None], static: bool, audience: Audience,
            **context: Any) -> str:
    specs = {k: v for k, v in specs.items() if v is not None}
    svgs = {k: charts.to_svg(v) for k, v in specs.items()} if static else {}
    return _environment().get_template(template).render(
        css=_asset("report.css"), js="" if static else _asset("report.js"),
        vega_js="" if static else _vega_script(),
        libs=charts.library_versions(), charts=specs, charts_json=_script_json(specs), svgs=svgs,
        static=static, audience=audience, limits=LIMITS[audience],
        lean_words=lambda lean: lean_phrase(lean, audience),
        norm_words=lambda position: norm_phrase(position, audience), **context)


def render_session(profile: Profile, transcript: Transcript | None = None, *, audience: str = "therapist",
                   static: bool = False) -> str:
    """One session's report as an HTML string."""
    audience = check_audience(audience)
    view = session_view(profile, transcript, audience)
    width: int | str = 860 if static else "container"
    specs = {
        "chart-dimensions": charts.dimensions_chart(view, width),
        "chart-timeline": charts.timeline_chart(view, width),
        "chart-talk": charts.talk_share_chart(view, 200 if static else "container"),
        "chart-talk-strip": charts.talk_strip_chart(view, width),
    }
    return _render("session.html.j2", specs, static, audience, view=view, intro=INTRO[audience],
                   equipoise_version=view.equipoise_version, labeller=view.labeller,
                   low_confidence=LOW_CONFIDENCE)


def course_view(profiles: Sequence[Profile], audience: Audience, links: Mapping[str, str] | None = None,
                title: str | None = None) -> dict[str, Any]:
    """The rows a course report shows: one per session, in the order given."""
    sessions, lean_rows, summary_rows = [], [], []
    seen_dims: dict[str, str] = {}
    ids: list[str] = []
    for position, profile in enumerate(profiles, start=1):
        profile = as_profile(profile)
        sid = profile.transcript_id
        if sid in ids:
            sid = f"{sid} ({position})"
        ids.append(sid)
        leans = {}
        for key, dim in profile.dimensions.items():
            text = DIMENSIONS.get(key)
            dim_title = (text.client_title if audience == "client" else text.title) if text else key
            seen_dims.setdefault(key, dim_title)
            lean = number(dim.lean)
            if lean is not None:
                leans[key] = f"{lean:+.2f}"
                lean_rows.append({"session": sid, "dimension": dim_title, "key": key, "lean": lean})
        power, shared = number(profile.summary.power_lean), number(profile.summary.shared_power)
        for measure, series, value in (("power lean", "power_lean", power),
                                       ("shared power", "partnership_index", shared)):
            if value is not None:
                label = CLIENT_SUMMARY_TITLES[series] if audience == "client" else measure
                summary_rows.append({"session": sid, "measure": measure, "label": label, "value": value})
        sessions.append({"id": sid, "n_turns": profile.n_turns, "leans": leans,
                         "href": (links or {}).get(profile.transcript_id),
                         "power_lean": "\u2013" if power is None else f"{power:+.2f}",
                         "shared_power": format_value(shared)})
    order = [k for k in DIMENSIONS if k in seen_dims] + [k for k in seen_dims if k not in DIMENSIONS]
    return {"statements": _course_statements(ids, lean_rows, summary_rows, audience),
            "title": title or (f"{ids[0]} \u2026 {ids[-1]}" if len(ids) > 1 else ids[0]),
            "sessions": sessions, "ids": ids, "lean_rows": lean_rows, "summary_rows": summary_rows,
            "dimensions": [(k, seen_dims[k]) for k in order],
            "n_turns": sum(s["n_turns"] for s in sessions)}


def _course_statements(ids: Sequence[str], lean_rows: Sequence[Mapping[str, Any]],
                       summary_rows: Sequence[Mapping[str, Any]], audience: Audience) -> list[str]:
    """The shifts the course analysis finds, in sentences (see :mod:`equipoise.course`)."""
    from ..course import build_course_from_leans

    summary_names = {"power lean": "power_lean", "shared power": "partnership_index"}
    series: dict[str, list[float | None]] = {}
    for row in lean_rows:
        series.setdefault(row["key"], [None] * len(ids))[ids.index(row["session"])] = row["lean"]
    for row in summary_rows:
        name = summary_names[row["measure"]]
        series.setdefault(name, [None] * len(ids))[ids.index(row["session"])] = row["value"]
    course = build_course_from_leans(list(ids), series)
    if audience == "client":
        return client_course_statements([(s.series, s.session, s.before, s.after) for s in course.shifts],
                                        course.back_and_forth)
    return course.statements()


def render_course(profiles: Sequence[Profile], *, audience: str = "therapist", static: bool = False,
                  links: Mapping[str, str] | None = None, title: str | None = None,
                  frame: Frame | None = None) -> str:
    """A course report over several sessions of one therapy, in the order given.

    ``links`` maps a session id to the (relative) address of its own report, linked from the table;
    ``frame``, the practice agreement of the therapy (the web app has one), is shown beside the sessions.
    """
    if not profiles:
        raise UsageError("a course report needs at least one session")
    audience = check_audience(audience)
    course = course_view(profiles, audience, links, title)
    specs = {
        "chart-course-summary": charts.course_summary_chart(course["summary_rows"], course["ids"],
                                                            860 if static else "container"),
        "chart-course": charts.course_chart(course["lean_rows"], course["ids"], audience,
                                            170 if static else 190),
    }
    versions = {as_profile(p).equipoise_version for p in profiles}
    return _render("course.html.j2", specs, static, audience, course=course, intro=COURSE_INTRO[audience],
                   equipoise_version=", ".join(sorted(versions)), labeller="", frame=_frame(frame, audience))


def _frame(frame: Frame | None, audience: Audience) -> dict[str, Any] | None:
    from ..agreement import frame_view

    return frame_view(frame, audience) if frame is not None and frame.versions else None


def render_agreement(frame: Frame, *, title: str, audience: str = "therapist", static: bool = False,
                     written: str = "") -> str:
    """A practice agreement (its items, the client's marks, every version's changes) as an HTML string."""
    from .. import __version__

    audience = check_audience(audience)
    if not frame.versions:
        raise UsageError("this client has no practice agreement yet")
    return _render("agreement.html.j2", {}, static, audience, frame=_frame(frame, audience), title=title,
                   written=written, equipoise_version=__version__, labeller="")


def write_session(profile: Profile, transcript: Transcript | None, path: Path, *,
                  audience: str = "therapist") -> Path:
    """Write one session's HTML report to ``path``."""
    path.write_text(render_session(profile, transcript, audience=audience), encoding="utf-8")
    return path


def write_course(profiles: Sequence[Profile], path: Path, *, audience: str = "therapist",
                 links: Mapping[str, str] | None = None) -> Path:
    """Write a course report over several sessions to ``path``."""
    path.write_text(render_course(profiles, audience=audience, links=links), encoding="utf-8")
    return path
