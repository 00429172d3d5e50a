"""Review pages: the highlighted text, decisions, the protocol export, the register, the thresholds."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from apps.risk.models import DocumentScan, ExtractedTerm, FindingDecision, RiskFinding, RiskPolicySetting
from apps.risk.services import document_scan, finding_decide
from tests.contracts.factories import ContractFactory, ContractPartyFactory
from tests.factories import ProviderFactory

from .factories import OFFER, RiskFindingFactory, document_with_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanned():
    """A contract under review with an operator party and its offer scanned."""
    contract = ContractFactory(status="under_review", signed_on=None, code="КЗН-17")
    ContractPartyFactory(contract=contract, provider=ProviderFactory(name="Казань-Телеком"))
    document = document_with_text(OFFER, contract=contract)
    document_scan(document=document)
    return document


def test_the_review_page_marks_each_finding_in_the_text(client_as, scanned):
    response = client_as("marketer").get(reverse("risk:contract", args=[scanned.contract_id]))
    assert response.status_code == 200
    html = response.content.decode()
    for finding in RiskFinding.objects.filter(document=scanned):
        assert f'<span id="finding-{finding.pk}"></span>' in html
    marked = {m for m in re.findall(r"<mark [^>]*>(.*?)</mark>", html, flags=re.S)}
    penalty = RiskFinding.objects.get(document=scanned, code="PENALTY")
    assert penalty.quote in marked
    assert "Record decision" not in html  # the marketer reads, does not decide


def test_markup_in_the_contract_text_is_shown_as_text(client_as):
    text = OFFER + '9.9. <script>alert("x")</script> Оператор вправе в любое время изменять тарифы.\n'
    document = document_with_text(text)
    document_scan(document=document)
    html = client_as("lawyer").get(reverse("risk:contract", args=[document.contract_id])).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_lawyer_decides_on_a_finding_from_the_page_and_the_history_shows(client_as, scanned):
    finding = RiskFinding.objects.get(document=scanned, code="PENALTY")
    url = reverse("risk:finding-decide", args=[finding.pk])
    response = client_as("lawyer").post(
        url, {f"f{finding.pk}-status": "negotiated", f"f{finding.pk}-comment": "Снизили до 0,1 %."}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#finding-{finding.pk}")
    finding.refresh_from_db()
    assert finding.status == "negotiated"
    page = client_as("lawyer").get(reverse("risk:contract", args=[scanned.contract_id])).content.decode()
    assert "Снизили до 0,1 %." in page


def test_a_decision_without_a_comment_is_refused_with_a_message(client_as, scanned):
    finding = RiskFinding.objects.get(document=scanned, code="PENALTY")
    client = client_as("lawyer")
    response = client.post(
        reverse("risk:finding-decide", args=[finding.pk]),
        {f"f{finding.pk}-status": "false_positive"},
        follow=True,
    )
    assert "PENALTY, clause 5.1" in response.content.decode()
    assert not FindingDecision.objects.exists()


@pytest.mark.parametrize("role", ["accounting", "marketer"])
def test_roles_that_only_read_cannot_decide_scan_or_confirm(client_as, scanned, role):
    finding = RiskFinding.objects.get(document=scanned, code="PENALTY")
    term = ExtractedTerm.objects.filter(contract=scanned.contract).first()
    client = client_as(role)
    data = {f"f{finding.pk}-status": "accepted_risk", f"f{finding.pk}-comment": "ок"}
    assert client.post(reverse("risk:finding-decide", args=[finding.pk]), data).status_code == 403
    assert client.post(reverse("risk:contract-scan", args=[scanned.contract_id])).status_code == 403
    if term is not None:
        assert client.post(reverse("risk:term-confirm", args=[term.pk])).status_code == 403
    assert not FindingDecision.objects.exists()


def test_anonymous_posts_go_to_the_login_page(client_as, scanned):
    finding = RiskFinding.objects.filter(document=scanned).first()
    response = client_as(None).post(reverse("risk:finding-decide", args=[finding.pk]), {})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_scan_now_scans_an_unscanned_version(client_as, django_capture_on_commit_callbacks):
    document = document_with_text(OFFER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("lawyer").post(reverse("risk:contract-scan", args=[document.contract_id]))
    assert response.status_code == 302
    assert DocumentScan.objects.get(document=document).status == DocumentScan.Status.DONE
    assert RiskFinding.objects.filter(document=document).exists()


def test_the_lawyer_confirms_a_term_from_the_page(client_as):
    contract = ContractFactory(status="under_review", signed_on=None, dispute_window_days=None)
    document = document_with_text(OFFER, contract=contract)
    document_scan(document=document)
    term = ExtractedTerm.objects.get(contract=contract, field="dispute_window_days")
    page = client_as("lawyer").get(reverse("risk:contract", args=[contract.pk])).content.decode()
    assert "filled from the text — confirm" in page
    assert client_as("lawyer").post(reverse("risk:term-confirm", args=[term.pk])).status_code == 302
    term.refresh_from_db()
    assert term.confirmed_at is not None


def protocol_post(contract, client, rows, fmt="docx"):
    data = {
        "operator": "ООО «Казань-Телеком»",
        "customer": "ООО «Салоны»",
        "day": "2026-11-25",
        "format": fmt,
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            if key == "include":
                if value:
                    data[f"rows-{i}-include"] = "on"
            else:
                data[f"rows-{i}-{key}"] = value
    return client.post(reverse("risk:protocol", args=[contract.pk]), data)


def test_the_protocol_form_lists_every_open_finding_and_not_the_decided_ones(client_as, scanned, personas):
    decided = RiskFinding.objects.get(document=scanned, code="AUTO_RENEWAL")
    finding_decide(
        finding=decided, status="not_applicable", comment="Договор бессрочный.", user=personas["lawyer"]
    )
    response = client_as("lawyer").get(reverse("risk:protocol", args=[scanned.contract_id]))
    formset = response.context["rows"]
    listed = [f.initial["clause"] for f in formset.forms if f.initial]
    expected = RiskFinding.objects.filter(document=scanned, status="open").exclude(severity="info")
    assert sorted(listed) == sorted(f.clause for f in expected)
    assert "7.1" not in listed
    assert response.context["header_form"].initial["operator"] == "Казань-Телеком"


def test_the_exported_docx_holds_the_lawyers_edited_wording_and_skips_unticked_rows(client_as, scanned):
    rows = [
        {
            "include": True,
            "clause": "5.1",
            "operator_wording": "пени 0,5 %",
            "our_wording": "пени 0,1 %",
            "reason": "ст. 333",
        },
        {
            "include": False,
            "clause": "1.1",
            "operator_wording": "оферта",
            "our_wording": "не отправлять",
            "reason": "",
        },
        {
            "include": True,
            "clause": "12.3",
            "operator_wording": "",
            "our_wording": "Новый пункт о переносе номеров",
            "reason": "126-ФЗ",
        },
    ]
    response = protocol_post(scanned.contract, client_as("lawyer"), rows)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''protocol-%D0%9A%D0%97%D0%9D-17.docx"
    )
    table = [[c.text for c in r.cells] for r in Document(io.BytesIO(response.content)).tables[0].rows]
    assert [r[1] for r in table[1:]] == ["п. 5.1", "п. 12.3"]
    assert table[1][3] == "пени 0,1 %"
    assert not any("не отправлять" in cell for row in table for cell in row)


def test_the_exported_pdf_lists_the_open_findings_wording(client_as, scanned):
    response = client_as("lawyer").get(reverse("risk:protocol", args=[scanned.contract_id]))
    rows = [dict(f.initial) for f in response.context["rows"].forms if f.initial]
    pdf = protocol_post(scanned.contract, client_as("admin"), rows, fmt="pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "ПРОТОКОЛ РАЗНОГЛАСИЙ" in text
    for clause in (r["clause"] for r in rows):
        assert f"п. {clause}" in text or clause == "preamble"


def test_a_ticked_row_without_our_wording_is_refused_and_nothing_is_exported(client_as, scanned):
    rows = [
        {"include": True, "clause": "5.1", "operator_wording": "пени 0,5 %", "our_wording": "", "reason": ""}
    ]
    response = protocol_post(scanned.contract, client_as("lawyer"), rows)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "A row in the protocol needs its clause and our wording." in response.content.decode()


def test_the_register_lists_open_risks_worst_first_with_a_provider_summary(client_as, scanned, personas):
    low = RiskFinding.objects.filter(document=scanned, severity="medium").first()
    finding_decide(finding=low, status="false_positive", comment="Не оферта.", user=personas["lawyer"])
    response = client_as("accounting").get(reverse("risk:register"))
    findings = list(response.context["page"].object_list)
    ranks = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
    assert [ranks[f.severity] for f in findings] == sorted(
        (ranks[f.severity] for f in findings), reverse=True
    )
    assert findings[0].severity == "critical"
    assert low not in findings and all(f.status == "open" for f in findings)
    summary = response.context["summary"]
    assert summary[0]["provider"] == "Казань-Телеком"
    assert sum(summary[0]["counts"]) == len(findings)


def test_the_register_filters_by_code_severity_status_and_provider(client_as, scanned):
    other = RiskFindingFactory(code="JURISDICTION", severity="high")
    ContractPartyFactory(contract=other.document.contract, provider=ProviderFactory(name="Уфа-Связь"))
    client = client_as("lawyer")

    def listed(query):
        return {f.pk for f in client.get(reverse("risk:register") + query).context["page"].object_list}

    ufa = other.document.contract.parties.get().provider_id
    assert listed(f"?provider={ufa}") == {other.pk}
    assert listed("?code=JURISDICTION") == {other.pk}
    penalty = RiskFinding.objects.get(document=scanned, code="PENALTY")
    assert penalty.pk in listed("?severity=high") and other.pk in listed("?severity=high")
    assert listed("?status=accepted_risk") == set()


def test_the_register_costs_the_same_queries_for_more_findings(client_as):
    client = client_as("lawyer")
    RiskFindingFactory()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("risk:register"))
    for _ in range(6):
        finding = RiskFindingFactory()
        ContractPartyFactory(contract=finding.document.contract)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("risk:register"))
    assert len(many) == len(few)


def test_the_review_page_costs_the_same_queries_for_more_findings_decisions_and_terms(client_as, personas):
    client = client_as("lawyer")
    small = document_with_text("1.1. Споры рассматриваются в третейском суде.")
    document_scan(document=small)
    client.get(reverse("risk:contract", args=[small.contract_id]))  # warm-up
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("risk:contract", args=[small.contract_id]))
    big = document_with_text(
        OFFER, contract=ContractFactory(status="under_review", signed_on=None, notice_days=None)
    )
    document_scan(document=big)
    for finding in RiskFinding.objects.filter(document=big):
        finding_decide(finding=finding, status="accepted_risk", comment="ок", user=personas["lawyer"])
    assert ExtractedTerm.objects.filter(contract=big.contract).count() >= 3
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("risk:contract", args=[big.contract_id]))
    assert len(many) == len(few)


def test_the_lawyer_edits_a_threshold_and_the_defaults_stay_rowless(client_as):
    client = client_as("lawyer")
    form = client.get(reverse("risk:policy")).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data["PENALTY__high_max_rate"] = "0.4"
    response = client.post(reverse("risk:policy"), data)
    assert response.status_code == 302
    assert list(RiskPolicySetting.objects.values_list("code", "values")) == [
        ("PENALTY", {"high_max_rate": 0.4})
    ]


def test_a_negative_threshold_is_refused_on_the_page(client_as):
    client = client_as("admin")
    form = client.get(reverse("risk:policy")).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data["AUTO_RENEWAL__low_max_days"] = "-1"
    response = client.post(reverse("risk:policy"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["AUTO_RENEWAL__low_max_days"]
    assert not RiskPolicySetting.objects.exists()
