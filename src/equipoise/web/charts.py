"""Small accessible charts drawn on the server: HTML bars and an inline SVG course chart.

Each chart carries its numbers as text (a table or a description), so it reads without colour or
without the picture at all, and it needs no JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

SERIES = (
    ("measured", "Measured power lean", "#3b6ea5", "circle"),
    ("client", "Client's answer", "#d9822b", "square"),
    ("predicted", "Therapist's expectation", "#6b8e23", "diamond"),
)


def bars(rows: Sequence[tuple[str, int]], caption: str) -> Markup:
    """A horizontal bar chart as a table: one row per label, bar length proportional to the count."""
    top = max((count for _, count in rows), default=0) or 1
    total = sum(count for _, count in rows)
    body = []
    for label, count in rows:
        width = round(100 * count / top)
        share = f"{100 * count / total:.0f}%" if total else "0%"
        body.append(f'<tr><th scope="row">{escape(label)}</th><td class="bar-cell">'
                    f'<svg class="bar" aria-hidden="true" width="100%" height="16"><rect width="{width}%" '
                    f'height="16" rx="2"/></svg></td>'
                    f'<td class="num">{count} ({share})</td></tr>')
    return Markup(f'<table class="bars"><caption>{escape(caption)}</caption>'
                  f'<thead><tr><th scope="col">answer</th>'
                  f'<th scope="col"><span class="sr-only">bar</span></th>'
                  f'<th scope="col">answers</th></tr></thead><tbody>{"".join(body)}</tbody></table>')


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}"/>'
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - 7:.1f} {x + 7:.1f},{y:.1f} {x:.1f},{y + 7:.1f} '
                f'{x - 7:.1f},{y:.1f}" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{colour}"/>'


def line_chart(points: Sequence[dict[str, Any]], title: str, series: Sequence[tuple[str, str, str, str]],
               ticks: Sequence[tuple[float, str]], *, height: int = 260, width: int = 640, left: int = 120,
               chart_id: str = "course", legend: bool = True) -> Markup:
    """Values per session as points (the first series joined by a line), with a title and a description.

    ``points`` has one dict per session with ``label`` and a value (or None) under each series key;
    ``series`` is (key, name, colour, marker shape); ``ticks`` are the labelled values of the y axis.
    """
    right, top, bottom = 20, 20, 40
    low, high = min(v for v, _ in ticks), max(v for v, _ in ticks)
    n = max(len(points), 1)
    step = (width - left - right) / n
    offsets = {key: (i - (len(series) - 1) / 2) * 9 for i, (key, *_rest) in enumerate(series)}

    def y_of(value: float) -> float:
        return top + (1 - (value - low) / (high - low)) * (height - top - bottom)

    parts = [f'<svg class="course-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{escape(title)}</title>']
    for value, label in ticks:
        y = y_of(value)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" class="axis">'
                     f'{escape(label)}</text>')
    for position, (key, _name, colour, shape) in enumerate(series):
        line = [(left + step * (i + 0.5) + offsets[key], y_of(float(point[key])))
                for i, point in enumerate(points) if point.get(key) is not None]
        if position == 0 and len(line) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.extend(_marker(shape, x, y, colour) for x, y in line)
    desc = []
    for i, point in enumerate(points):
        x = left + step * (i + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" class="axis">'
                     f'{escape(point["label"])}</text>')
        values = ", ".join(f"{name}: {'none' if point.get(key) is None else format(point[key], 'g')}"
                           for key, name, _c, _s in series)
        desc.append(f"{point['label']}: {values}")
    parts.append(f'<desc id="{chart_id}-desc">{escape("; ".join(desc))}</desc></svg>')
    return Markup("".join(parts) + (str(legend_html(series)) if legend else ""))


def legend_html(series: Sequence[tuple[str, str, str, str]]) -> Markup:
    """The markers and names of chart series as a list."""
    items = "".join(f'<li><svg width="16" height="16" aria-hidden="true">{_marker(shape, 8, 8, colour)}'
                    f'</svg> {escape(name)}</li>' for _key, name, colour, shape in series)
    return Markup(f'<ul class="legend">{items}</ul>')


def course_svg(points: Sequence[dict[str, Any]], title: str) -> Markup:
    """Who held the power over the course: measured lean, the client's answer, the therapist's expectation.

    Values are in [-1, 1]: +1 the therapist held the power, -1 the client, 0 shared.
    """
    ticks = ((1.0, "therapist held it"), (0.0, "shared"), (-1.0, "client held it"))
    return line_chart(points, title, SERIES, ticks)


def items_svg(points: Sequence[dict[str, Any]], key: str, text: str) -> Markup:
    """One check-in item over the course: the client's answer and the therapist's expectation (1-5)."""
    rows = [{"label": p["label"],
             "client": (p.get("client_items") or {}).get(key),
             "predicted": (p.get("predicted_items") or {}).get(key)} for p in points]
    ticks = tuple((float(v), f"{v} {w}") for v, w in ((5, "completely"), (3, "somewhat"), (1, "not at all")))
    return line_chart(rows, f"\u201c{text}\u201d over the course", SERIES[1:], ticks, height=170, width=340,
                      left=95, chart_id=f"item-{key}", legend=False)
