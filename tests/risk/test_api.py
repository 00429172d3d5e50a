"""`/api/v1/risk-findings/`: the register as JSON (filters, worst first) and the decision action."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.risk.models import FindingDecision, RiskFinding
from apps.risk.services import document_scan
from tests.contracts.factories import ContractFactory, ContractPartyFactory
from tests.factories import ProviderFactory

from .factories import OFFER, RiskFindingFactory, document_with_text

pytestmark = pytest.mark.django_db
LIST = reverse("risk-api:riskfinding-list")


def decide_url(finding):
    return reverse("risk-api:riskfinding-decide", args=[finding.pk])


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def scanned():
    contract = ContractFactory(status="under_review", signed_on=None)
    ContractPartyFactory(contract=contract, provider=ProviderFactory(name="Казань-Телеком"))
    document = document_with_text(OFFER, contract=contract)
    document_scan(document=document)
    return document


def test_the_list_is_worst_first_and_shows_evidence_and_providers(api_as, scanned):
    rows = results(api_as("accounting").get(LIST))
    ranks = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
    assert [ranks[r["severity"]] for r in rows] == sorted((ranks[r["severity"]] for r in rows), reverse=True)
    first = rows[0]
    assert first["code"] == "PRICE_CHANGE_UNILATERAL"
    assert OFFER[first["start"] : first["end"]] == first["quote"]
    assert first["providers"] == ["Казань-Телеком"]
    assert first["contract"]["code"] == scanned.contract.code
    assert first["suggestion"]["ask"] and first["legal_basis"]


def test_the_list_filters_by_code_severity_status_and_provider(api_as, scanned, personas):
    other = RiskFindingFactory(code="JURISDICTION", severity="high")
    ufa = ProviderFactory(name="Уфа-Связь")
    ContractPartyFactory(contract=other.document.contract, provider=ufa)
    client = api_as("lawyer")
    assert [r["id"] for r in results(client.get(LIST, {"provider": ufa.pk}))] == [other.pk]
    assert {r["code"] for r in results(client.get(LIST, {"code": "PENALTY"}))} == {"PENALTY"}
    assert {r["severity"] for r in results(client.get(LIST, {"severity": "critical"}))} == {"critical"}
    assert {r["severity"] for r in results(client.get(LIST, {"min_severity": "high"}))} <= {
        "high",
        "critical",
    }
    client.post(
        decide_url(other), {"status": "accepted_risk", "comment": "Суд в Уфе нам удобен."}, format="json"
    )
    assert [r["id"] for r in results(client.get(LIST, {"status": "accepted_risk"}))] == [other.pk]
    assert client.get(LIST, {"severity": "awful"}).status_code == 400


def test_older_versions_are_history_unless_asked_for(api_as, scanned):
    v2 = document_with_text(
        "1.1. Споры рассматриваются в третейском суде.", contract=scanned.contract, version=99
    )
    document_scan(document=v2)
    client = api_as("lawyer")
    current = {r["document"] for r in results(client.get(LIST, {"contract": scanned.contract_id}))}
    assert current == {v2.pk}
    everything = {
        r["document"]
        for r in results(client.get(LIST, {"contract": scanned.contract_id, "current": "false"}))
    }
    assert everything == {v2.pk, scanned.pk}
    assert {r["document"] for r in results(client.get(LIST, {"document": scanned.pk}))} == {scanned.pk}


def test_the_lawyer_records_a_decision_and_the_detail_shows_the_history(api_as, scanned):
    finding = RiskFinding.objects.get(document=scanned, code="PENALTY")
    client = api_as("lawyer")
    response = client.post(
        decide_url(finding), {"status": "negotiated", "comment": "0,1 % в допсоглашении."}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "negotiated"
    client.post(decide_url(finding), {"status": "open", "comment": "Допсоглашение отозвано."}, format="json")
    detail = client.get(reverse("risk-api:riskfinding-detail", args=[finding.pk])).json()
    assert [(d["status"], d["decided_by"]) for d in detail["decisions"]] == [
        ("negotiated", "lawyer-user"),
        ("open", "lawyer-user"),
    ]
    assert detail["status"] == "open"


def test_a_decision_without_a_comment_is_a_400_naming_the_field(api_as, scanned):
    finding = RiskFinding.objects.filter(document=scanned).first()
    response = api_as("admin").post(decide_url(finding), {"status": "false_positive"}, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()
    assert not FindingDecision.objects.exists()


@pytest.mark.parametrize("role", ["accounting", "marketer"])
def test_readers_cannot_decide_and_do_not_see_decision_comments(api_as, scanned, role, personas):
    finding = RiskFinding.objects.filter(document=scanned).first()
    api_as("lawyer").post(
        decide_url(finding), {"status": "accepted_risk", "comment": "Внутреннее."}, format="json"
    )
    client = api_as(role)
    response = client.post(decide_url(finding), {"status": "open", "comment": "x"}, format="json")
    assert response.status_code == 403
    assert client.get(reverse("risk-api:riskfinding-detail", args=[finding.pk])).json()["decisions"] == []
    assert FindingDecision.objects.count() == 1


def test_anonymous_cannot_decide(api_as, scanned):
    finding = RiskFinding.objects.filter(document=scanned).first()
    assert api_as(None).post(
        decide_url(finding), {"status": "open", "comment": "x"}, format="json"
    ).status_code in (401, 403)


def test_the_list_costs_the_same_queries_for_more_findings(api_as):
    client = api_as("lawyer")
    RiskFindingFactory()
    results(client.get(LIST))  # warm the user's permission cache
    with CaptureQueriesContext(connection) as few:
        results(client.get(LIST))
    for _ in range(5):
        finding = RiskFindingFactory()
        ContractPartyFactory(contract=finding.document.contract)
    with CaptureQueriesContext(connection) as many:
        assert len(results(client.get(LIST))) == 6
    assert len(many) == len(few)
