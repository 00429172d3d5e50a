"""SVG charts: the picture matches the numbers, says them in words, and survives the trip into a PDF."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.utils import translation

from apps.core.charts import bar_chart, heatmap, line_chart, nice_ticks


def _rect_widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="22"', svg)]


def test_a_bar_chart_draws_one_bar_per_item_in_proportion_to_its_value():
    svg = bar_chart(title="Numbers per city", items=[("Kazan", 4), ("Moscow", 8), ("Ufa", 2)])
    widths = _rect_widths(svg)
    assert len(widths) == 3
    assert widths[1] == pytest.approx(2 * widths[0], rel=0.01)
    assert widths[2] == pytest.approx(widths[0] / 2, rel=0.01)


def test_a_chart_names_itself_and_states_its_data_for_screen_readers():
    svg = bar_chart(title="Numbers per city", description="Active numbers.", items=[("Kazan", 4), ("Ufa", 2)])
    assert 'role="img"' in svg
    title_id, desc_id = re.search(r'aria-labelledby="([\w-]+) ([\w-]+)"', svg).groups()
    assert f'<title id="{title_id}">Numbers per city</title>' in svg
    assert f'<desc id="{desc_id}">Active numbers. Kazan: 4; Ufa: 2</desc>' in svg
    assert "<title>Kazan: 4</title>" in svg  # each bar has its own tooltip


def test_two_charts_on_one_page_do_not_share_ids():
    first = bar_chart(title="A", items=[("x", 1)])
    second = bar_chart(title="A", items=[("x", 1)])
    assert re.search(r'id="([\w-]+)"', first).group(1) != re.search(r'id="([\w-]+)"', second).group(1)


def test_chart_text_is_escaped():
    svg = bar_chart(title="<b>T</b>", items=[('<script>alert("x")</script>', 1)])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "<b>" not in svg


def test_a_chart_without_data_says_so_instead_of_drawing_nothing():
    svg = bar_chart(title="Calls", items=[], empty_text="No calls imported yet.")
    assert "No calls imported yet." in svg
    assert "<rect" not in svg


def test_chart_values_are_written_in_the_language_of_the_page():
    with translation.override("ru"):
        svg = bar_chart(title="Cost", items=[("Kazan", Decimal("12345.5"))])
    assert "12\u202f345,50" in svg


def test_axis_ticks_are_round_numbers_covering_the_maximum():
    assert nice_ticks(17) == [0, 5, 10, 15, 20]
    assert nice_ticks(0.8) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8])
    assert nice_ticks(1000) == [0, 200, 400, 600, 800, 1000]
    assert nice_ticks(0) == [0.0, 1.0]


def test_a_line_chart_draws_each_series_and_breaks_the_line_at_missing_values():
    svg = line_chart(
        title="Cost per month",
        x_labels=["Jan", "Feb", "Mar", "Apr"],
        series=[("Kazan", [10, 20, None, 40]), ("Ufa", [5, 5, 5, 5])],
    )
    polylines = re.findall(r'<polyline points="([^"]+)"', svg)
    # Kazan: Jan–Feb (Apr alone is a dot, not a line); Ufa: one line through all four months.
    assert [len(p.split()) for p in polylines] == [2, 4]
    assert svg.count("<circle") == 7
    assert "Kazan — Jan: 10, Feb: 20, Apr: 40" in svg
    assert ">Ufa</text>" in svg  # legend, since there are two series


def test_a_heatmap_shades_the_largest_value_darkest():
    svg = heatmap(
        title="Calls by weekday and hour",
        rows=["Mon", "Tue"],
        columns=["9", "10"],
        values=[[1, 10], [None, 5]],
    )
    fills = re.findall(
        r'<rect x="[\d.]+" y="[\d.]+" width="38" height="38" rx="3" fill="(#[0-9a-f]{6})"', svg
    )
    assert len(fills) == 4
    darkness = [sum(int(f[i : i + 2], 16) for i in (1, 3, 5)) for f in fills]
    assert darkness.index(min(darkness)) == 1  # Mon 10:00, the 10
    assert fills[2] == "#ffffff"  # no value: blank, not "zero"
    assert "Mon, 10: 10" in svg


def test_a_heatmap_refuses_values_that_do_not_fit_its_labels():
    with pytest.raises(ValueError, match="one row per row label"):
        heatmap(title="x", rows=["a", "b"], columns=["c"], values=[[1]])


def test_charts_are_drawn_into_a_pdf_by_weasyprint():
    pypdf = pytest.importorskip("pypdf")
    from weasyprint import HTML

    chart = bar_chart(title="Cost per city", items=[("Kazan", 1200), ("Samara", 600)], colour="#2458d6")
    pdf = HTML(string=f"<html><body><h1>Report</h1>{chart}</body></html>").write_pdf(uncompressed_pdf=True)
    # The bars were painted: the chart's blue is a fill colour in the page's drawing operators.
    assert b"0.141176 0.345098 0.839216 rg" in pdf or b"0.1412 0.3451 0.8392 rg" in pdf
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Kazan" in text
    assert "Samara" in text
    assert "1 200" in text.replace("\u202f", " ")
