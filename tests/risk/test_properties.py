"""Property: whatever the text, the scanner returns findings whose offsets quote the text exactly."""

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.risk.policy import CODES, SEVERITIES
from apps.risk.rules import scan

FRAGMENTS = st.sampled_from(
    [
        "3.2. ",
        "п. 4.1 ",
        "Section 7 ",
        "\n",
        "\r\n",
        "Оператор вправе ",
        "изменять тарифы ",
        "в любое время. ",
        "пени 0,5 % за каждый день просрочки",
        "считается принятым",
        "в течение 10 рабочих дней ",
        "г. ",
        "ё",
        "We may terminate ",
        "at any time",
        "30 (тридцать) дней",
        "«как есть»",
        "İ",
        "\u00a0",
        "%",
        "..",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=25).map("".join))
def test_scan_never_crashes_and_offsets_always_quote_the_text(text):
    for f in scan(text):
        assert text[f.start : f.end] == f.quote
        assert 0 <= f.start < f.end <= len(text)
        assert f.code in CODES and f.severity in SEVERITIES
        assert 0 < f.confidence <= 1
