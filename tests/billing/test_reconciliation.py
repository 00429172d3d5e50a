"""Three-way reconciliation: expected (contract), ours (ratings, fee shares), invoiced (the operator)."""

from __future__ import annotations

from decimal import Decimal

from apps.billing.invoices import services as inv
from apps.billing.invoices.reconciliation import reconcile
from apps.billing.models import InvoiceTerms, PriceChange
from tests.contracts.factories import RateFactory, TariffFactory

from .invoice_support import LINE_FEE, at, call_line, fee_line, make_invoice, matching_lines

D = Decimal


def by_key(result):
    return {(r.category, r.key): r for r in result.rows}


def test_matching_invoice_has_no_discrepancies(inv_world):
    invoice = make_invoice(inv_world, matching_lines())
    result = reconcile(invoice)
    assert result.discrepancies == []
    totals = result.totals()
    assert (totals["expected"], totals["ours"], totals["invoiced"]) == ("1503.30", "1503.30", "1503.30")
    assert result.calls.matched and not result.calls.theirs_only and not result.calls.ours_only
    assert len(result.calls.matched) == 2
    assert result.price_changes == []
    assert result.disputable == 0
    services = {s["category"]: s for s in result.services()}
    assert services["usage"]["invoiced"] == "3.30"
    assert services["number_rent"]["expected"] == "500.00"
    assert invoice.net == D("1503.30") and invoice.vat == D("330.73") and invoice.gross == D("1834.03")


def test_overcharged_line_is_a_discrepancy_with_its_reason(inv_world):
    lines = matching_lines()
    lines[0] = fee_line(LINE_FEE, "1200.00")
    result = reconcile(make_invoice(inv_world, lines))
    [row] = result.discrepancies
    assert (row.category, row.expected, row.ours, row.invoiced) == (
        "fee",
        D("1000.00"),
        D("1000.00"),
        D("1200.00"),
    )
    assert [r.code for r in row.reasons] == ["fee_differs"]
    assert result.disputable == D("200.00")


def test_call_missing_on_our_side_is_listed_unmatched(inv_world):
    extra = call_line(at(20, 12), "+79270000000", 120, "2.90")
    result = reconcile(make_invoice(inv_world, [*matching_lines(), extra]))
    [row] = result.discrepancies
    assert row.category == "usage" and row.key == "+78432000001"
    assert row.invoiced - row.ours == D("2.90")
    assert row.expected == row.invoiced  # the contract prices their extra call the same way
    assert [r.code for r in row.reasons] == ["missing_ours"]
    assert [c.digits for c in result.calls.theirs_only] == ["79270000000"]
    assert result.calls.ours_only == []


def test_call_missing_on_their_side_is_listed(inv_world):
    lines = matching_lines()[:3]  # the local call is not on the statement
    result = reconcile(make_invoice(inv_world, lines))
    [row] = result.discrepancies
    assert [r.code for r in row.reasons] == ["missing_theirs"]
    assert [c.call_id for c in result.calls.ours_only] == [inv_world.calls[1].pk]


def test_fee_not_in_the_contract(inv_world):
    lines = [*matching_lines(), fee_line("Дополнительная услуга «Контроль качества»", "300.00")]
    result = reconcile(make_invoice(inv_world, lines))
    [row] = result.discrepancies
    assert row.category == "other" and row.invoiced == D("300.00") and row.expected == 0
    assert [r.code for r in row.reasons] == ["fee_not_in_contract"]
    assert result.disputable == D("300.00")


def test_small_difference_within_the_tolerance_is_not_a_discrepancy(inv_world):
    InvoiceTerms.objects.create(contract=inv_world.contract, tolerance_amount=D("0.50"))
    lines = matching_lines()
    lines[1] = fee_line("Аренда номера", "500.40", number="+78432000001")
    assert reconcile(make_invoice(inv_world, lines)).discrepancies == []
    lines = matching_lines()
    lines[1] = fee_line("Аренда номера", "500.60", number="+78432000001")
    assert len(reconcile(make_invoice(inv_world, lines, number="INV-2")).discrepancies) == 1


def test_price_rise_is_detected_and_flagged_on_invoice_and_contract(inv_world):
    lines = matching_lines()
    # 61 s billed as 120 s: 0.50 + 1.50 × 2 = 3.50 instead of 0.50 + 1.20 × 2 = 2.90.
    lines[2] = call_line(at(10, 9, 0, 20), "89171234567", 61, "3.50")
    invoice = make_invoice(inv_world, lines)
    result = inv.invoice_check(invoice=invoice)
    [change] = result.price_changes
    assert (change.prefix, change.tariff_price, change.charged_price) == ("79", D("1.2000"), D("1.5000"))
    [row] = result.discrepancies
    assert "rate_differs" in [r.code for r in row.reasons]
    invoice.refresh_from_db()
    assert invoice.price_change_suspected and invoice.status == invoice.Status.CHECKING
    stored = PriceChange.objects.get()
    assert stored.contract == inv_world.contract and stored.invoice == invoice
    assert list(inv_world.contract.suspected_price_changes.all()) == [stored]
    assert stored.change_percent == D("25.0")
    # Checking again keeps one row per prefix.
    inv.invoice_check(invoice=invoice)
    assert PriceChange.objects.count() == 1


def test_price_change_explained_by_a_new_tariff_is_not_flagged(inv_world):
    import datetime as dt

    base = inv_world.base
    base.tariff.valid_to = dt.date(2026, 3, 1)
    base.tariff.save()
    new = TariffFactory(
        code="TT-2026-03", contract=inv_world.contract, increment="60/60", valid_from=dt.date(2026, 3, 1)
    )
    RateFactory(tariff=new, prefix="79", price_per_minute=D("1.50"), connection_fee=D("0.50"))
    RateFactory(tariff=new, prefix="78432", price_per_minute=D("0.40"))
    lines = matching_lines()
    lines[2] = call_line(at(10, 9, 0, 20), "89171234567", 61, "3.50")
    result = reconcile(make_invoice(inv_world, lines))
    assert result.price_changes == []
    # Expected follows the new tariff; our stored rating (rated before the change) now differs.
    usage = by_key(result)[("usage", "+78432000001")]
    assert usage.expected == usage.invoiced == D("3.90")


def test_reconciliation_api_answers_three_columns(inv_world, api_as):
    invoice = make_invoice(inv_world, [*matching_lines(), fee_line("Пакет SMS", "99.00")])
    response = api_as("accounting").get(f"/api/v1/invoices/{invoice.pk}/reconciliation/")
    assert response.status_code == 200
    data = response.json()
    assert data["discrepancies"] == 1 and data["disputable"] == "99.00"
    other = next(line for line in data["lines"] if line["category"] == "other")
    assert (other["expected"], other["ours"], other["invoiced"], other["difference_expected"]) == (
        "0.00",
        "0.00",
        "99.00",
        "99.00",
    )
    assert other["reasons"][0]["code"] == "fee_not_in_contract"
    assert data["calls"]["matched"] == 2
    assert api_as("marketer").get(f"/api/v1/invoices/{invoice.pk}/reconciliation/").status_code == 403
