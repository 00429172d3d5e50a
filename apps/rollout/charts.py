"""Server-side SVG charts: plain markup with a title and description for screen readers, no script,
so the same chart renders in the page and in the PDF (WeasyPrint draws inline SVG)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

INK = "#1d2330"
MUTED = "#667085"
ANSWERED = "#1a7f4b"
MISSED = "#c0392b"
OUTBOUND = "#2458d6"


def _frame(uid: str, title: str, desc: str, width: int, height: int, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'font-family="sans-serif" font-size="11">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # every text part is escaped above


def heatmap_svg(grid: list[list[int]], *, weekdays: list[str], title: str, uid: str = "heat") -> SafeString:
    """Weekday rows × 24 hour columns; darker = more calls; each cell carries its count as a tooltip."""
    cell, left, top = 22, 40, 22
    width, height = left + 24 * cell + 10, top + 7 * cell + 10
    peak = max((n for row in grid for n in row), default=0)
    total = sum(n for row in grid for n in row)
    busiest = ""
    if peak:
        d, h = next((d, h) for d, row in enumerate(grid) for h, n in enumerate(row) if n == peak)
        busiest = " " + _("Busiest: %(day)s %(hour)s with %(n)s calls.") % {
            "day": weekdays[d],
            "hour": f"{h:02d}:00–{h + 1:02d}:00",
            "n": peak,
        }
    body = []
    for h in range(0, 24, 3):
        x = left + h * cell + cell / 2
        body.append(f'<text x="{x}" y="{top - 6}" text-anchor="middle" fill="{MUTED}">{h:02d}</text>')
    for d, row in enumerate(grid):
        y = top + d * cell
        day = escape(weekdays[d])
        body.append(f'<text x="{left - 6}" y="{y + cell * 0.7}" text-anchor="end" fill="{INK}">{day}</text>')
        for h, n in enumerate(row):
            alpha = 0.06 if not n else 0.15 + 0.85 * n / peak
            body.append(
                f'<rect x="{left + h * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="3" '
                f'fill="{OUTBOUND}" fill-opacity="{alpha:.2f}"><title>{day} {h:02d}:00 — {n}</title></rect>'
            )
    desc = _("Inbound calls by weekday and local hour, %(total)s in all.") % {"total": total} + busiest
    return _frame(uid, title, desc, width, height, body)


def daily_svg(days: list[dict], *, title: str, uid: str = "daily") -> SafeString:
    """Inbound calls per day as stacked bars: answered below, missed on top."""
    left, top, bottom, plot_h = 36, 24, 34, 150
    n = max(len(days), 1)
    bar = max(4, min(28, 560 // n))
    width = left + n * bar + 20
    height = top + plot_h + bottom
    peak = max((d["answered"] + d["missed"] for d in days), default=0) or 1
    scale = plot_h / peak
    base = top + plot_h
    answered_label, missed_label = escape(_("answered")), escape(_("missed"))
    body = [
        f'<line x1="{left}" y1="{base}" x2="{left + n * bar}" y2="{base}" stroke="{MUTED}"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" fill="{MUTED}">{peak}</text>',
        f'<text x="{left - 4}" y="{base}" text-anchor="end" fill="{MUTED}">0</text>',
        f'<rect x="{left}" y="4" width="10" height="10" fill="{ANSWERED}"/>'
        f'<text x="{left + 14}" y="13" fill="{INK}">{answered_label}</text>',
        f'<rect x="{left + 90}" y="4" width="10" height="10" fill="{MISSED}"/>'
        f'<text x="{left + 104}" y="13" fill="{INK}">{missed_label}</text>',
    ]
    for i, d in enumerate(days):
        x = left + i * bar
        a_h, m_h = d["answered"] * scale, d["missed"] * scale
        label = _("%(day)s: %(answered)s answered, %(missed)s missed") % d
        body.append(
            f"<g><title>{escape(label)}</title>"
            f'<rect x="{x + 1}" y="{base - a_h:.1f}" width="{bar - 2}" height="{a_h:.1f}" fill="{ANSWERED}"/>'
            f'<rect x="{x + 1}" y="{base - a_h - m_h:.1f}" width="{bar - 2}" height="{m_h:.1f}" '
            f'fill="{MISSED}"/></g>'
        )
        if n <= 14 or i % 7 == 0:
            tick = escape(d["day"][5:])
            body.append(
                f'<text x="{x + bar / 2}" y="{base + 14}" text-anchor="middle" fill="{MUTED}">{tick}</text>'
            )
    answered = sum(d["answered"] for d in days)
    missed = sum(d["missed"] for d in days)
    desc = _("Inbound calls per day over %(days)s days: %(answered)s answered and %(missed)s missed.") % {
        "days": len(days),
        "answered": answered,
        "missed": missed,
    }
    return _frame(uid, title, desc, width, height, body)
