"""Health checks of the register: gaps between the inventory and the paperwork (read-only queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from apps.telecom.models import PhoneNumber

from .models import Contract, ContractNumber, ContractParty, Tariff

# A tariff appendix prices calls and equipment contracts cover hardware: neither covers numbers itself.
KINDS_THAT_COVER_NUMBERS = (Contract.Kind.SERVICE, Contract.Kind.SUPPLEMENTARY, Contract.Kind.PBX_SERVICE)


@dataclass
class HealthReport:
    numbers_without_contract: list
    contracts_without_numbers: list
    numbers_with_uncontracted_intermediary: list
    tariffs_outside_signed_contracts: list

    @property
    def problem_count(self) -> int:
        return sum(len(items) for items in self.__dict__.values())


def _covered_on(day: dt.date):
    return ContractNumber.objects.effective_on(day).filter(contract__status=Contract.Status.SIGNED)


def numbers_without_contract(day: dt.date):
    """Active numbers that no signed contract covers today."""
    covered = _covered_on(day).filter(number=OuterRef("pk"))
    return PhoneNumber.objects.active().filter(~Exists(covered)).select_related("city", "carrier")


def contracts_without_numbers(day: dt.date):
    """Signed contracts (of the kinds that cover numbers) that cover no number today."""
    covering = ContractNumber.objects.effective_on(day).filter(contract=OuterRef("pk"))
    return Contract.objects.in_force().filter(kind__in=KINDS_THAT_COVER_NUMBERS).filter(~Exists(covering))


def numbers_with_uncontracted_intermediary(day: dt.date):
    """Numbers held through an intermediary that is not a party to any signed contract with us."""
    party = ContractParty.objects.filter(
        provider=OuterRef("intermediary"), contract__status=Contract.Status.SIGNED
    )
    return PhoneNumber.objects.at_risk().filter(~Exists(party)).select_related("city", "intermediary")


def tariffs_outside_signed_contracts(day: dt.date) -> list[Tariff]:
    """Tariffs whose contract is not signed, or whose period lies wholly outside the contract's term."""
    found = []
    for tariff in Tariff.objects.select_related("contract"):
        contract = tariff.contract
        if contract.status != Contract.Status.SIGNED:
            found.append(tariff)
            continue
        if tariff.valid_to is not None and tariff.valid_to <= contract.start_date:
            found.append(tariff)
            continue
        last_day = _last_day_in_force(contract)
        if last_day is not None and tariff.valid_from > last_day:
            found.append(tariff)
    return found


def _last_day_in_force(contract: Contract) -> dt.date | None:
    """None while the contract may still run (open-ended or renewing by itself)."""
    if contract.renewal == Contract.Renewal.TACIT:
        return None
    return contract.key_dates(contract.start_date).term_end


def health_report(day: dt.date) -> HealthReport:
    return HealthReport(
        numbers_without_contract=list(numbers_without_contract(day)),
        contracts_without_numbers=list(contracts_without_numbers(day).prefetch_related("parties__provider")),
        numbers_with_uncontracted_intermediary=list(numbers_with_uncontracted_intermediary(day)),
        tariffs_outside_signed_contracts=tariffs_outside_signed_contracts(day),
    )


def upcoming_events(day: dt.date, days: int) -> list[dict]:
    """Key dates of signed contracts from `day` to `day + days`, soonest first (the calendar)."""
    horizon = day + dt.timedelta(days=days)
    events = []
    contracts = (
        Contract.objects.in_force().filter(start_date__lte=horizon).prefetch_related("parties__provider")
    )
    for contract in contracts:
        on = day
        for _ in range(400):  # a monthly contract has at most ~7 terms in the window; this only bounds a loop
            dates = contract.key_dates(on)
            if dates.term_end is None:
                break
            for kind, when in (
                ("notice", dates.last_notice_day),
                ("term_end", None if dates.ended else dates.term_end),
            ):
                if when is not None and day <= when <= horizon:
                    events.append({"day": when, "kind": kind, "contract": contract})
            if dates.ended or dates.next_renewal is None or dates.term_end >= horizon:
                break
            if contract.renewal != Contract.Renewal.TACIT:
                break
            on = dates.term_end + dt.timedelta(days=1)
    unique = {(e["day"], e["kind"], e["contract"].pk): e for e in events}
    return sorted(unique.values(), key=lambda e: (e["day"], e["contract"].code, e["kind"]))
