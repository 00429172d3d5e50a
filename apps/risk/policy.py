"""The severity policy: how bad a clause is, from the parameters the rules extracted.

The numbers live in `DEFAULT_POLICY` as plain data, so that a settings table edited by the lawyer can
later override any of them (`severity_for(code, params, policy=merged)`); the band logic below only reads
the numbers. Bands follow issue 6: "≤ 0.1" includes 0.1, "0.1–0.5" means above 0.1 up to and including
0.5, days are counted as written (working or calendar days are not converted), a month is 30 days.

`info` is below `low`: a protective clause (or a right that is ours) is at most information.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

INFO, LOW, MEDIUM, HIGH, CRITICAL = "info", "low", "medium", "high", "critical"
SEVERITIES = (INFO, LOW, MEDIUM, HIGH, CRITICAL)
RANK = {name: i for i, name in enumerate(SEVERITIES)}

AGAINST_US, MUTUAL, IN_OUR_FAVOUR, UNCLEAR = "against_us", "mutual", "in_our_favour", "unclear"
DIRECTIONS = (AGAINST_US, MUTUAL, IN_OUR_FAVOUR, UNCLEAR)

CODES = (
    "PRICE_CHANGE_UNILATERAL",
    "TERMS_CHANGE_UNILATERAL",
    "INVOICE_DEEMED_ACCEPTED",
    "PENALTY",
    "UNCAPPED_LIABILITY",
    "LIABILITY_LIMITATION",
    "NON_NEGOTIABLE",
    "NUMBER_LOCKIN",
    "AUTO_RENEWAL",
    "UNILATERAL_TERMINATION",
    "JURISDICTION",
    "MIN_COMMITMENT",
)

DEFAULT_POLICY: dict[str, dict[str, Any]] = {
    "PRICE_CHANGE_UNILATERAL": {"min_notice_days": 30},
    "TERMS_CHANGE_UNILATERAL": {"min_notice_days": 30},
    # Window in days: ≥ low_min → low; ≥ medium_min → medium; ≥ 1 → high; none → critical.
    "INVOICE_DEEMED_ACCEPTED": {"low_min_days": 30, "medium_min_days": 10},
    # Rate in % per day: ≤ low_max → low with a cap / medium without; ≤ high_max → high; above → critical.
    # A fixed fine per breach: with a cap → medium, without → high (our reading: the issue names only
    # fines "whose amount the provider sets or that has no upper limit", which are critical).
    "PENALTY": {"low_max_rate": 0.1, "high_max_rate": 0.5},
    # Renewal notice in days: ≤ low_max → low; ≤ medium_max → medium; above → high; exit fee → critical.
    "AUTO_RENEWAL": {"low_max_days": 30, "medium_max_days": 60},
    # Suspension/termination for debt with at least this notice → medium, less → high.
    "UNILATERAL_TERMINATION": {"min_notice_days": 5},
    # A mutual cap of at least this many months' fees → low.
    "LIABILITY_LIMITATION": {"mutual_cap_min_months": 12},
    # A fixed term of at least this many months with an exit payment → critical.
    "MIN_COMMITMENT": {"long_term_months": 12},
    "UNCAPPED_LIABILITY": {},
    "NON_NEGOTIABLE": {},
    "NUMBER_LOCKIN": {},
    "JURISDICTION": {},
}


def merged_policy(overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """DEFAULT_POLICY with `overrides` (e.g. rows of a settings table) laid over it."""
    policy = deepcopy(DEFAULT_POLICY)
    for code, values in (overrides or {}).items():
        if code not in policy:
            raise ValueError(f"Unknown risk code in severity policy: {code}")
        policy[code].update(values)
    return policy


def worst(*severities: str) -> str:
    return max(severities, key=RANK.__getitem__)


def at_least(severity: str, floor: str) -> bool:
    return RANK[severity] >= RANK[floor]


def _price_or_terms(p: dict, limits: dict, *, price: bool) -> str:
    if p.get("at_any_time") or p.get("without_notice"):
        return CRITICAL if price else HIGH
    if p.get("binds_on_publication") or p.get("continued_use_consent"):
        return HIGH
    notice = p.get("notice_days")
    if notice is None or notice < limits["min_notice_days"]:
        return HIGH
    if p.get("by_publication_only") or not p.get("right_to_leave"):
        return HIGH
    return MEDIUM


def _invoice(p: dict, limits: dict) -> str:
    if p.get("conclusive") or p.get("claims_refused"):
        return CRITICAL
    window = p.get("window_days")
    if window is None or window <= 0:
        return CRITICAL
    if window >= limits["low_min_days"]:
        return LOW
    if window >= limits["medium_min_days"]:
        return MEDIUM
    return HIGH


def _penalty(p: dict, limits: dict) -> str:
    rate = p.get("rate_pct_per_day")
    if p.get("amount_set_by_provider") or p.get("no_upper_limit"):
        return CRITICAL
    if rate is not None:
        if rate > limits["high_max_rate"]:
            return CRITICAL
        if rate > limits["low_max_rate"]:
            return HIGH
        return LOW if p.get("cap_present") else MEDIUM
    if p.get("fine_amount") is not None or p.get("fine_pct") is not None or p.get("fine_fee_months"):
        return MEDIUM if p.get("cap_present") else HIGH
    return MEDIUM


def _uncapped(p: dict, limits: dict) -> str:
    scope = p.get("scope")
    if scope == "third_party_fines":
        return CRITICAL
    if scope == "direct":
        return MEDIUM
    return HIGH


def _limitation(p: dict, limits: dict) -> str:
    if p.get("mutual"):
        months = p.get("cap_months")
        if months is not None and months < limits["mutual_cap_min_months"]:
            return MEDIUM
        return LOW
    if p.get("our_liability_unlimited"):
        return HIGH
    return MEDIUM


def _non_negotiable(p: dict, limits: dict) -> str:
    if p.get("protocol_refused") or p.get("unchangeable"):
        return HIGH
    return MEDIUM


def _lockin(p: dict, limits: dict) -> str:
    if p.get("returned_on_exit") or p.get("no_transfer"):
        return CRITICAL
    if p.get("provider_owns") or p.get("transfer_at_discretion"):
        return HIGH
    return MEDIUM


def _renewal(p: dict, limits: dict) -> str:
    if p.get("exit_fee"):
        return CRITICAL
    notice = p.get("renewal_notice_days")
    if notice is None or notice <= limits["low_max_days"]:
        return LOW
    if notice <= limits["medium_max_days"]:
        return MEDIUM
    return HIGH


def _termination(p: dict, limits: dict) -> str:
    grounds = p.get("grounds")
    if grounds == "any":
        return CRITICAL
    if grounds == "law":
        return LOW
    if grounds == "vague":
        return HIGH
    notice = p.get("notice_days")
    if notice is None or notice < limits["min_notice_days"]:
        return HIGH
    return MEDIUM


def _jurisdiction(p: dict, limits: dict) -> str:
    forum = p.get("forum")
    if forum in {"arbitration", "foreign"}:
        return HIGH
    if forum in {"defendant", "home"}:
        return LOW
    return MEDIUM


def _commitment(p: dict, limits: dict) -> str:
    term = p.get("term_months")
    if p.get("min_amount") is not None or p.get("spend") or p.get("shortfall_charged"):
        if p.get("exit_fee") and term is not None and term >= limits["long_term_months"]:
            return CRITICAL
        return HIGH
    return MEDIUM


_BANDS = {
    "PRICE_CHANGE_UNILATERAL": lambda p, lim: _price_or_terms(p, lim, price=True),
    "TERMS_CHANGE_UNILATERAL": lambda p, lim: _price_or_terms(p, lim, price=False),
    "INVOICE_DEEMED_ACCEPTED": _invoice,
    "PENALTY": _penalty,
    "UNCAPPED_LIABILITY": _uncapped,
    "LIABILITY_LIMITATION": _limitation,
    "NON_NEGOTIABLE": _non_negotiable,
    "NUMBER_LOCKIN": _lockin,
    "AUTO_RENEWAL": _renewal,
    "UNILATERAL_TERMINATION": _termination,
    "JURISDICTION": _jurisdiction,
    "MIN_COMMITMENT": _commitment,
}


def severity_for(code: str, params: dict, policy: dict[str, dict[str, Any]] | None = None) -> str:
    """The severity band of one finding of `code` with extracted `params` (direction not considered)."""
    policy = policy or DEFAULT_POLICY
    return _BANDS[code](params, policy[code])
