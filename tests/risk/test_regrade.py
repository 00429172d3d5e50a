"""Policy edits regrade stored findings (issue 6 policy is "editable by the lawyer"): open and decided
findings take the new severity, decisions stay, the approval block follows, every change is audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.risk import policy as P
from apps.risk.models import RiskFinding
from apps.risk.rules import regrade, scan
from apps.risk.services import (
    contract_approval_check,
    document_scan,
    finding_decide,
    findings_regrade,
    policy_update,
)
from apps.risk.tasks import regrade_findings

from .factories import OFFER, document_with_text

DEMO_TEXTS = Path(__file__).resolve().parents[2] / "apps" / "risk" / "demo_texts"
GOLD = Path(__file__).resolve().parents[2] / "apps" / "risk" / "gold" / "ru_telecom.jsonl"

# Every threshold moved, in both directions, so that most bands change for some clause.
POLICIES = [
    P.DEFAULT_POLICY,
    P.merged_policy(
        {
            "PENALTY": {"low_max_rate": 0.3, "high_max_rate": 1.0},
            "INVOICE_DEEMED_ACCEPTED": {"low_min_days": 10, "medium_min_days": 5},
            "AUTO_RENEWAL": {"low_max_days": 90, "medium_max_days": 120},
            "UNILATERAL_TERMINATION": {"min_notice_days": 1},
            "PRICE_CHANGE_UNILATERAL": {"min_notice_days": 10},
            "TERMS_CHANGE_UNILATERAL": {"min_notice_days": 10},
            "LIABILITY_LIMITATION": {"mutual_cap_min_months": 1},
            "MIN_COMMITMENT": {"long_term_months": 36},
        }
    ),
    P.merged_policy(
        {
            "PENALTY": {"low_max_rate": 0.01, "high_max_rate": 0.05},
            "INVOICE_DEEMED_ACCEPTED": {"low_min_days": 60, "medium_min_days": 45},
            "AUTO_RENEWAL": {"low_max_days": 5, "medium_max_days": 10},
            "UNILATERAL_TERMINATION": {"min_notice_days": 30},
            "PRICE_CHANGE_UNILATERAL": {"min_notice_days": 90},
            "TERMS_CHANGE_UNILATERAL": {"min_notice_days": 90},
            "LIABILITY_LIMITATION": {"mutual_cap_min_months": 36},
            "MIN_COMMITMENT": {"long_term_months": 6},
        }
    ),
]

# A contract whose only blocking risk is a 0.3 %/day penalty with a cap: high by default.
PENALTY_ONLY = (
    "ДОГОВОР на оказание услуг связи\n"
    "5.1. За просрочку оплаты Абонент уплачивает пени в размере 0,3 % от суммы задолженности за каждый "
    "день просрочки, но не более 10 % от суммы задолженности.\n"
    "5.2. Счет считается принятым Абонентом, если в течение 20 календарных дней с даты выставления "
    "Абонент не направил мотивированные возражения.\n"
)


def _texts() -> list[str]:
    texts = [OFFER, PENALTY_ONLY] + [p.read_text(encoding="utf-8") for p in sorted(DEMO_TEXTS.glob("*.txt"))]
    with GOLD.open(encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for line in fh if line.strip()]
    return texts


@pytest.mark.parametrize("before", range(len(POLICIES)))
@pytest.mark.parametrize("after", range(len(POLICIES)))
def test_regrading_stored_findings_gives_what_a_scan_under_the_new_policy_gives(before, after):
    moved = 0
    for text in _texts():
        stored = scan(text, policy=POLICIES[before])
        fresh = {(f.clause, f.code): (f.severity, f.parameters) for f in scan(text, policy=POLICIES[after])}
        regraded = {(f.clause, f.code): (f.severity, f.parameters) for f in regrade(stored, POLICIES[after])}
        assert regraded == fresh, text
        moved += sum(
            a.severity != b.severity for a, b in zip(stored, regrade(stored, POLICIES[after]), strict=True)
        )
    assert (moved > 0) == (before != after)


def test_the_liability_limitation_upgrade_is_worked_out_again():
    text = (
        "6.1. Ответственность Оператора ограничивается суммой абонентской платы за один месяц.\n"
        "6.2. За просрочку оплаты Абонент уплачивает пени 0,6 % за каждый день просрочки.\n"
    )
    stored = scan(text)
    limitation = next(f for f in stored if f.code == "LIABILITY_LIMITATION")
    assert limitation.severity == "high" and limitation.parameters["our_liability_unlimited"]
    # The 0.6 %/day penalty is no longer critical: our liability is no longer read as unlimited.
    milder = P.merged_policy({"PENALTY": {"high_max_rate": 1.0}})
    regraded = next(f for f in regrade(stored, milder) if f.code == "LIABILITY_LIMITATION")
    assert regraded.severity == "medium"
    assert "our_liability_unlimited" not in regraded.parameters
    again = next(f for f in regrade(regrade(stored, milder), P.DEFAULT_POLICY) if f.code == limitation.code)
    assert again.severity == "high"


def test_a_protective_clause_stays_information_whatever_the_policy():
    stored = [f for text in _texts() for f in scan(text) if f.severity == "info"]
    assert len({f.code for f in stored}) >= 3  # the gold set's protective clauses of several codes
    for policy in POLICIES[1:]:
        assert {f.severity for f in regrade(stored, policy)} == {"info"}


@pytest.mark.django_db
def test_a_policy_edit_regrades_open_and_decided_findings_and_keeps_decisions(personas):
    lawyer = personas["lawyer"]
    document = document_with_text(OFFER)
    document_scan(document=document)
    penalty = RiskFinding.objects.get(document=document, code="PENALTY")
    renewal = RiskFinding.objects.get(document=document, code="AUTO_RENEWAL")
    assert (penalty.severity, renewal.severity) == ("high", "high")  # 0.5 %/day; 90 days' notice
    finding_decide(
        finding=renewal, status="accepted_risk", comment="Годовой договор, приемлемо.", user=lawyer
    )

    policy_update(
        values={"PENALTY": {"high_max_rate": 0.4}, "AUTO_RENEWAL": {"medium_max_days": 90}}, user=lawyer
    )

    penalty.refresh_from_db()
    renewal.refresh_from_db()
    assert (penalty.severity, penalty.status) == ("critical", "open")
    assert (renewal.severity, renewal.status) == ("medium", "accepted_risk")
    assert [d.status for d in renewal.decisions.all()] == ["accepted_risk"]
    events = AuditEvent.objects.filter(model="risk.riskfinding", object_id=str(penalty.pk), action="update")
    assert [e.changes["severity"] for e in events] == [["high", "critical"]]
    assert AuditEvent.objects.filter(model="risk.riskpolicysetting").count() == 2


@pytest.mark.django_db
def test_the_approval_block_follows_the_new_grades(personas):
    lawyer = personas["lawyer"]
    document = document_with_text(PENALTY_ONLY)
    document_scan(document=document)
    contract = document.contract
    assert RiskFinding.objects.get(document=document, code="PENALTY").severity == "high"
    contract.status = "approved"
    with pytest.raises(ValidationError, match="PENALTY"):
        contract_approval_check(contract)

    policy_update(values={"PENALTY": {"low_max_rate": 0.3}}, user=lawyer)  # 0.3 %/day with a cap: low
    assert RiskFinding.objects.get(document=document, code="PENALTY").severity == "low"
    contract_approval_check(contract)  # nothing blocks

    policy_update(values={"PENALTY": {"low_max_rate": 0.1}}, user=lawyer)  # back to the defaults
    assert RiskFinding.objects.get(document=document, code="PENALTY").severity == "high"
    with pytest.raises(ValidationError, match="PENALTY"):
        contract_approval_check(contract)


@pytest.mark.django_db
def test_a_regrade_run_twice_changes_nothing_the_second_time(personas):
    document = document_with_text(OFFER)
    document_scan(document=document)
    policy_update(values={"PENALTY": {"high_max_rate": 0.4}}, user=personas["lawyer"], regrade_findings=False)
    first = findings_regrade()
    assert (first.documents, first.changed, dict(first.moves)) == (1, 1, {("high", "critical"): 1})
    before = AuditEvent.objects.count()
    second = findings_regrade()
    assert (second.findings, second.changed) == (first.findings, 0)
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_the_command_reports_a_dry_run_and_then_regrades(personas, capsys):
    document = document_with_text(OFFER)
    document_scan(document=document)
    policy_update(values={"PENALTY": {"high_max_rate": 0.4}}, user=personas["lawyer"], regrade_findings=False)
    call_command("regrade_risk_findings", "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert RiskFinding.objects.get(document=document, code="PENALTY").severity == "high"
    call_command("regrade_risk_findings", "--contract", document.contract.code)
    out = capsys.readouterr().out
    assert "1 changed" in out and "high→critical: 1" in out
    assert RiskFinding.objects.get(document=document, code="PENALTY").severity == "critical"
    event = AuditEvent.objects.get(model="risk.riskfinding", action="update")
    assert event.changes == {"severity": ["high", "critical"]}


@pytest.mark.django_db
def test_the_command_names_an_unknown_contract():
    with pytest.raises(Exception, match="NO-SUCH"):
        call_command("regrade_risk_findings", "--contract", "NO-SUCH")


@pytest.mark.django_db
def test_the_celery_task_regrades(personas):
    document = document_with_text(OFFER)
    document_scan(document=document)
    policy_update(
        values={"AUTO_RENEWAL": {"low_max_days": 90}}, user=personas["lawyer"], regrade_findings=False
    )
    assert regrade_findings.delay().get() == 1
    assert RiskFinding.objects.get(document=document, code="AUTO_RENEWAL").severity == "low"
    event = AuditEvent.objects.get(model="risk.riskfinding", action="update")
    assert event.source.startswith("task:") and event.source.endswith("regrade_findings")


@pytest.mark.django_db
def test_the_policy_page_regrades_and_says_how_many_changed(client_as, personas):
    document = document_with_text(OFFER)
    document_scan(document=document)
    client = client_as("lawyer")
    form = client.get(reverse("risk:policy")).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data["PENALTY__high_max_rate"] = "0.4"
    response = client.post(reverse("risk:policy"), data, follow=True)
    assert "1 of " in response.content.decode()
    assert RiskFinding.objects.get(document=document, code="PENALTY").severity == "critical"
    event = AuditEvent.objects.get(model="risk.riskfinding", action="update")
    assert event.actor == personas["lawyer"]


@pytest.mark.django_db
def test_a_threshold_changed_in_the_admin_regrades_too(client_as):
    from apps.risk.models import RiskPolicySetting

    document = document_with_text(OFFER)
    document_scan(document=document)
    client = client_as("admin")
    url = reverse("admin:risk_riskpolicysetting_add")
    response = client.post(url, {"code": "PENALTY", "values": '{"high_max_rate": 0.4}'})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RiskFinding.objects.get(document=document, code="PENALTY").severity == "critical"
    RiskPolicySetting.objects.get(code="PENALTY")
