"""The daily e-mail of notice deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from apps.contracts.models import NoticeDigest
from apps.contracts.services import notice_digest_send
from apps.contracts.tasks import send_notice_digest

from .factories import ContractFactory

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 15)


@pytest.fixture
def recipients(personas):
    for role in ("lawyer", "admin", "accounting"):
        personas[role].email = f"{role}@example.com"
        personas[role].save()


def deadline_in(days: int, **kwargs):
    """A signed one-year tacit contract whose last day to give notice is `days` after ON."""
    start = dt.date(2026, 1, 1)
    notice_day = ON + dt.timedelta(days=days)
    term_end = dt.date(2026, 12, 31)
    return ContractFactory(start_date=start, notice_days=(term_end - notice_day).days, **kwargs)


def test_the_digest_lists_exactly_the_contracts_whose_notice_day_is_within_30_days(recipients):
    inside = [deadline_in(0, code="EDGE-TODAY"), deadline_in(12, code="MID"), deadline_in(30, code="EDGE-30")]
    deadline_in(31, code="TOO-LATE")
    deadline_in(-1, code="PASSED-YESTERDAY")
    deadline_in(5, code="DRAFT", status="draft", signed_on=None)
    deadline_in(5, code="NO-RENEWAL", renewal="none")
    ContractFactory(code="NO-NOTICE", notice_days=None)

    digest = notice_digest_send(on=ON)

    assert digest.contract_count == 3
    [message] = mail.outbox
    assert sorted(message.to) == ["admin@example.com", "lawyer@example.com"]
    listed = [c.code for c in inside]
    for code in listed:
        assert code in message.body
    for code in ("TOO-LATE", "PASSED-YESTERDAY", "DRAFT", "NO-RENEWAL", "NO-NOTICE"):
        assert code not in message.body
    assert message.body.index("EDGE-TODAY") < message.body.index("MID") < message.body.index("EDGE-30")
    assert "15.11.2026" in message.body and "31.12.2026" in message.body


def test_an_express_renewal_deadline_is_in_the_digest_too(recipients):
    ContractFactory(code="EXPRESS-1", start_date=dt.date(2026, 1, 1), renewal="express", notice_days=40)
    notice_digest_send(on=ON)
    assert "EXPRESS-1" in mail.outbox[0].body


def test_the_digest_is_sent_once_a_day_however_often_the_task_runs(recipients, settings, monkeypatch):
    deadline_in(3, code="SOON")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: ON)
    assert send_notice_digest.delay().get() == 1
    assert send_notice_digest.delay().get() == 0
    assert len(mail.outbox) == 1
    assert NoticeDigest.objects.get().day == ON


def test_no_mail_when_no_deadline_is_near(recipients):
    deadline_in(45)
    assert notice_digest_send(on=ON) is None
    assert mail.outbox == []


def test_the_beat_schedule_runs_the_digest_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["contracts-notice-digest"]
    assert entry["task"] == send_notice_digest.name
