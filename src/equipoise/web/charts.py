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


def course_svg(points: Sequence[dict[str, Any]], title: str) -> Markup:
    """Power over the course: measured lean, client's answer and therapist's expectation per session.

    ``points`` has one dict per session with ``label`` and the values ``measured``, ``client`` and
    ``predicted`` in [-1, 1] (None when missing): +1 the therapist held the power, -1 the client.
    """
    width, height, left, right, top, bottom = 640, 260, 120, 20, 20, 40
    n = max(len(points), 1)
    step = (width - left - right) / n

    def y_of(value: float) -> float:
        return top + (1 - (value + 1) / 2) * (height - top - bottom)

    parts = [f'<svg class="course-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="course-title course-desc" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="course-title">{escape(title)}</title>']
    desc = []
    for label, value in (("therapist held it", 1), ("shared", 0), ("client held it", -1)):
        y = y_of(value)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" class="axis">{label}</text>')
    for key, _name, colour, shape in SERIES:
        line = []
        for i, point in enumerate(points):
            value = point.get(key)
            if value is None:
                continue
            x = left + step * (i + 0.5) + {"measured": 0, "client": -9, "predicted": 9}[key]
            line.append((x, y_of(float(value))))
        if key == "measured" and len(line) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.extend(_marker(shape, x, y, colour) for x, y in line)
    for i, point in enumerate(points):
        x = left + step * (i + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" class="axis">'
                     f'{escape(point["label"])}</text>')
        values = ", ".join(f"{name}: {'none' if point.get(key) is None else format(point[key], '+.2f')}"
                           for key, name, _c, _s in SERIES)
        desc.append(f"{point['label']}: {values}")
    parts.append(f'<desc id="course-desc">{escape("; ".join(desc))}</desc></svg>')
    legend = "".join(f'<li><svg width="16" height="16" aria-hidden="true">{_marker(shape, 8, 8, colour)}'
                     f'</svg> {escape(name)}</li>' for _key, name, colour, shape in SERIES)
    return Markup("".join(parts) + f'<ul class="legend">{legend}</ul>')
