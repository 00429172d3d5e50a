"""Highlighting: marks built from offsets, text escaped, overlaps cut, never nested."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from apps.risk.highlight import Span, highlight


def unmark(html: str) -> str:
    """The text back out of the HTML (tags dropped, entities decoded)."""
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", "", html))


def test_the_marked_characters_are_exactly_the_findings_span():
    text = "1.1. Начало. 4.2. Оператор вправе менять тарифы. Конец."
    start = text.index("Оператор")
    end = text.index(" Конец")
    html = highlight(text, [Span(start, end, 7, "critical")])
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", html)
    assert marked == [text[start:end]]
    assert '<span id="finding-7"></span><mark class="risk sev-critical" data-findings="f7">' in html


def test_contract_text_is_escaped_inside_and_outside_marks():
    text = "<script>alert(1)</script> & «пени» <b>"
    html = highlight(text, [Span(0, 8, 1, "high")])
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert unmark(html) == text


def test_overlapping_findings_are_cut_and_the_overlap_takes_the_worse_severity():
    text = "abcdefghij"
    html = highlight(text, [Span(2, 6, 1, "medium"), Span(4, 8, 2, "critical")])
    pieces = re.findall(r'<mark class="risk sev-(\w+)" data-findings="([^"]+)">(.*?)</mark>', html)
    assert pieces == [("medium", "f1", "cd"), ("critical", "f1 f2", "ef"), ("critical", "f2", "gh")]
    assert html.count('id="finding-1"') == 1 and html.count('id="finding-2"') == 1


def test_spans_outside_the_text_are_clipped_and_empty_ones_ignored():
    html = highlight("abc", [Span(1, 99, 1, "low"), Span(2, 2, 2, "high"), Span(50, 60, 3, "high")])
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", html) == ["bc"]
    assert "finding-2" not in html and "finding-3" not in html


@given(
    st.text(max_size=60),
    st.lists(st.tuples(st.integers(0, 70), st.integers(0, 70), st.sampled_from(["low", "high"])), max_size=5),
)
def test_highlighting_never_changes_the_text_and_never_nests_marks(text, raw):
    spans = [Span(a, b, i, sev) for i, (a, b, sev) in enumerate(raw)]
    html = highlight(text, spans)
    assert unmark(html) == text
    assert "<mark" not in "".join(re.findall(r"<mark[^>]*>(.*?)</mark>", html, flags=re.S))
