"""Billing tasks: running them twice leaves the same state; the monthly e-mail goes out once."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from apps.billing import tasks
from apps.billing.models import CostReport, RatedCall
from apps.billing.rating import Month
from apps.billing.services import cost_report_email

from .factories import CallRecordFactory


def test_rate_new_calls_twice_rates_once(world):
    CallRecordFactory(callee="89171234567", line=world.line, department=world.sales)
    first = tasks.rate_new_calls()
    snapshot = list(RatedCall.objects.values())
    assert len(first) == 1
    assert tasks.rate_new_calls() == []
    assert list(RatedCall.objects.values()) == snapshot


def test_monthly_email_is_sent_once_after_the_month_closes_with_the_pdf(world, personas):
    personas["accounting"].email = "buh@example.ru"
    personas["accounting"].save()
    CallRecordFactory(callee="89171234567", line=world.line, department=world.sales)
    march = Month(2026, 3)
    assert cost_report_email(month=march, today=dt.date(2026, 3, 31)) is False  # not closed yet
    assert cost_report_email(month=march, today=dt.date(2026, 4, 1)) is True
    assert cost_report_email(month=march, today=dt.date(2026, 4, 2)) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buh@example.ru"]
    assert "2026-03" in message.subject and "501.70" in message.subject
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("telephony-costs-2026-03.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    assert CostReport.objects.get().emailed_at is not None
