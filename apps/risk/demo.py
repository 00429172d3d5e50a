"""Demo texts for the contracts the demo holds, scanned like any upload (run by `seed_demo`).

The operators behind our intermediary numbers in Kazan and Ufa get a draft direct contract under review,
and it (like every demo offer under review) gets the kind of operator text the lawyers rejected (prices
changed at any time, invoices deemed agreed in 5 days, 3 % a day, numbers withdrawn on exit); the first
signed service contract gets a text negotiated the way we want (nothing above "low").
Idempotent: a text already stored for a contract is not added again, and a scanned text is not rescanned.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.contracts.models import Contract, ContractDocument, ContractParty
from apps.contracts.services import contract_document_add

from .services import document_scan

DIRECT_CITIES = ("Казань", "Уфа")
TEXTS = Path(__file__).with_name("demo_texts")

OFFER_TEXT = (TEXTS / "offer.txt").read_text(encoding="utf-8")

NEGOTIATED_TEXT = (TEXTS / "negotiated.txt").read_text(encoding="utf-8")


def _operator(contract: Contract) -> str:
    party = contract.parties.select_related("provider").filter(provider__isnull=False).first()
    return party.provider.name if party else "Оператор связи"


def _add_and_scan(contract: Contract, text: str, name: str) -> int:
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    document = ContractDocument.objects.filter(contract=contract, sha256=digest).first()
    added = 0
    if document is None:
        document = contract_document_add(contract=contract, data=data, filename=name, note="demo")
        added = 1
    document_scan(document=document)
    return added


def _direct_drafts() -> list[Contract]:
    """A draft direct contract with each operator behind our intermediary numbers in Kazan and Ufa: the
    local operators whose own terms started the review (DESIGN.md)."""
    from apps.contracts.demo import slug
    from apps.telecom.models import PhoneNumber

    carriers = {
        n.carrier: n.city.name
        for n in PhoneNumber.objects.at_risk()
        .filter(city__name__in=DIRECT_CITIES)
        .select_related("carrier", "city")
        .order_by("number")
    }
    drafts = []
    for carrier, city in sorted(carriers.items(), key=lambda item: item[0].name):
        contract, _ = Contract.objects.get_or_create(
            code=f"{slug(carrier.name)}-DIRECT",
            defaults={
                "title": f"Проект прямого договора с {carrier.name} ({city})",
                "status": Contract.Status.UNDER_REVIEW,
                "start_date": timezone.localdate().replace(day=1),
                "initial_term_months": 12,
            },
        )
        ContractParty.objects.get_or_create(
            contract=contract, provider=carrier, role=ContractParty.Role.OPERATOR
        )
        ContractParty.objects.get_or_create(
            contract=contract, provider=None, role=ContractParty.Role.CUSTOMER
        )
        drafts.append(contract)
    return drafts


@transaction.atomic
def seed(*, stdout) -> None:
    drafts = _direct_drafts()
    offers = Contract.objects.filter(status=Contract.Status.UNDER_REVIEW, code__endswith="-OFFER").order_by(
        "code"
    )
    added = 0
    for contract in [*drafts, *offers]:
        text = OFFER_TEXT.format(operator=_operator(contract))
        added += _add_and_scan(contract, text, f"{contract.code}-oferta.txt")
    signed = Contract.objects.filter(status=Contract.Status.SIGNED, kind=Contract.Kind.SERVICE).order_by(
        "code"
    )
    first = signed.first()
    if first is not None:
        text = NEGOTIATED_TEXT.format(
            code=first.code, operator=_operator(first), customer=settings.PORTAL_COMPANY_NAME
        )
        added += _add_and_scan(first, text, f"{first.code}.txt")
    stdout.write(f"risk: {added} contract text(s) added and scanned")
