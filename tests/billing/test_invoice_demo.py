"""The demo invoices: the four cases of issue 7, idempotent."""

from __future__ import annotations

import io

from apps.billing import demo
from apps.billing.invoices.reconciliation import reconcile
from apps.billing.models import Dispute, Invoice, PriceChange

from .factories import CallRecordFactory
from .invoice_support import at


def test_demo_invoices_cover_matching_overcharged_price_rise_and_disputed(inv_world):
    w = inv_world.base
    for day in (3, 4, 5):
        CallRecordFactory(
            callee="89171234567", billsec=95, started_at=at(day), line=w.line, our_number=w.number,
            department=w.sales,
        )  # fmt: skip
    out = io.StringIO()
    demo.seed_invoices(stdout=out)
    assert "4 demo invoices" in out.getvalue()
    invoices = {i.number.rsplit("-", 1)[1]: i for i in Invoice.objects.all()}
    assert reconcile(invoices["1"]).discrepancies == []
    assert {r.code for row in reconcile(invoices["2"]).discrepancies for r in row.reasons} >= {
        "fee_differs",
        "fee_not_in_contract",
    }
    assert invoices["3"].price_change_suspected and PriceChange.objects.filter(invoice=invoices["3"]).exists()
    assert invoices["4"].status == Invoice.Status.DISPUTED
    assert Dispute.objects.get().status == Dispute.Status.SENT
    before = list(Invoice.objects.order_by("pk").values_list("pk", "status", "gross"))
    demo.seed_invoices(stdout=io.StringIO())
    assert list(Invoice.objects.order_by("pk").values_list("pk", "status", "gross")) == before
