"""The "numbers at risk" report: what we would lose if we left an intermediary (a PBX provider)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from .models import PhoneNumber


def _add(totals: dict[str, Decimal], number: PhoneNumber) -> None:
    totals[number.currency] = totals.get(number.currency, Decimal("0.00")) + number.monthly_fee


@dataclass
class RiskGroup:
    """Numbers of one city rented through one intermediary."""

    city: object
    intermediary: object
    numbers: list[PhoneNumber]
    fees: dict[str, Decimal] = field(default_factory=dict)  # currency → monthly fee subtotal

    @property
    def count(self) -> int:
        return len(self.numbers)


@dataclass
class IntermediarySummary:
    intermediary: object
    count: int = 0
    cities: set[str] = field(default_factory=set)
    fees: dict[str, Decimal] = field(default_factory=dict)

    @property
    def city_names(self) -> list[str]:
        return sorted(self.cities)


@dataclass
class RiskReport:
    groups: list[RiskGroup]
    by_intermediary: list[IntermediarySummary]
    count: int
    fees: dict[str, Decimal]  # currency → monthly total; one entry per currency, never mixed


def numbers_at_risk_report(queryset=None) -> RiskReport:
    """Group active numbers held through an intermediary by city and intermediary, with fee subtotals.

    Fees are summed per currency: adding roubles to euros would give a number nobody can use.
    """
    base = PhoneNumber.objects.at_risk() if queryset is None else queryset.at_risk()
    numbers = list(
        base.select_related("city", "carrier", "intermediary", "pbx_account").order_by(
            "city__name", "intermediary__name", "number"
        )
    )
    groups: list[RiskGroup] = []
    summaries: dict[int, IntermediarySummary] = {}
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for (_city_id, _intermediary_id), rows in groupby(numbers, key=lambda n: (n.city_id, n.intermediary_id)):
        rows = list(rows)
        group = RiskGroup(city=rows[0].city, intermediary=rows[0].intermediary, numbers=rows)
        summary = summaries.setdefault(
            rows[0].intermediary_id, IntermediarySummary(intermediary=rows[0].intermediary)
        )
        for number in rows:
            _add(group.fees, number)
            _add(summary.fees, number)
            totals[number.currency] += number.monthly_fee
        summary.count += len(rows)
        summary.cities.add(rows[0].city.name)
        groups.append(group)
    by_intermediary = sorted(summaries.values(), key=lambda s: s.intermediary.name)
    return RiskReport(groups=groups, by_intermediary=by_intermediary, count=len(numbers), fees=dict(totals))
