"""The app's charts as Vega-Lite specs, drawn to SVG on the server with the report's own helper
(:func:`equipoise.report.charts.to_svg`), so they look like the report's charts and need no JavaScript.

Each chart carries a description with its numbers (as the SVG's ``aria-label``), and the pages show the
numbers in a table or on the session pages as well.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from .cache import ReportCache

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
# The report's colours: the client's voice orange, the therapist's blue; the measurement dark grey.
VOICES = (("measured", "Measured power lean", "#444c56", "circle"),
          ("client", "Client's answer", "#d9822b", "square"),
          ("predicted", "Therapist's expectation", "#3b6ea5", "diamond"))
LEAN_LABELS = "datum.value == 1 ? 'therapist held it' : datum.value == 0 ? 'shared' : 'client held it'"
SCALE_LABELS = ("datum.value == 5 ? '5 completely' : datum.value == 3 ? '3 somewhat' : "
                "datum.value == 1 ? '1 not at all' : ''")


def _config() -> dict[str, Any]:
    from ..report.charts import FONT

    return {"font": FONT, "view": {"stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#333", "titleColor": "#555",
                     "gridColor": "#eee"},
            # Wide gaps: the SVG is measured with the server's fonts and shown with the browser's.
            "legend": {"labelFontSize": 12, "orient": "bottom", "title": None, "columnPadding": 36,
                       "labelLimit": 0},
            "header": {"labelFontSize": 12, "labelFontWeight": "bold", "labelLimit": 0}}


def _names(self_view: bool) -> dict[str, str]:
    names = {k: name for k, name, _c, _s in VOICES}
    return {**names, "client": "Your answer"} if self_view else names


def _voices(keys: Sequence[str], self_view: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    chosen = [v for v in VOICES if v[0] in keys]
    names = _names(self_view)
    domain = [names[k] for k, _name, _c, _s in chosen]
    colour = {"field": "voice", "type": "nominal", "legend": {"title": None, "orient": "bottom"},
              "scale": {"domain": domain, "range": [c for *_x, c, _s in chosen]}}
    shape = {"field": "voice", "type": "nominal", "legend": None,
             "scale": {"domain": domain, "range": [s for *_x, s in chosen]}}
    return colour, shape


def render(spec: dict[str, Any], caption: str | None, left: int = 24) -> Markup:
    """A figure with the chart drawn to SVG and, when given, a caption.

    ``left`` is extra room for axis labels, which the browser's fonts may draw wider than measured.
    """
    spec = dict(spec)
    config = _config()
    for key, value in spec.pop("config", {}).items():  # a chart's own settings refine the shared ones
        config[key] = {**config.get(key, {}), **value}
    svg = _svg(json.dumps({"$schema": SCHEMA, "config": config,
                           "padding": {"left": left, "right": 24, "top": 6, "bottom": 6}, **spec},
                          sort_keys=True))
    # One label with every number for screen readers, in place of Vega's per-mark labels.
    label = escape(spec.get("description", caption or ""))
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    head = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return Markup(f'<figure class="chart">{head}{svg}</figure>')


#: Drawn charts by spec. Drawing is the slow part of a page (a Vega-Lite run per chart); a page drawn again
#: for the same numbers, by any reader, reuses the drawing, and readers arriving together wait for one
#: drawing. Kept in memory only.
_DRAWN = ReportCache(max_entries=256, max_bytes=32_000_000)


def _svg(spec_json: str) -> str:
    from ..report.charts import to_svg

    return _DRAWN.get_or_render(spec_json, lambda: to_svg(json.loads(spec_json)))



def responsive(wide: Markup, narrow: Markup) -> Markup:
    """Both drawings of a chart; the style sheet shows the narrow one on phones, the wide one elsewhere.

    The SVG has a fixed size (drawn on the server, no script), so a phone gets its own drawing rather than
    a shrunken one with unreadable labels.
    """
    return Markup(f'<div class="chart-wide">{wide}</div><div class="chart-narrow">{narrow}</div>')


def course_chart(points: Sequence[dict[str, Any]], title: str, self_view: bool = False,
                 narrow: bool = False) -> Markup:
    """Who held the power, session by session: measured lean, the client's answer, the expectation.

    ``points`` has one dict per session with ``label`` and ``measured``, ``client``, ``predicted`` in
    [-1, 1] or None (+1 the therapist held the power, -1 the client, 0 shared). ``self_view``: the
    client is reading, so their answer is "Your answer". ``narrow``: drawn to fit a phone.
    """
    keys = [k for k, *_rest in VOICES if any(p.get(k) is not None for p in points)]
    names = _names(self_view)
    rows = [{"session": p["label"], "voice": names[k], "value": p[k]}
            for p in points for k in keys if p.get(k) is not None]
    if not rows:
        return Markup('<p class="hint">Nothing to draw yet.</p>')
    colour, shape = _voices(keys, self_view)
    x = {"field": "session", "type": "ordinal", "sort": [p["label"] for p in points], "title": None,
         "axis": {"labelAngle": 0}}
    y = {"field": "value", "type": "quantitative", "scale": {"domain": [-1, 1]}, "title": None,
         "axis": {"values": [-1, 0, 1], "labelExpr": LEAN_LABELS}}
    description = "; ".join(f"{r['session']} {r['voice']}: {r['value']:+.2f}" for r in rows)
    spec = {"width": 210 if narrow else 520, "height": 180 if narrow else 200,
            "description": f"{title}. {description}",
            "data": {"values": rows},
            "layer": [
                {"transform": [{"filter": f"datum.voice == '{names['measured']}'"}],
                 "mark": {"type": "line", "color": "#444c56"}, "encoding": {"x": x, "y": y}},
                {"mark": {"type": "point", "filled": True, "size": 110, "opacity": 0.9},
                 "encoding": {"x": x, "y": y, "color": colour, "shape": shape}},
            ]}
    if narrow:  # two legend rows fit a phone; one does not
        spec["config"] = {"legend": {"columns": 2}}
    return render(spec, title, left=24)


def whole_ticks(top: int) -> list[int]:
    """At most about six whole-number ticks from 0 to ``top``.

    >>> whole_ticks(3), whole_ticks(40)[:3]
    ([0, 1, 2, 3], [0, 10, 20])
    """
    step = max(1, -(-top // 5))
    for nice in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if nice >= step:
            step = nice
            break
    return list(range(0, top + step, step))


def items_chart(points: Sequence[dict[str, Any]], items: Sequence[tuple[str, str]],
                self_view: bool = False, narrow: bool = False) -> Markup:
    """The four check-in items over the course: the client's answer and the expectation (1 to 5).

    Two columns of small charts, or with ``narrow`` one column that fits a phone.
    """
    names = _names(self_view)
    rows = []
    for p in points:
        for voice, field in (("client", "client_items"), ("predicted", "predicted_items")):
            for key, text in items:
                value = (p.get(field) or {}).get(key)
                if value is not None:
                    rows.append({"session": p["label"], "item": text, "voice": names[voice], "value": value})
    if not rows:
        return Markup('<p class="hint">No check-ins or reflections yet.</p>')
    keys = [k for k in ("client", "predicted") if any(r["voice"] == names[k] for r in rows)]
    colour, shape = _voices(keys, self_view)
    description = "; ".join(f"{r['item']}, {r['session']}, {r['voice']}: {r['value']}" for r in rows)
    spec = {"description": f"The check-in items over the course. {description}", "data": {"values": rows},
            "facet": {"field": "item", "type": "nominal", "sort": [t for _k, t in items],
                      "title": None},
            "columns": 1 if narrow else 2,
            "spec": {"width": 230 if narrow else 250, "height": 100 if narrow else 110,
                     "mark": {"type": "line", "point": {"filled": True, "size": 70}},
                     "encoding": {
                         "x": {"field": "session", "type": "ordinal", "sort": [p["label"] for p in points],
                               "title": None, "axis": {"labelAngle": 0}},
                         "y": {"field": "value", "type": "quantitative", "scale": {"domain": [1, 5]},
                               "title": None, "axis": {"values": [1, 3, 5], "labelExpr": SCALE_LABELS}},
                         "color": colour, "shape": shape, "detail": {"field": "voice"}}}}
    return render(spec, None, left=8 if narrow else 24)


# Short answers for the narrow drawing; the table beside the chart has them in full.
SHORT_ANSWERS = {"the therapist": "the therapist", "the client": "the client",
                 "neither, power did not come into it": "neither",
                 "we held it more or less equally": "equally", "it shifted back and forth": "it shifted",
                 "something else": "something else"}


def caseload_chart(client_rows: Sequence[dict[str, Any]], predicted_rows: Sequence[dict[str, Any]],
                   title: str, client_name: str = "Clients' answers",
                   predicted_name: str = "Therapist's expectations", narrow: bool = False) -> Markup:
    """The answers to "who held the power?" over a caseload, the clients' beside the therapist's.

    ``narrow``: drawn to fit a phone, with the answers shortened (the table beside has them in full).
    """
    sources = ((client_name, client_rows), (predicted_name, predicted_rows))
    short = (lambda label: SHORT_ANSWERS.get(label, label)) if narrow else (lambda label: label)
    rows = [{"answer": short(r["label"]), "voice": name, "count": r["count"]}
            for name, source in sources for r in source]
    if not any(r["count"] for r in rows):
        return Markup('<p class="hint">No answers yet.</p>')
    order = [short(r["label"]) for r in client_rows]
    description = "; ".join(f"{r['voice']}, {r['answer']}: {r['count']}" for r in rows)
    spec = {"width": 190 if narrow else 420, "description": f"{title}. {description}",
            "data": {"values": rows},
            "mark": {"type": "bar", "cornerRadiusEnd": 2},
            "encoding": {
                "y": {"field": "answer", "type": "nominal", "sort": order, "title": None,
                      "axis": {"labelLimit": 260}},
                "yOffset": {"field": "voice", "sort": [client_name, predicted_name]},
                "x": {"field": "count", "type": "quantitative", "title": "answers",
                      "axis": {"values": whole_ticks(max(r["count"] for r in rows)), "format": "d"}},
                "color": {"field": "voice", "type": "nominal", "sort": [client_name, predicted_name],
                          "scale": {"domain": [client_name, predicted_name],
                                    "range": ["#d9822b", "#3b6ea5"]},
                          "legend": {"title": None, "orient": "bottom"}}}}
    if narrow:
        spec["config"] = {"legend": {"columns": 1}}
    return render(spec, title, left=30 if narrow else 90)
