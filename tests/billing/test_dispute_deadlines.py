"""The dispute clock (working vs calendar days, Russian holidays), disputes, penalties, alerts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from apps.billing.invoices import deadlines
from apps.billing.invoices import services as inv
from apps.billing.models import Dispute, Invoice, InvoiceAlert, InvoiceTerms
from apps.billing.tasks import invoice_alerts

from .invoice_support import LINE_FEE, fee_line, make_invoice, matching_lines

D = Decimal
date = dt.date


# --- Pure date rules ------------------------------------------------------------------------------


def test_calendar_window_ending_on_a_holiday_moves_to_the_next_working_day():
    # Received Mon 2 Nov 2026; 2 calendar days → Wed 4 Nov, Unity Day → Thu 5 Nov.
    assert deadlines.window_end(date(2026, 11, 2), 2, deadlines.CALENDAR) == date(2026, 11, 5)
    # 5 calendar days → Sat 7 Nov → Mon 9 Nov.
    assert deadlines.window_end(date(2026, 11, 2), 5, deadlines.CALENDAR) == date(2026, 11, 9)


def test_working_day_window_skips_weekends_and_the_holiday():
    # Tue 3 (1), Wed 4 Unity Day (skipped), Thu 5 (2), Fri 6 (3), Mon 9 (4), Tue 10 (5).
    assert deadlines.window_end(date(2026, 11, 2), 5, deadlines.WORKING) == date(2026, 11, 10)
    # Over the May holidays: Fri 1 May is a holiday; 3 working days after 30 April end on Wed 6 May.
    assert deadlines.window_end(date(2026, 4, 30), 3, deadlines.WORKING) == date(2026, 5, 6)
    assert deadlines.window_end(date(2026, 4, 30), 3, deadlines.CALENDAR) == date(2026, 5, 4)


def test_a_saturday_made_working_by_transfer_counts_as_a_working_day():
    # 20 February 2027 (Saturday) is a working day: the holiday moved to Monday 22 February.
    assert deadlines.is_working_day(date(2027, 2, 20))
    assert not deadlines.is_working_day(date(2027, 2, 22))
    assert deadlines.window_end(date(2027, 2, 19), 1, deadlines.WORKING) == date(2027, 2, 20)


def test_penalty_accrues_per_day_without_a_cap():
    fine = deadlines.penalty(
        debt=D("10000.00"),
        due_date=date(2026, 4, 30),
        today=date(2026, 5, 10),
        rate_per_day=D("0.1"),
        cap_percent=None,
    )
    assert (fine.days_late, fine.accrued, fine.per_day, fine.capped) == (10, D("100.00"), D("10.00"), False)


def test_penalty_stops_at_the_cap():
    args = {
        "debt": D("10000.00"),
        "due_date": date(2026, 4, 30),
        "rate_per_day": D("0.1"),
        "cap_percent": D("0.5"),
    }
    fine = deadlines.penalty(today=date(2026, 5, 10), **args)
    assert (fine.accrued, fine.per_day, fine.cap, fine.capped) == (D("50.00"), D("0.00"), D("50.00"), True)
    # The day before the cap is reached: 4 days = 40.00, tomorrow adds only what is left (10.00).
    fine = deadlines.penalty(today=date(2026, 5, 4), **args)
    assert (fine.accrued, fine.per_day, fine.capped) == (D("40.00"), D("10.00"), False)
    fine = deadlines.penalty(today=date(2026, 4, 30), **args)
    assert (fine.days_late, fine.accrued) == (0, D("0.00"))


# --- The invoice's clock ----------------------------------------------------------------------------


def test_invoice_deadline_follows_the_contract_window_and_its_kind_of_days(inv_world):
    # Received Mon 2 Nov 2026, window 5 days (inv_world).
    invoice = make_invoice(inv_world, matching_lines(), received=date(2026, 11, 2))
    assert invoice.dispute_by == date(2026, 11, 9)
    InvoiceTerms.objects.create(contract=inv_world.contract, window_day_kind=InvoiceTerms.DayKind.WORKING)
    invoice.save()
    assert invoice.dispute_by == date(2026, 11, 10)
    clock = inv.invoice_clock(invoice, date(2026, 11, 5))
    assert (clock.state, clock.days_left, clock.deemed_accepted_on) == ("running", 5, date(2026, 11, 11))


def test_a_dispute_sent_in_time_stops_the_clock(inv_world):
    lines = matching_lines()
    lines[0] = fee_line(LINE_FEE, "1200.00")
    invoice = make_invoice(inv_world, lines, received=date(2026, 4, 2))
    assert invoice.dispute_by == date(2026, 4, 7)
    dispute = inv.dispute_open(invoice=invoice)
    assert dispute.amount == D("200.00") and dispute.status == Dispute.Status.DRAFT
    assert "ПРЕТЕНЗИЯ по счёту № INV-1" in dispute.letter
    assert "выставлено 1200.00, по договору 1000.00" in dispute.letter
    # A draft does not stop the clock; sending it does.
    assert inv.invoice_clock(invoice, date(2026, 4, 6)).state == "running"
    inv.dispute_send(dispute=dispute, sent_on=date(2026, 4, 6))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DISPUTED
    for today in (date(2026, 4, 6), date(2026, 4, 8), date(2026, 6, 1)):
        clock = inv.invoice_clock(invoice, today)
        assert (clock.state, clock.stopped_on) == ("stopped", date(2026, 4, 6))
    # The daily task neither alerts nor deems a disputed invoice accepted.
    inv.invoice_alerts_send(today=date(2026, 4, 8))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DISPUTED


def test_a_dispute_sent_too_late_does_not_stop_the_clock(inv_world):
    invoice = make_invoice(inv_world, [fee_line("Пакет SMS", "99.00"), *matching_lines()])
    dispute = inv.dispute_open(invoice=invoice)
    inv.dispute_send(dispute=dispute, sent_on=date(2026, 4, 9))
    assert inv.invoice_clock(invoice, date(2026, 4, 9)).state == "deemed_accepted"


def test_resolving_with_a_credit_lowers_the_debt_and_accepts_the_invoice(inv_world):
    lines = matching_lines()
    lines[0] = fee_line(LINE_FEE, "1200.00")
    invoice = make_invoice(inv_world, lines, due=date(2026, 4, 30))
    dispute = inv.dispute_send(dispute=inv.dispute_open(invoice=invoice), sent_on=date(2026, 4, 3))
    assert inv.invoice_debt(invoice) == invoice.gross - D("200.00")  # the disputed sum is withheld
    inv.dispute_resolve(dispute=dispute, status=Dispute.Status.CREDITED, credit=D("200.00"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ACCEPTED
    assert inv.invoice_debt(invoice) == invoice.gross - D("200.00")
    assert invoice.gross == D("2078.03")
    fine = inv.invoice_penalty(invoice, date(2026, 5, 10))
    assert (fine.days_late, fine.accrued) == (10, D("18.78"))  # 1878.03 × 0.1 % × 10


def test_penalty_on_an_unpaid_invoice_uses_the_contract_rate_and_cap(inv_world):
    invoice = make_invoice(inv_world, matching_lines(), due=date(2026, 4, 30))  # gross 1834.03
    fine = inv.invoice_penalty(invoice, date(2026, 5, 3))
    assert (fine.days_late, fine.per_day, fine.accrued) == (3, D("1.83"), D("5.50"))
    fine = inv.invoice_penalty(invoice, date(2026, 12, 31))  # 245 days × 0.1 % > cap 10 %
    assert (fine.capped, fine.accrued) == (True, D("183.40"))
    inv.invoice_pay(invoice=invoice, paid_on=date(2027, 1, 1))
    assert inv.invoice_penalty(invoice, date(2027, 1, 2)).accrued == 0


def test_calendar_lists_dispute_deadlines_and_due_dates_with_exposure(inv_world):
    invoice = make_invoice(inv_world, matching_lines(), due=date(2026, 4, 30))
    entries = inv.due_calendar(today=date(2026, 4, 3))
    assert [(e.day, e.kind) for e in entries] == [
        (date(2026, 4, 7), "dispute_by"),
        (date(2026, 4, 30), "due"),
    ]
    assert entries[1].invoice == invoice and entries[1].penalty_per_day == D("1.83")


# --- Alerts -----------------------------------------------------------------------------------------


@pytest.fixture
def accountant(personas):
    user = personas["accounting"]
    user.email = "buh@example.com"
    user.save()
    return user


def test_alerts_go_to_accounting_5_2_and_1_days_before_once_each(inv_world, accountant):
    invoice = make_invoice(inv_world, matching_lines(), received=date(2026, 4, 2))  # last day 7 April
    sent_days = []
    for day in range(1, 9):
        today = date(2026, 4, day)
        for _ in range(2):  # a redelivered task sends nothing twice
            sent_days += [(today, a.days_before) for a in inv.invoice_alerts_send(today=today)]
    assert sent_days == [(date(2026, 4, 2), 5), (date(2026, 4, 5), 2), (date(2026, 4, 6), 1)]
    assert len(mail.outbox) == 3 and mail.outbox[0].to == ["buh@example.com"]
    assert "5 day(s) left" in mail.outbox[0].subject and invoice.number in mail.outbox[0].subject
    assert InvoiceAlert.objects.count() == 3
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ACCEPTED  # 8 April: deemed accepted


def test_alert_task_runs_twice_with_the_same_outcome(inv_world, accountant):
    today = inv.today_local()
    # A window whose last day is 1, 2 or 5 days away today, whatever today's calendar.
    window = next(n for n in range(1, 10) if (deadlines.window_end(today, n) - today).days in (1, 2, 5))
    inv_world.contract.dispute_window_days = window
    inv_world.contract.save()
    make_invoice(inv_world, matching_lines(), received=today)
    assert invoice_alerts() == 1
    assert invoice_alerts() == 0
    assert InvoiceAlert.objects.count() == 1 and len(mail.outbox) == 1
