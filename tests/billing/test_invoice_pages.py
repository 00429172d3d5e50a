"""Invoice pages and the workflow buttons/actions (page and API), with the roles that may use them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.billing.invoices import services as inv
from apps.billing.models import Dispute, Invoice

from .invoice_support import LINE_FEE, fee_line, make_invoice, matching_lines

D = Decimal


def overcharged(w, **kw):
    lines = matching_lines()
    lines[0] = fee_line(LINE_FEE, "1200.00")
    return make_invoice(w, lines, **kw)


def test_invoice_list_shows_days_left_badges(inv_world, client_as):
    today = inv.today_local()
    make_invoice(inv_world, matching_lines(), number="SOON", received=today)
    make_invoice(inv_world, matching_lines(), number="OLD", received=today - dt.timedelta(days=60))
    page = client_as("accounting").get("/invoices/").content.decode()
    assert "SOON" in page and ("days left" in page or "last day today" in page)
    assert "deemed accepted" in page


def test_invoice_list_costs_a_fixed_number_of_queries(inv_world, client_as):
    client = client_as("accounting")
    make_invoice(inv_world, matching_lines(), number="A")
    with CaptureQueriesContext(connection) as one:
        client.get("/invoices/")
    for n in range(5):
        make_invoice(inv_world, matching_lines(), number=f"B{n}")
    with CaptureQueriesContext(connection) as six:
        client.get("/invoices/")
    assert len(six) == len(one)


def test_invoice_page_shows_three_columns_and_the_reason(inv_world, client_as):
    invoice = overcharged(inv_world)
    page = client_as("lawyer").get(f"/invoices/{invoice.pk}/").content.decode()
    assert "Expected (contract)" in page and "Ours" in page and "Invoiced" in page
    assert "1200.00" in page and "the fee differs from the contract" in page
    assert "Draft a dispute" in page and "Mark paid" not in page  # the lawyer disputes, does not pay


def test_lawyer_drafts_and_sends_a_dispute_from_the_pages(inv_world, client_as):
    invoice = overcharged(inv_world)
    client = client_as("lawyer")
    response = client.post(f"/invoices/{invoice.pk}/dispute/", {"reason": ""})
    dispute = Dispute.objects.get()
    assert response.url == f"/disputes/{dispute.pk}/"
    assert "ПРЕТЕНЗИЯ" in client.get(response.url).content.decode()
    client.post(f"/disputes/{dispute.pk}/send/", {"sent_on": "2026-04-03"})
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DISPUTED
    board = client.get("/disputes/").content.decode()
    assert invoice.number in board
    client.post(f"/disputes/{dispute.pk}/resolve/", {"status": "credited", "credit": "200,00"})
    dispute.refresh_from_db()
    assert (dispute.status, dispute.credit_received) == ("credited", D("200.00"))
    # The change is in the audit trail, attributed to the lawyer.
    event = AuditEvent.objects.filter(model="billing.dispute", action="update").latest("pk")
    assert event.actor.username == "lawyer-user"


def test_marketer_cannot_see_or_pay_invoices(inv_world, client_as, api_as):
    invoice = make_invoice(inv_world, matching_lines())
    assert client_as("marketer").get(f"/invoices/{invoice.pk}/").status_code == 403
    assert client_as("marketer").post(f"/invoices/{invoice.pk}/pay/").status_code == 403
    assert client_as("lawyer").post(f"/invoices/{invoice.pk}/pay/").status_code == 403
    assert api_as("lawyer").post(f"/api/v1/invoices/{invoice.pk}/pay/", {}).status_code == 403


def test_accounting_checks_and_pays_through_the_api(inv_world, api_as):
    invoice = overcharged(inv_world)
    api = api_as("accounting")
    data = api.post(f"/api/v1/invoices/{invoice.pk}/check/").json()
    assert data["discrepancies"] == 1
    answer = api.post(f"/api/v1/invoices/{invoice.pk}/pay/", {"paid_on": "2026-04-20"}, format="json").json()
    assert (answer["status"], answer["paid_on"], answer["clock"]) == ("paid", "2026-04-20", "settled")


def test_dispute_api_generates_the_letter_and_stops_the_clock(inv_world, api_as):
    invoice = overcharged(inv_world)
    api = api_as("lawyer")
    created = api.post("/api/v1/disputes/", {"invoice": invoice.pk}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["amount"] == "200.00" and "выставлено 1200.00" in body["letter"]
    sent = api.post(f"/api/v1/disputes/{body['id']}/send/", {"sent_on": "2026-04-03"}, format="json")
    assert sent.json()["status"] == "sent"
    detail = api.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert (detail["status"], detail["clock"], detail["days_left"]) == ("disputed", "stopped", None)


def test_manual_entry_page_creates_and_checks_the_invoice(inv_world, client_as):
    response = client_as("accounting").post(
        "/invoices/new/",
        {
            "contract": inv_world.contract.pk,
            "number": "MAN-1",
            "issue_date": "2026-04-01",
            "received_date": "2026-04-02",
            "month": "2026-03",
            "lines": f"{LINE_FEE}; ; 1000,00\nАренда номера; +78432000001; 500.00\nПакет SMS; ; 50",
        },
    )
    invoice = Invoice.objects.get(number="MAN-1")
    assert response.url == f"/invoices/{invoice.pk}/"
    assert invoice.status == Invoice.Status.CHECKING and invoice.net == D("1550.00")
    bad = client_as("accounting").post("/invoices/new/", {"contract": inv_world.contract.pk, "lines": "x; 1"})
    assert "Line 1: write service; number; amount." in bad.content.decode()
