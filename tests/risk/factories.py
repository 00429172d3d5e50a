"""Factories for the risk review: contract documents with real text, scanned through the service."""

from __future__ import annotations

import hashlib

import factory

from apps.risk.models import DocumentScan, RiskFinding
from tests.contracts.factories import ContractDocumentFactory, ContractFactory

# A short operator contract with risks of every grade, and one protective clause.
OFFER = (
    "ДОГОВОР-ОФЕРТА на оказание услуг связи\n"
    "1. Общие положения\n"
    "1.1. Настоящий договор является публичной офертой.\n"
    "4.2. Оператор вправе в любое время в одностороннем порядке изменять тарифы без уведомления Абонента.\n"
    "5.1. За просрочку оплаты Абонент уплачивает пени в размере 0,5 % от суммы задолженности за каждый "
    "день просрочки, но не более 10 % от суммы задолженности.\n"
    "5.3. Счет считается принятым Абонентом, если в течение 10 (десяти) календарных дней с даты выставления "
    "Абонент не направил мотивированные возражения.\n"
    "7.1. Договор продлевается на каждый следующий год, если ни одна из Сторон не уведомит другую о его "
    "расторжении не позднее чем за 90 дней до окончания срока.\n"
)


def document_with_text(text: str, contract=None, **kwargs):
    """A stored document version whose extracted text is `text` (file hash derived from it)."""
    contract = contract or ContractFactory(status="under_review", signed_on=None)
    data = text.encode("utf-8")
    return ContractDocumentFactory(
        contract=contract,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        file=factory.django.FileField(filename="contract.txt", data=data),
        **kwargs,
    )


class DocumentScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentScan

    document = factory.SubFactory(ContractDocumentFactory)
    text_sha256 = factory.Sequence(lambda n: f"{n:064x}")
    status = DocumentScan.Status.DONE


class RiskFindingFactory(factory.django.DjangoModelFactory):
    """A finding without running the scanner (for register/API tests); quote matches the document text."""

    class Meta:
        model = RiskFinding

    scan = factory.SubFactory(DocumentScanFactory)
    document = factory.SelfAttribute("scan.document")
    code = "PENALTY"
    severity = "high"
    confidence = "0.900"
    direction = "against_us"
    clause = factory.Sequence(lambda n: f"5.{n + 1}")
    start = 0
    end = 4
    quote = "text"
    parameters = factory.LazyFunction(lambda: {"rate_pct_per_day": 0.3})
    legal_basis = factory.LazyFunction(lambda: ["ГК РФ ст. 333"])
    suggestion = factory.LazyFunction(
        lambda: {"ask": "Снизить пени до 0,1 % в день.", "fallback": "", "walk_away_if": ""}
    )
