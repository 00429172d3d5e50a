"""The review workflow's services: scanning a version, decisions, the terms feed, the approval check."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from apps.contracts.models import Contract
from apps.risk import services
from apps.risk.models import DocumentScan, ExtractedTerm, FindingDecision, RiskFinding, RiskPolicySetting
from apps.risk.services import (
    contract_approval_check,
    document_scan,
    documents_to_scan,
    extracted_term_confirm,
    finding_decide,
    open_blocking_findings,
    policy_update,
)
from apps.risk.tasks import scan_document, scan_new_documents
from tests.contracts.factories import ContractFactory

from .factories import OFFER, document_with_text

pytestmark = pytest.mark.django_db


def state(document):
    """Everything a scan writes, comparable between runs."""
    findings = sorted(
        RiskFinding.objects.filter(document=document).values_list(
            "code", "clause", "severity", "start", "end", "status"
        )
    )
    scans = list(DocumentScan.objects.filter(document=document).values_list("status", "finding_count"))
    terms = sorted(
        ExtractedTerm.objects.filter(finding__document=document).values_list("field", "value", "applied")
    )
    return findings, scans, terms


def test_scanning_a_version_stores_findings_whose_offsets_point_at_their_quote():
    document = document_with_text(OFFER)
    scan = document_scan(document=document)
    findings = list(RiskFinding.objects.filter(document=document))
    assert scan.status == DocumentScan.Status.DONE
    assert scan.finding_count == len(findings) >= 5
    for finding in findings:
        assert OFFER[finding.start : finding.end] == finding.quote
    by_code = {f.code: f for f in findings}
    assert (by_code["PRICE_CHANGE_UNILATERAL"].clause, by_code["PRICE_CHANGE_UNILATERAL"].severity) == (
        "4.2",
        "critical",
    )
    assert by_code["PENALTY"].parameters["rate_pct_per_day"] == 0.5
    assert by_code["PENALTY"].legal_basis and by_code["PENALTY"].suggestion["ask"]
    assert all(f.status == RiskFinding.Status.OPEN for f in findings)


def test_rescanning_the_same_version_adds_nothing():
    document = document_with_text(OFFER)
    first = document_scan(document=document)
    before = state(document)
    again = document_scan(document=document)
    assert again.pk == first.pk
    assert state(document) == before


def test_the_scan_task_run_twice_leaves_the_same_state():
    document = document_with_text(OFFER)
    scan_document.delay(document.pk)
    before = state(document)
    scan_document.delay(document.pk)
    assert state(document) == before
    assert before[0]


def test_the_scan_task_of_a_deleted_document_does_nothing():
    assert scan_document.delay(999_999).get() == 0


def test_the_sweep_scans_every_unscanned_version_once():
    first = document_with_text(OFFER)
    second = document_with_text("1.1. Споры рассматриваются в третейском суде.", contract=first.contract)
    assert set(documents_to_scan()) == {first, second}
    assert scan_new_documents.delay().get() == 2
    assert not documents_to_scan().exists()
    assert scan_new_documents.delay().get() == 0
    assert DocumentScan.objects.filter(status=DocumentScan.Status.DONE).count() == 2


def test_a_failed_scan_is_recorded_with_its_error_and_can_run_again():
    document = document_with_text(OFFER)
    with (
        mock.patch.object(services, "scan", side_effect=RuntimeError("rules exploded")),
        pytest.raises(RuntimeError),
    ):
        document_scan(document=document)
    row = DocumentScan.objects.get(document=document)
    assert row.status == DocumentScan.Status.FAILED
    assert "rules exploded" in row.error
    assert not RiskFinding.objects.filter(document=document).exists()
    assert document_scan(document=document).status == DocumentScan.Status.DONE


def test_a_scan_another_worker_is_running_is_not_run_twice():
    document = document_with_text(OFFER)
    claimed = services._claim(document, services.text_sha256(document.text))
    assert claimed is not None
    result = document_scan(document=document)
    assert result.status == DocumentScan.Status.RUNNING
    assert not RiskFinding.objects.filter(document=document).exists()


def test_decisions_are_kept_as_history_and_the_latest_is_the_status(personas):
    document = document_with_text(OFFER)
    document_scan(document=document)
    finding = RiskFinding.objects.get(document=document, code="PENALTY")
    lawyer = personas["lawyer"]
    finding_decide(finding=finding, status="negotiated", comment="Оператор согласился на 0,1 %.", user=lawyer)
    finding_decide(
        finding=finding, status="open", comment="Допсоглашение не подписано, возвращаем.", user=lawyer
    )
    finding.refresh_from_db()
    assert finding.status == "open"
    history = list(finding.decisions.values_list("status", "comment", "decided_by__username"))
    assert history == [
        ("negotiated", "Оператор согласился на 0,1 %.", "lawyer-user"),
        ("open", "Допсоглашение не подписано, возвращаем.", "lawyer-user"),
    ]


@pytest.mark.parametrize(
    ("status", "comment", "field"), [("accepted_risk", "  ", "comment"), ("maybe", "x", "status")]
)
def test_a_decision_needs_a_known_status_and_a_comment(personas, status, comment, field):
    document = document_with_text(OFFER)
    document_scan(document=document)
    finding = RiskFinding.objects.filter(document=document).first()
    with pytest.raises(ValidationError) as excinfo:
        finding_decide(finding=finding, status=status, comment=comment, user=personas["lawyer"])
    assert field in excinfo.value.message_dict
    assert not FindingDecision.objects.exists()
    finding.refresh_from_db()
    assert finding.status == "open"


def test_a_new_version_keeps_decisions_on_unchanged_clauses_and_reopens_changed_ones(personas):
    v1 = document_with_text(OFFER, version=1)
    document_scan(document=v1)
    penalty = RiskFinding.objects.get(document=v1, code="PENALTY")
    renewal = RiskFinding.objects.get(document=v1, code="AUTO_RENEWAL")
    finding_decide(
        finding=penalty,
        status="accepted_risk",
        comment="Приемлемо при сроке оплаты 30 дней.",
        user=personas["lawyer"],
    )
    finding_decide(
        finding=renewal, status="negotiated", comment="Срок уведомления снизят.", user=personas["lawyer"]
    )
    changed = OFFER.replace("за 90 дней", "за 75 дней")
    v2 = document_with_text(changed, contract=v1.contract, version=2)
    document_scan(document=v2)
    new_penalty = RiskFinding.objects.get(document=v2, code="PENALTY")
    new_renewal = RiskFinding.objects.get(document=v2, code="AUTO_RENEWAL")
    assert new_penalty.status == "accepted_risk"
    carried = new_penalty.decisions.get()
    assert carried.carried_from == penalty.decisions.get()
    assert carried.comment == "Приемлемо при сроке оплаты 30 дней."
    assert new_renewal.status == "open"


def test_extracted_terms_fill_the_contracts_empty_terms_for_the_lawyer_to_confirm(personas):
    contract = ContractFactory(
        status="under_review",
        signed_on=None,
        notice_days=None,
        dispute_window_days=None,
        penalty_rate_per_day=None,
    )
    document = document_with_text(OFFER, contract=contract)
    document_scan(document=document)
    contract.refresh_from_db()
    assert contract.dispute_window_days == 10
    assert contract.penalty_rate_per_day == Decimal("0.500")
    assert contract.penalty_cap == Decimal("10.00")
    assert contract.notice_days == 90
    terms = ExtractedTerm.objects.filter(contract=contract)
    assert {t.field for t in terms} == {
        "dispute_window_days",
        "penalty_rate_per_day",
        "penalty_cap",
        "notice_days",
    }
    assert all(t.applied and t.confirmed_at is None for t in terms)
    term = terms.get(field="notice_days")
    extracted_term_confirm(term=term, user=personas["lawyer"])
    term.refresh_from_db()
    assert term.confirmed_by == personas["lawyer"] and term.confirmed_at is not None


def test_extracted_terms_never_overwrite_what_the_register_holds_until_confirmed(personas):
    contract = ContractFactory(status="under_review", signed_on=None, notice_days=90, dispute_window_days=30)
    document = document_with_text(OFFER, contract=contract)
    document_scan(document=document)
    contract.refresh_from_db()
    assert (contract.notice_days, contract.dispute_window_days) == (90, 30)
    notice = ExtractedTerm.objects.get(contract=contract, field="notice_days")
    assert (notice.applied, notice.matches_register) == (False, True)
    window = ExtractedTerm.objects.get(contract=contract, field="dispute_window_days")
    assert (window.value, window.applied, window.matches_register) == (Decimal("10.000"), False, False)
    assert ExtractedTerm.objects.get(contract=contract, field="penalty_rate_per_day").applied  # it was empty
    extracted_term_confirm(term=window, user=personas["lawyer"])
    contract.refresh_from_db()
    assert contract.dispute_window_days == 10


def test_an_older_version_scanned_late_does_not_fill_the_register():
    contract = ContractFactory(status="under_review", signed_on=None, notice_days=None)
    old = document_with_text(OFFER, contract=contract, version=1)
    document_with_text("1.1. Прочие условия.", contract=contract, version=2)
    document_scan(document=old)
    contract.refresh_from_db()
    assert contract.notice_days is None
    assert not ExtractedTerm.objects.filter(applied=True).exists()


def approve(contract):
    contract.status = Contract.Status.APPROVED
    contract_approval_check(contract)


def test_a_contract_cannot_be_approved_while_a_high_or_critical_finding_is_open(personas):
    document = document_with_text(OFFER)
    contract = document.contract
    document_scan(document=document)
    blocking = list(open_blocking_findings(contract))
    assert {f.code for f in blocking} >= {"PRICE_CHANGE_UNILATERAL", "PENALTY", "AUTO_RENEWAL"}
    assert all(f.severity in ("high", "critical") for f in blocking)
    with pytest.raises(ValidationError) as excinfo:
        approve(contract)
    message = excinfo.value.message_dict["status"][0]
    assert "PRICE_CHANGE_UNILATERAL (п. 4.2, critical)" in message
    for finding in blocking:
        finding_decide(
            finding=finding,
            status="accepted_risk",
            comment="Согласовано с директором.",
            user=personas["lawyer"],
        )
    assert not open_blocking_findings(contract).exists()
    approve(contract)  # medium findings (public offer, 10-day window) do not block


def test_going_straight_from_review_to_signed_is_blocked_too():
    document = document_with_text(OFFER)
    document_scan(document=document)
    contract = document.contract
    contract.status = Contract.Status.SIGNED
    with pytest.raises(ValidationError):
        contract_approval_check(contract)


def test_an_unscanned_latest_version_blocks_approval():
    document = document_with_text("1.1. Стороны договорились.")
    with pytest.raises(ValidationError, match="has not been scanned"):
        approve(document.contract)
    document_scan(document=document)
    approve(document.contract)


def test_only_the_latest_version_blocks_approval(personas):
    v1 = document_with_text(OFFER, version=1)
    document_scan(document=v1)
    v2 = document_with_text(
        "1.1. Стороны договорились о ценах в допсоглашении.", contract=v1.contract, version=2
    )
    document_scan(document=v2)
    assert not open_blocking_findings(v1.contract).exists()
    approve(v1.contract)


def test_an_approved_contract_is_not_rechecked_on_later_edits():
    document = document_with_text(OFFER)
    document_scan(document=document)
    contract = document.contract
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.APPROVED)
    contract.refresh_from_db()
    contract_approval_check(contract)  # already approved: editing notes must not fail
    contract.status = Contract.Status.SIGNED
    contract_approval_check(contract)


def test_the_lawyers_thresholds_change_the_grade_of_new_scans(personas):
    policy_update(values={"PENALTY": {"low_max_rate": 0.1, "high_max_rate": 0.4}}, user=personas["lawyer"])
    assert RiskPolicySetting.objects.get(code="PENALTY").values == {"high_max_rate": 0.4}
    document = document_with_text(OFFER)
    document_scan(document=document)
    assert RiskFinding.objects.get(document=document, code="PENALTY").severity == "critical"
    policy_update(values={"PENALTY": {"low_max_rate": 0.1, "high_max_rate": 0.5}}, user=personas["lawyer"])
    assert not RiskPolicySetting.objects.exists()


def test_a_threshold_the_policy_does_not_know_is_refused(personas):
    with pytest.raises(ValidationError, match="PENALTY has no threshold max_fun"):
        policy_update(values={"PENALTY": {"max_fun": 3}}, user=personas["lawyer"])
    assert not RiskPolicySetting.objects.exists()


def test_a_new_version_is_scanned_as_soon_as_its_upload_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = document_with_text(OFFER)
    scan = DocumentScan.objects.get(document=document)
    assert scan.status == DocumentScan.Status.DONE and scan.finding_count > 0


def test_a_broker_that_is_down_does_not_fail_the_upload(django_capture_on_commit_callbacks, monkeypatch):
    from apps.risk import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is away")

    monkeypatch.setattr(tasks.scan_document, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_with_text(OFFER)
    assert not DocumentScan.objects.filter(document=document).exists()
    assert list(documents_to_scan()) == [document]  # the sweep will pick it up
