"""The what-if price of a provider candidate: our last complete months of calls priced by its draft tariff.

The pricing itself is billing's (`apps.billing.services.whatif_price`: the stored rated costs are what
we actually paid, the candidate's prefix table re-prices the same calls, nothing stored is touched).
This module only picks the candidate's tariff, runs it over the last N complete months of the reporting
time zone and adds the months up: per month, in total, per department and per destination.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.billing import services as billing
from apps.billing.rating import Month
from apps.contracts.models import Tariff

from .models import Candidate

DEFAULT_MONTHS = 3
MAX_MONTHS = 12
TOP_DESTINATIONS = 5
ZERO = Decimal("0.00")


@dataclass
class Figures:
    """Actual vs candidate cost of a set of calls. `unrated`: calls the candidate's tariff cannot price
    (their actual cost is in `current`, their candidate cost is unknown, not zero)."""

    key: str
    label: str
    calls: int = 0
    current: Decimal = ZERO
    candidate: Decimal = ZERO
    unrated: int = 0

    @property
    def difference(self) -> Decimal:
        return self.candidate - self.current

    def add(self, line) -> None:
        self.calls += line.calls
        self.current += line.current
        self.candidate += line.candidate
        self.unrated += line.unrated

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "calls": self.calls,
            "actual": str(self.current),
            "whatif": str(self.candidate),
            "difference": str(self.difference),
            "unpriced_calls": self.unrated,
        }


@dataclass
class CandidateWhatIf:
    """The what-if of one candidate; `tariff` is None (and `missing` says why) when it has none."""

    candidate: Candidate
    tariff: Tariff | None
    missing: str = ""
    months: list[Figures] = field(default_factory=list)
    total: Figures | None = None
    by_department: list[Figures] = field(default_factory=list)
    top_destinations: list[Figures] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "candidate": self.candidate.pk,
            "tariff": self.tariff.code if self.tariff else None,
            "currency": self.tariff.currency if self.tariff else None,
            "missing": self.missing or None,
            "months": [m.as_dict() for m in self.months],
            "total": self.total.as_dict() if self.total else None,
            "by_department": [d.as_dict() for d in self.by_department],
            "top_destinations": [d.as_dict() for d in self.top_destinations],
        }


def reporting_today() -> dt.date:
    """Today in the reporting time zone (the zone billing's months are cut in)."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(billing.reporting_zone())).date()


def last_complete_months(count: int, *, on: dt.date | None = None) -> list[Month]:
    """The `count` calendar months before the current one in the reporting time zone, oldest first."""
    months, month = [], Month.of(on or reporting_today())
    for _i in range(count):
        month = month.previous()
        months.append(month)
    return months[::-1]


def offered_tariff(tariffs: list[Tariff], *, on: dt.date) -> Tariff | None:
    """The tariff a draft contract offers: the one in force `on` that day, else the next to start, else
    the last one that ended (a draft's tariff usually starts on the planned signing date)."""
    if not tariffs:
        return None
    in_force = [t for t in tariffs if t.valid_from <= on and (t.valid_to is None or on < t.valid_to)]
    if in_force:
        return in_force[0]
    upcoming = sorted((t for t in tariffs if t.valid_from > on), key=lambda t: t.valid_from)
    if upcoming:
        return upcoming[0]
    return max(tariffs, key=lambda t: t.valid_from)


def candidates_whatif(
    candidates: list[Candidate], *, months: int = DEFAULT_MONTHS, on: dt.date | None = None
) -> dict[int, CandidateWhatIf]:
    """{candidate id: its what-if} over the last `months` complete months (1–12).

    Queries: one for the tariffs of every draft contract, then billing's fixed handful per candidate
    and month (never one per call).
    """
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(_("months must be between 1 and %(max)s") % {"max": MAX_MONTHS})
    today = on or reporting_today()
    period = last_complete_months(months, on=today)
    drafts = {c.draft_contract_id for c in candidates if c.draft_contract_id}
    tariffs: dict[int, list[Tariff]] = {}
    for tariff in Tariff.objects.filter(contract_id__in=drafts).select_related("contract"):
        tariffs.setdefault(tariff.contract_id, []).append(tariff)
    result = {}
    for candidate in candidates:
        if candidate.draft_contract_id is None:
            result[candidate.pk] = CandidateWhatIf(
                candidate, None, _("No draft contract attached, so no tariff to price our calls with.")
            )
            continue
        tariff = offered_tariff(tariffs.get(candidate.draft_contract_id, []), on=today)
        if tariff is None:
            result[candidate.pk] = CandidateWhatIf(
                candidate, None, _("The draft contract has no tariff, so our calls cannot be priced with it.")
            )
            continue
        result[candidate.pk] = _price(candidate, tariff, period)
    return result


def _price(candidate: Candidate, tariff: Tariff, period: list[Month]) -> CandidateWhatIf:
    outcome = CandidateWhatIf(candidate, tariff, total=Figures("total", _("Total")))
    departments: dict[str, Figures] = {}
    destinations: dict[str, Figures] = {}
    for month in period:
        priced = billing.whatif_price(month=month, tariff=tariff)
        line = Figures(str(month), str(month))
        line.add(priced.total)
        outcome.months.append(line)
        outcome.total.add(priced.total)
        for dept in priced.by_department:
            departments.setdefault(dept.label, Figures(dept.key, dept.label)).add(dept)
        for dest in priced.by_destination:
            destinations.setdefault(dest.label, Figures(dest.key, dest.label)).add(dest)
    # Unassigned (no code) last, departments by code.
    outcome.by_department = sorted(departments.values(), key=lambda d: (not d.key, d.key))
    outcome.top_destinations = sorted(destinations.values(), key=lambda d: (-abs(d.difference), d.label))[
        :TOP_DESTINATIONS
    ]
    return outcome
