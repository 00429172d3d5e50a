"""The contract text as HTML with the findings' clauses marked, built on the server from offsets."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .policy import RANK


@dataclass(frozen=True)
class Span:
    """A finding's place in the text: characters [start, end), its id (for anchors) and severity."""

    start: int
    end: int
    ident: int
    severity: str


def highlight(text: str, spans: list[Span]) -> SafeString:
    """`text` escaped, with every span wrapped in `<mark>`; overlapping spans are cut at their edges so
    the marks never nest, and each piece takes the worst severity covering it. An empty
    `<span id="finding-<ident>">` precedes each span's first piece, so the finding list can link to its
    clause. Spans outside the text are clipped; empty ones are ignored."""
    size = len(text)
    spans = [
        Span(max(0, s.start), min(size, s.end), s.ident, s.severity)
        for s in spans
        if min(size, s.end) > max(0, s.start)
    ]
    cuts = sorted({0, size, *(s.start for s in spans), *(s.end for s in spans)})
    anchored: set[int] = set()
    out: list[str] = []
    for left, right in pairwise(cuts):
        piece = escape(text[left:right])
        covering = [s for s in spans if s.start <= left and right <= s.end]
        if not covering:
            out.append(piece)
            continue
        worst = max(covering, key=lambda s: RANK.get(s.severity, -1))
        ids = " ".join(f"f{s.ident}" for s in covering)
        anchors = "".join(
            f'<span id="finding-{s.ident}"></span>'
            for s in covering
            if s.start == left and s.ident not in anchored
        )
        anchored.update(s.ident for s in covering if s.start == left)
        out.append(
            f'{anchors}<mark class="risk sev-{escape(worst.severity)}" data-findings="{ids}">{piece}</mark>'
        )
    return mark_safe("".join(out))  # every piece of text above is escaped
