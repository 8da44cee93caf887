"""The report's charts as Vega-Lite specs built with Altair, and the offline JavaScript that draws them.

The HTML report embeds the specs and the vega/vega-lite/vega-embed bundle shipped inside the
``vl-convert-python`` wheel, so it opens with no network. The PDF report cannot run JavaScript, so the
same specs are rendered to SVG here with vl-convert (also offline).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .texts import Audience
    from .view import SessionView

ROLE_COLOURS = {"therapist": "#3b6ea5", "client": "#d9822b", "other": "#9a9a9a"}
CLIENT_ROLE_WORDS = {"therapist": "your therapist", "client": "you", "other": "others"}
LEAN_AXIS = "\u2190 client holds \u00b7 shared \u00b7 therapist holds \u2192"
CLIENT_LEAN_AXIS = "\u2190 you \u00b7 shared \u00b7 your therapist \u2192"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@functools.cache
def javascript_bundle() -> str:
    """vega, vega-lite and vega-embed as one script (from the vl-convert wheel; no network)."""
    import vl_convert

    return vl_convert.javascript_bundle()


def library_versions() -> dict[str, str]:
    """Versions of the JavaScript libraries embedded in reports, for the report's footer."""
    import vl_convert

    return {"vega": vl_convert.get_vega_version(), "vega-embed": vl_convert.get_vega_embed_version()}


def to_svg(spec: Mapping[str, Any]) -> str:
    """Render a Vega-Lite spec to SVG text, offline (used where JavaScript cannot run, as in PDFs)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(dict(spec))


def _config(chart: Any) -> Any:
    return chart.configure(font=FONT).configure_view(stroke=None).configure_axis(
        labelFontSize=12, titleFontSize=12, labelColor="#333", titleColor="#555", gridColor="#eee",
    ).configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom")


def _finish(chart: Any, datasets: dict[str, list[Any]]) -> dict[str, Any]:
    """The spec as a dict, with its rows attached as named datasets.

    Altair deep-copies inline rows several times while building a spec; naming the data and attaching the
    rows afterwards keeps a long session cheap. Schema validation is left to the tests.
    """
    spec = _config(chart).to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


def _role_words(role: str, audience: Audience) -> str:
    return CLIENT_ROLE_WORDS.get(role, role) if audience == "client" else role


def dimensions_chart(view: SessionView, width: int | str = "container") -> dict[str, Any]:
    """Each dimension's lean (point) beside the reference range of leans (grey bar, tick at the median)."""
    import altair as alt

    rows = []
    for dim in view.dimensions:
        if dim.lean is None:
            continue
        norm = dim.lean_norm
        rows.append({"dimension": dim.title, "key": dim.key, "lean": dim.lean, "words": dim.lean_phrase,
                     "low": norm.low if norm else None, "high": norm.high if norm else None,
                     "median": norm.median if norm else None})
    order = [r["dimension"] for r in rows]
    data = alt.Data(name="dimensions")
    y = alt.Y("dimension:N", sort=order, title=None, axis=alt.Axis(labelLimit=280, labelPadding=8))
    x_scale = alt.Scale(domain=[-1, 1], nice=False)
    axis_title = CLIENT_LEAN_AXIS if view.audience == "client" else LEAN_AXIS
    base = alt.Chart(data).encode(y=y)
    band = base.mark_bar(height=14, color="#dfe6ee", cornerRadius=3).encode(
        x=alt.X("low:Q", scale=x_scale, title=axis_title,
                axis=alt.Axis(values=[-1, -0.5, 0, 0.5, 1], format="+.1f")),
        x2="high:Q",
        tooltip=[alt.Tooltip("low:Q", title="reference from", format=".2f"),
                 alt.Tooltip("high:Q", title="reference to", format=".2f")],
    ).transform_filter("isValid(datum.low)")
    median = base.mark_tick(color="#8aa0b8", thickness=2, size=14).encode(x="median:Q") \
        .transform_filter("isValid(datum.median)")
    zero = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(color="#999", strokeDash=[3, 3]).encode(x="x:Q")
    points = base.mark_point(filled=True, size=140, color="#1f3b5a", cursor="pointer").encode(
        x=alt.X("lean:Q", scale=x_scale),
        tooltip=[alt.Tooltip("dimension:N"), alt.Tooltip("lean:Q", format="+.2f"),
                 alt.Tooltip("words:N", title="in words")])
    chart = alt.layer(band, median, zero, points).properties(
        width=width, height=max(120, 34 * len(rows)), usermeta={"equipoise": "dimensions"})
    return _finish(chart, {"dimensions": rows})


def timeline_chart(view: SessionView, width: int | str = "container") -> dict[str, Any] | None:
    """Lean of each dimension over a sliding window of turns; legend entries toggle lines."""
    import altair as alt

    if not view.timeline:
        return None
    select = alt.selection_point(fields=["dimension"], bind="legend")
    order = [d.title for d in view.dimensions]
    # Four entries a row: the client's longer names would otherwise run off the right edge, cut short.
    colour = alt.Color("dimension:N", sort=order, title=None, scale=alt.Scale(scheme="tableau10"),
                       legend=alt.Legend(columns=4, labelLimit=300, symbolType="circle"))
    axis_title = CLIENT_LEAN_AXIS if view.audience == "client" else LEAN_AXIS
    chart = alt.Chart(alt.Data(name="timeline")).mark_line(
        point=alt.OverlayMarkDef(size=30, filled=True, cursor="pointer"), strokeWidth=2,
        interpolate="monotone",
    ).encode(
        x=alt.X("turn:Q", title="turn (centre of the window)"),
        y=alt.Y("lean:Q", scale=alt.Scale(domain=[-1, 1]), title=axis_title.replace(" \u00b7 ", " / ")),
        color=colour,
        opacity=alt.condition(select, alt.value(1.0), alt.value(0.12)),
        tooltip=[alt.Tooltip("dimension:N"), alt.Tooltip("turn:Q", format=".0f"),
                 alt.Tooltip("first:Q", title="window from turn"), alt.Tooltip("last:Q", title="to turn"),
                 alt.Tooltip("lean:Q", format="+.2f")],
    ).add_params(select).properties(width=width, height=240, usermeta={"equipoise": "timeline"})
    return _finish(chart, {"timeline": list(view.timeline)})


def talk_share_chart(view: SessionView, width: int | str = "container") -> dict[str, Any]:
    """Share of words and of turns by role, as stacked bars."""
    import altair as alt

    rows = [{**row, "who": _role_words(row["role"], view.audience)} for row in view.talk_share]
    roles = list(dict.fromkeys(row["role"] for row in rows))
    scale = alt.Scale(domain=[_role_words(r, view.audience) for r in roles],
                      range=[ROLE_COLOURS.get(r, "#9a9a9a") for r in roles])
    chart = alt.Chart(alt.Data(name="talk")).mark_bar(height=22).encode(
        y=alt.Y("measure:N", title=None, sort=["words", "turns"]),
        x=alt.X("share:Q", stack="normalize", title="share", axis=alt.Axis(format="%")),
        color=alt.Color("who:N", scale=scale, title=None),
        tooltip=[alt.Tooltip("who:N", title="who"), alt.Tooltip("measure:N"),
                 alt.Tooltip("share:Q", format=".0%")],
    ).properties(width=width, height=80, usermeta={"equipoise": "talk-share"})
    return _finish(chart, {"talk": rows})


def talk_strip_chart(view: SessionView, width: int | str = "container") -> dict[str, Any] | None:
    """Who spoke when: one bar per turn along the session's clock, a row per role (gaps are silences)."""
    import altair as alt

    if not view.talk_strip:
        return None
    rows = [{**row, "who": _role_words(row["role"], view.audience)} for row in view.talk_strip]
    roles = list(dict.fromkeys(row["role"] for row in rows))
    scale = alt.Scale(domain=[_role_words(r, view.audience) for r in roles],
                      range=[ROLE_COLOURS.get(r, "#9a9a9a") for r in roles])
    chart = alt.Chart(alt.Data(name="strip")).mark_bar(height=16).encode(
        y=alt.Y("who:N", title=None, sort=[_role_words(r, view.audience) for r in roles]),
        x=alt.X("start:Q", title="seconds from the start"), x2="end:Q",
        color=alt.Color("who:N", scale=scale, legend=None),
        tooltip=[alt.Tooltip("who:N", title="who"), alt.Tooltip("turn:Q", format=".0f"),
                 alt.Tooltip("start:Q", format=".1f"), alt.Tooltip("end:Q", format=".1f")],
    ).properties(width=width, height=24 * len(roles), usermeta={"equipoise": "talk-strip"})
    return _finish(chart, {"strip": rows})


def course_chart(rows: Sequence[Mapping[str, Any]], session_order: Iterable[str], audience: Audience,
                 width: int = 190) -> dict[str, Any]:
    """One small panel per dimension: its lean across the sessions of a course."""
    import altair as alt

    order = list(session_order)
    dims = list(dict.fromkeys(r["dimension"] for r in rows))
    axis_title = "lean (+ therapist)" if audience == "therapist" else "lean (+ your therapist)"
    base = alt.Chart().encode(x=alt.X("session:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40)))
    zero = alt.Chart().mark_rule(color="#bbb", strokeDash=[3, 3]).encode(y=alt.datum(0))
    line = base.mark_line(point=alt.OverlayMarkDef(size=40, filled=True), color="#1f3b5a").encode(
        y=alt.Y("lean:Q", scale=alt.Scale(domain=[-1, 1]), title=axis_title),
        tooltip=[alt.Tooltip("session:N"), alt.Tooltip("dimension:N"), alt.Tooltip("lean:Q", format="+.2f")])
    chart = alt.layer(zero, line, data=alt.Data(name="course")).properties(
        width=width, height=110).facet(
        facet=alt.Facet("dimension:N", sort=dims, title=None, header=alt.Header(labelFontSize=13)),
        columns=4).properties(usermeta={"equipoise": "course"})
    return _finish(chart, {"course": list(rows)})


def course_summary_chart(rows: Sequence[Mapping[str, Any]], session_order: Iterable[str],
                         width: int | str = "container") -> dict[str, Any]:
    """Overall power lean and shared power across sessions."""
    import altair as alt

    chart = alt.Chart(alt.Data(name="course-summary")).mark_line(
        point=alt.OverlayMarkDef(size=50, filled=True), strokeWidth=2).encode(
        x=alt.X("session:N", sort=list(session_order), title=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("value:Q", scale=alt.Scale(domain=[-1, 1]), title=None),
        color=alt.Color("label:N", title=None, scale=alt.Scale(range=["#1f3b5a", "#d9822b"])),
        tooltip=[alt.Tooltip("session:N"), alt.Tooltip("label:N", title="measure"),
                 alt.Tooltip("value:Q", format="+.2f")],
    ).properties(width=width, height=200, usermeta={"equipoise": "course-summary"})
    return _finish(chart, {"course-summary": list(rows)})
