"""Each mapped risk code on English clauses (the benchmark's language)."""

import pytest

CASES_EN = [
    ("PRICE_CHANGE_UNILATERAL", "3.1. The Provider may change its prices at any time without notice."),
    (
        "TERMS_CHANGE_UNILATERAL",
        "Section 2.1 We may amend these Terms at any time by posting the amended version on our website.",
    ),
    (
        "INVOICE_DEEMED_ACCEPTED",
        "4.2. Invoices shall be deemed accepted unless disputed in writing within 5 days.",
    ),
    ("PENALTY", "5.1. Late payments bear interest at 2% per month until paid in full."),
    (
        "UNCAPPED_LIABILITY",
        "5.3. Customer shall indemnify Provider against any and all losses, claims, fines and penalties.",
    ),
    (
        "LIABILITY_LIMITATION",
        "5.4. In no event shall the Provider be liable for any indirect or consequential damages.",
    ),
    ("NON_NEGOTIABLE", "1.1. By using the Service you agree to be bound by these Terms."),
    (
        "NUMBER_LOCKIN",
        "6.1. Telephone numbers remain the property of the Provider and will be reassigned upon termination.",
    ),
    (
        "AUTO_RENEWAL",
        "7.1. This Agreement shall automatically renew for successive one-year terms unless either party "
        "gives notice of non-renewal at least 90 days prior to expiry.",
    ),
    ("UNILATERAL_TERMINATION", "7.2. We may suspend or terminate your account at any time for any reason."),
    ("JURISDICTION", "8.1. This Agreement is governed by the laws of the State of New York."),
    (
        "MIN_COMMITMENT",
        "9.1. Customer shall purchase a minimum monthly commitment of $5,000 and pay any shortfall.",
    ),
]


@pytest.mark.parametrize(("code", "text"), CASES_EN, ids=[c[0] for c in CASES_EN])
def test_each_code_is_found_in_english(find, code, text):
    f = find(text, code, lang="en")
    assert f is not None, f"{code} not found"
    assert f.severity not in {"info"}
    assert f.suggestion["ask"].isascii()


def test_the_english_renewal_notice_is_graded(find):
    f = find(CASES_EN[8][1], "AUTO_RENEWAL", lang="en")
    assert (f.severity, f.parameters["renewal_notice_days"]) == ("high", 90)


def test_a_monthly_interest_rate_is_converted_per_day(find):
    f = find(CASES_EN[3][1], "PENALTY", lang="en")
    assert f.parameters["rate_period"] == "month"
    assert f.parameters["rate_pct_per_day"] == pytest.approx(2 / 30, abs=1e-4)


def test_the_consumers_own_courts_are_not_a_risk(find):
    f = find("You may bring a claim in the courts of the country where you live.", "JURISDICTION", lang="en")
    assert f is None or f.severity == "info"


def test_a_price_restriction_is_not_a_price_change_risk(find):
    f = find(
        "3.2. Prices shall not be increased during the Initial Term.", "PRICE_CHANGE_UNILATERAL", lang="en"
    )
    assert f is None or f.severity == "info"


def test_the_customers_own_right_to_terminate_is_in_our_favour(find):
    f = find(
        "7.4. Customer may terminate this Agreement for convenience on 30 days' notice.",
        "UNILATERAL_TERMINATION",
        lang="en",
    )
    assert f is None or (f.severity, f.direction) == ("info", "in_our_favour")
