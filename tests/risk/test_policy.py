import pytest

from apps.risk.policy import DEFAULT_POLICY, merged_policy, severity_for


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"rate_pct_per_day": 0.1, "cap_present": True}, "low"),
        ({"rate_pct_per_day": 0.1, "cap_present": False}, "medium"),
        ({"rate_pct_per_day": 0.1001, "cap_present": True}, "high"),
        ({"rate_pct_per_day": 0.5, "cap_present": True}, "high"),
        ({"rate_pct_per_day": 0.5001, "cap_present": True}, "critical"),
        ({"amount_set_by_provider": True}, "critical"),
        ({"fine_amount": 5000, "cap_present": False}, "high"),
    ],
)
def test_penalty_bands_follow_the_issue_table(params, expected):
    assert severity_for("PENALTY", params) == expected


@pytest.mark.parametrize(
    ("window", "expected"),
    [(180, "low"), (30, "low"), (29, "medium"), (10, "medium"), (9, "high"), (1, "high")],
)
def test_invoice_window_bands(window, expected):
    assert severity_for("INVOICE_DEEMED_ACCEPTED", {"window_days": window}) == expected


def test_invoice_without_a_window_or_with_conclusive_data_is_critical():
    assert severity_for("INVOICE_DEEMED_ACCEPTED", {}) == "critical"
    assert severity_for("INVOICE_DEEMED_ACCEPTED", {"window_days": 60, "conclusive": True}) == "critical"


@pytest.mark.parametrize(("days", "expected"), [(30, "low"), (31, "medium"), (60, "medium"), (61, "high")])
def test_renewal_notice_bands(days, expected):
    assert severity_for("AUTO_RENEWAL", {"renewal_notice_days": days}) == expected


def test_renewal_with_an_exit_fee_is_critical():
    assert severity_for("AUTO_RENEWAL", {"renewal_notice_days": 10, "exit_fee": True}) == "critical"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"grounds": "debt", "notice_days": 5}, "medium"),
        ({"grounds": "debt", "notice_days": 4}, "high"),
        ({"grounds": "debt"}, "high"),
        ({"grounds": "vague", "notice_days": 30}, "high"),
        ({"grounds": "any", "notice_days": 60}, "critical"),
        ({"grounds": "law"}, "low"),
    ],
)
def test_termination_bands(params, expected):
    assert severity_for("UNILATERAL_TERMINATION", params) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"notice_days": 30, "right_to_leave": True}, "medium"),
        ({"notice_days": 29, "right_to_leave": True}, "high"),
        ({"notice_days": 30, "right_to_leave": False}, "high"),
        ({"notice_days": 30, "right_to_leave": True, "by_publication_only": True}, "high"),
        ({"at_any_time": True}, "critical"),
    ],
)
def test_price_change_bands(params, expected):
    assert severity_for("PRICE_CHANGE_UNILATERAL", params) == expected


def test_an_override_from_a_settings_table_moves_a_boundary():
    stricter = merged_policy({"PENALTY": {"low_max_rate": 0.05}})
    assert severity_for("PENALTY", {"rate_pct_per_day": 0.1, "cap_present": True}, stricter) == "high"
    assert DEFAULT_POLICY["PENALTY"]["low_max_rate"] == 0.1  # the defaults are not mutated


def test_an_override_for_an_unknown_code_is_refused():
    with pytest.raises(ValueError, match="NOT_A_CODE"):
        merged_policy({"NOT_A_CODE": {}})
