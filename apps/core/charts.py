"""Server-side SVG charts: bar, line and heatmap, for pages and for WeasyPrint PDFs alike.

Each function returns a self-contained `<svg>` (safe to put into a template with `{{ chart }}`):
- accessible: `role="img"` with a `<title>` and a `<desc>` that states the data in words, and a
  `<title>` per bar/point/cell (a tooltip in the browser, read by screen readers);
- printable: explicit width/height and a viewBox, colours and fonts as attributes (no CSS variables,
  no script), so WeasyPrint draws the same picture in a PDF;
- plain: no JavaScript, no external file, text escaped.

Usage (in a view)::

    context["chart"] = bar_chart(
        title=_("Numbers per city"),
        items=[("Казань", 12), ("Уфа", 7)],
        value_text=lambda v: f"{v:g}",
    )
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = int | float | Decimal

FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif"'
INK, MUTED, GRID = "#1d2330", "#5b6577", "#e3e6eb"
# Colour-blind-safe series colours (Okabe–Ito), dark enough for text contrast on white.
PALETTE = ("#2458d6", "#c05600", "#1a7f4b", "#9b3d96", "#0b7a99", "#a6761d", "#c0392b")
_ids = itertools.count(1)


def _id(kind: str) -> str:
    return f"chart-{kind}-{next(_ids)}"


def default_value_text(value: Number) -> str:
    """A number as the active language writes it: 1 234,5 in Russian, 1 234.5 in English."""
    if isinstance(value, int) or (isinstance(value, Decimal | float) and float(value).is_integer()):
        return number_format(int(value), 0, use_l10n=True, force_grouping=True)
    return number_format(value, 2, use_l10n=True, force_grouping=True)


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round axis ticks from 0 up to at least `maximum` (0, 5, 10, 15 … not 0, 4.3, 8.6)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(math.ceil(maximum / step - 1e-9) + 1)]


def _svg(*, kind: str, title: str, description: str, width: int, height: int, body: list[str]) -> SafeString:
    chart_id = _id(kind)
    # Safe: every piece of text below went through escape().
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" {FONT} font-size="12">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _empty(kind: str, title: str, width: int, message: str | None) -> SafeString:
    text = message or _("No data to show yet.")
    body = [f'<text x="{width / 2:.0f}" y="40" text-anchor="middle" fill="{MUTED}">{escape(text)}</text>']
    return _svg(kind=kind, title=title, description=text, width=width, height=70, body=body)


def bar_chart(
    *,
    title: str,
    items: Sequence[tuple[str, Number]],
    description: str = "",
    value_text: Callable[[Number], str] = default_value_text,
    width: int = 560,
    bar_height: int = 22,
    colour: str = PALETTE[0],
    empty_text: str | None = None,
) -> SafeString:
    """Horizontal bars, one per (label, value); long labels (city and salon names) stay readable."""
    if not items:
        return _empty("bar", title, width, empty_text)
    label_width = min(220, 14 + 7 * max(len(label) for label, _value in items))
    value_width = 14 + 7 * max(len(value_text(value)) for _label, value in items)
    plot = max(60, width - label_width - value_width)
    top = max((float(value) for _label, value in items), default=0) or 1
    gap = 8
    height = len(items) * (bar_height + gap) + gap
    body = []
    for index, (label, value) in enumerate(items):
        y = gap + index * (bar_height + gap)
        length = max(0.0, float(value) / top * plot)
        text = value_text(value)
        body.append(
            f"<g><title>{escape(label)}: {escape(text)}</title>"
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.7:.1f}" fill="{INK}">'
            f"{escape(text)}</text></g>"
        )
    summary = "; ".join(f"{label}: {value_text(value)}" for label, value in items)
    return _svg(
        kind="bar",
        title=title,
        description=f"{description} {summary}".strip(),
        width=width,
        height=height,
        body=body,
    )


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    description: str = "",
    value_text: Callable[[Number], str] = default_value_text,
    width: int = 640,
    height: int = 260,
    empty_text: str | None = None,
) -> SafeString:
    """One line per (name, values) over shared x labels (months, days); None leaves a gap."""
    values = [float(v) for _name, points in series for v in points if v is not None]
    if not x_labels or not values:
        return _empty("line", title, width, empty_text)
    ticks = nice_ticks(max(values))
    y_axis_width = 14 + 7 * max(len(value_text(t)) for t in ticks)
    legend_height = 22 if len(series) > 1 else 0
    left, right, top, bottom = y_axis_width, 16, 12 + legend_height, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(x_labels) - 1)

    def x_at(i: int) -> float:
        return left + (i * step if len(x_labels) > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return top + plot_h - v / ticks[-1] * plot_h

    body = []
    for tick in ticks:
        y = y_at(tick)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{escape(value_text(tick))}</text>"
        )
    every = max(1, math.ceil(len(x_labels) / 12))  # at most ~12 x labels, so they never overlap
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == len(x_labels) - 1:
            body.append(
                f'<text x="{x_at(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" fill="{MUTED}">'
                f"{escape(label)}</text>"
            )
    described = []
    for index, (name, points) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        segments: list[list[str]] = [[]]
        for i, v in enumerate(points):
            if v is None:
                segments.append([])
            else:
                segments[-1].append(f"{x_at(i):.1f},{y_at(float(v)):.1f}")
        for segment in segments:
            if len(segment) > 1:
                body.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                    'stroke-width="2.5"/>'
                )
        for i, v in enumerate(points):
            if v is not None:
                body.append(
                    f"<g><title>{escape(name)}, {escape(x_labels[i])}: {escape(value_text(v))}</title>"
                    f'<circle cx="{x_at(i):.1f}" cy="{y_at(float(v)):.1f}" r="3.5" fill="{colour}"/></g>'
                )
        if legend_height:
            lx = left + index * 150
            body.append(
                f'<rect x="{lx}" y="4" width="12" height="12" fill="{colour}"/>'
                f'<text x="{lx + 16}" y="14" fill="{INK}">{escape(name)}</text>'
            )
        shown = ", ".join(
            f"{x_labels[i]}: {value_text(v)}"
            for i, v in enumerate(points)
            if v is not None and i < len(x_labels)
        )
        described.append(f"{name} — {shown}")
    return _svg(
        kind="line",
        title=title,
        description=f"{description} {'; '.join(described)}".strip(),
        width=width,
        height=height,
        body=body,
    )


def _shade(fraction: float) -> str:
    """White → the accent blue, by fraction 0…1."""
    start, end = (244, 247, 255), (23, 59, 156)
    r, g, b = (round(s + (e - s) * fraction) for s, e in zip(start, end, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(
    *,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[Number | None]],
    description: str = "",
    value_text: Callable[[Number], str] = default_value_text,
    cell: int = 40,
    show_values: bool = True,
    empty_text: str | None = None,
) -> SafeString:
    """A rows × columns grid (weekday × hour of calls, city × intermediary) shaded by value."""
    flat = [float(v) for row in values for v in row if v is not None]
    if not rows or not columns or not flat:
        return _empty("heatmap", title, 480, empty_text)
    if len(values) != len(rows) or any(len(row) != len(columns) for row in values):
        raise ValueError("heatmap: values must have one row per row label and one value per column label")
    top_value = max(flat) or 1
    label_width = min(220, 14 + 7 * max(len(r) for r in rows))
    header = 16 + min(120, 7 * max(len(c) for c in columns))  # column labels are written at an angle
    legend = _("lighter = fewer, darker = more; highest %(value)s") % {"value": value_text(top_value)}
    width = label_width + max(cell * len(columns), 7 * len(legend)) + 10  # room for the legend too
    height = header + cell * len(rows) + 30
    body = []
    for j, column in enumerate(columns):
        x = label_width + j * cell + cell / 2
        body.append(
            f'<text x="{x:.1f}" y="{header - 6}" fill="{MUTED}" transform="rotate(-40 {x:.1f} {header - 6})">'
            f"{escape(column)}</text>"
        )
    described = []
    for i, (row_label, row) in enumerate(zip(rows, values, strict=True)):
        y = header + i * cell
        body.append(
            f'<text x="{label_width - 8}" y="{y + cell * 0.62:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(row_label)}</text>"
        )
        for j, value in enumerate(row):
            x = label_width + j * cell
            fraction = 0.0 if value is None else float(value) / top_value
            fill = "#ffffff" if value is None else _shade(fraction)
            text = "—" if value is None else value_text(value)
            ink = "#ffffff" if fraction > 0.55 else INK
            label = (
                f'<text x="{x + cell / 2:.1f}" y="{y + cell * 0.62:.1f}" text-anchor="middle" fill="{ink}" '
                f'font-size="11">{escape(text)}</text>'
                if show_values and value
                else ""
            )
            body.append(
                f"<g><title>{escape(row_label)}, {escape(columns[j])}: {escape(text)}</title>"
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="3" fill="{fill}" '
                f'stroke="{GRID}"/>{label}</g>'
            )
            if value:
                described.append(f"{row_label}, {columns[j]}: {text}")
    legend_y = header + cell * len(rows) + 8
    body.append(f'<text x="{label_width}" y="{legend_y + 12}" fill="{MUTED}">{escape(legend)}</text>')
    return _svg(
        kind="heatmap",
        title=title,
        description=f"{description} {'; '.join(described)}".strip(),
        width=width,
        height=height,
        body=body,
    )
