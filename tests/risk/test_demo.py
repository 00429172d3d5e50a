"""Demo data of the risk app: draft direct contracts with Kazan/Ufa operators, scanned; seeding twice
changes nothing."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from apps.contracts.models import Contract
from apps.risk.models import RiskFinding
from apps.risk.services import open_blocking_findings

pytestmark = pytest.mark.django_db


def snapshot():
    tables = {}
    for label in ("risk", "contracts"):
        for model in apps.get_app_config(label).get_models():
            tables[model._meta.label] = sorted(model.objects.order_by("pk").values_list(), key=repr)
    return tables


def test_the_demo_has_a_draft_direct_contract_the_lawyer_cannot_approve_yet_and_reseeding_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == first
    drafts = Contract.objects.filter(code__endswith="-DIRECT", status=Contract.Status.UNDER_REVIEW)
    assert drafts.exists()
    for draft in drafts:
        codes = set(open_blocking_findings(draft).values_list("code", flat=True))
        assert {"PRICE_CHANGE_UNILATERAL", "PENALTY", "NUMBER_LOCKIN"} <= codes
        assert draft.dispute_window_days == 5  # filled from clause 3.3, waiting for confirmation
    negotiated = RiskFinding.objects.filter(document__contract__status=Contract.Status.SIGNED)
    assert negotiated.exists()
    assert not negotiated.filter(severity__in=["medium", "high", "critical"]).exists()
