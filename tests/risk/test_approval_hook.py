"""The approval block end to end: the contracts API refuses "approved" while a high/critical finding is
open. The check itself is `apps.risk.services.contract_approval_check` (tested in test_services.py);
the contracts app must call it from `Contract.clean()` through `settings.PORTAL_CONTRACT_APPROVAL_CHECKS`
(docs/risk.md, "Review workflow"). Until that line is in, this test is an expected failure; strict, so
it turns red the moment the hook is wired and the marker must go."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from apps.contracts.models import Contract
from apps.risk.models import RiskFinding
from apps.risk.services import document_scan, finding_decide

from .factories import OFFER, document_with_text

pytestmark = pytest.mark.django_db


def test_the_setting_names_the_risk_check():
    assert "apps.risk.services.contract_approval_check" in settings.PORTAL_CONTRACT_APPROVAL_CHECKS


def test_the_contracts_api_refuses_approval_while_a_blocking_finding_is_open(api_as, personas):
    document = document_with_text(OFFER)
    document_scan(document=document)
    contract = document.contract
    url = reverse("contracts-api:contract-detail", args=[contract.pk])
    client = api_as("lawyer")
    response = client.patch(url, {"status": "approved"}, format="json")
    assert response.status_code == 400, response.content
    assert "cannot be approved" in response.json()["status"][0]
    for finding in RiskFinding.objects.blocking().filter(document=document):
        finding_decide(
            finding=finding, status="accepted_risk", comment="Согласовано.", user=personas["lawyer"]
        )
    assert client.patch(url, {"status": "approved"}, format="json").status_code == 200
    contract.refresh_from_db()
    assert contract.status == Contract.Status.APPROVED
