"""Mango Office and UIS pulls against fakes that enforce their protocols."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from apps.calls import services
from apps.calls.connectors.base import Context, Rejected
from apps.calls.connectors.mango import MangoConnector, split_mango_line
from apps.calls.models import CallRecord, Source

from .fakes import FakeMango, FakeUis

UTC = dt.UTC
T0 = int(dt.datetime(2025, 3, 3, 7, 0, tzinfo=UTC).timestamp())


def _mango_calls(n):
    calls = []
    for i in range(n):
        start = T0 + i * 1800
        answered = i % 4 != 0
        calls.append({
            "records": "[MToxMDA1NzU5Mzpy]" if answered else "[]", "start": start, "finish": start + 90,
            "answer": start + 10 if answered else 0, "from_extension": "" if i % 2 else "101",
            "from_number": "79171234567" if i % 2 else "78432000001", "to_extension": "102" if i % 2 else "",
            "to_number": "78432000001" if i % 2 else "79270000000", "disconnect_reason": 1110,
            "line_number": "78432000001", "location": "abonent", "entry_id": f"MToxMDA1Nzg{i}",
        })  # fmt: skip
    return calls


def _source(slug, connector, fake, *, login="", secret="", **settings):
    source = Source(slug=slug, connector=connector, url=fake.url, login=login, timezone="Europe/Moscow")
    source.secret = secret
    source.settings = settings
    source.save()
    return source


def _pull(source, now):
    run = services.run_create_for_pull(source=Source.objects.get(pk=source.pk), now=now)
    return services.run_process(run_id=run.pk)


def test_mango_lines_keep_bracketed_recording_lists_whole():
    assert split_mango_line("[a;b];1;2") == ["[a;b]", "1", "2"]


@pytest.mark.django_db
def test_mango_pull_polls_until_ready_and_reads_each_day_once():
    with FakeMango(calls=_mango_calls(100), not_ready_polls=2) as fake:
        source = _source("mango-kzn", "mango", fake, login=fake.key, secret=fake.salt, poll_interval=0,
                         first_pull_days=3)  # fmt: skip
        run = _pull(source, now=dt.datetime(2025, 3, 5, 7, 0, tzinfo=UTC))
        assert run.status == "succeeded", run.error
        assert fake.polls >= 3 * len(fake.reports)  # two 204s, then the report, per day
        assert CallRecord.objects.count() == 96  # calls before 5 March 07:00 UTC
        again = _pull(source, now=dt.datetime(2025, 3, 6, 7, 0, tzinfo=UTC))
    assert again.inserted == 4 and again.duplicates > 0
    missed = CallRecord.objects.filter(disposition="no_answer").first()
    assert missed.billsec == 0 and missed.answered_at is None
    incoming = CallRecord.objects.filter(direction="in").first()
    assert (incoming.extension, incoming.caller, incoming.call_group_id[:9]) == (
        "102",
        "+79171234567",
        "MToxMDA1N",
    )


@pytest.mark.django_db
def test_mango_with_a_wrong_salt_fails_permanently():
    with FakeMango(calls=_mango_calls(3)) as fake:
        source = _source("mango-bad", "mango", fake, login=fake.key, secret="wrong", poll_interval=0)
        run = _pull(source, now=dt.datetime(2025, 3, 4, tzinfo=UTC))
    assert run.status == "failed" and "HTTP 401" in run.error


@pytest.mark.django_db
def test_mango_report_never_ready_is_transient():
    from apps.calls.connectors import ConnectorUnavailable

    with FakeMango(calls=_mango_calls(3), not_ready_polls=100) as fake:
        source = _source("mango-slow", "mango", fake, login=fake.key, secret=fake.salt, poll_interval=0,
                         max_polls=3, first_pull_days=1)  # fmt: skip
        run = services.run_create_for_pull(source=source, now=dt.datetime(2025, 3, 4, tzinfo=UTC))
        with pytest.raises(ConnectorUnavailable, match="not ready"):
            services.run_process(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "pending"


def test_mango_saved_result_file_rejects_short_lines_with_their_number():
    data = (
        b"[];1741000502;1741000664;0;101;74951234567;;79171234567;1110;74951234567;abonent;e1\nbroken;line\n"
    )
    rows = list(MangoConnector(Context()).read_file(io.BytesIO(data)))
    assert rows[0].disposition == "no_answer"
    assert isinstance(rows[1], Rejected) and rows[1].line == 2 and "expected 12 fields" in rows[1].reason


def _uis_calls(n):
    start = dt.datetime(2025, 1, 1, 9, 0)
    return [
        {"id": 5000 + i, "start_time": (start + dt.timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S"),
         "finish_time": (start + dt.timedelta(hours=i, seconds=75)).strftime("%Y-%m-%d %H:%M:%S"),
         "direction": "in" if i % 3 else "out", "is_lost": i % 7 == 0,
         "finish_reason": "subscriber_disconnects",
         "contact_phone_number": "79171234567", "virtual_phone_number": "78432000001", "total_duration": 75,
         "talk_duration": 0 if i % 7 == 0 else 60,
         "employees": [{"employee_id": 77, "employee_full_name": "Иванова", "is_answered": True,
                        "is_talked": True}]}
        for i in range(n)
    ]  # fmt: skip


@pytest.mark.django_db
def test_uis_pull_pages_through_three_month_windows_and_maps_employees_to_extensions():
    with FakeUis(calls=_uis_calls(2500)) as fake:
        source = _source("uis-ufa", "uis", fake, secret=fake.token, first_pull_days=200,
                         employee_extensions={"77": "205"})  # fmt: skip
        run = _pull(source, now=dt.datetime(2025, 6, 1, tzinfo=UTC))
    assert run.status == "succeeded", run.error
    assert CallRecord.objects.count() == 2500
    assert fake.served >= 4  # two windows, the first paged
    call = CallRecord.objects.get(external_id="uis:5001")
    assert (call.direction, call.extension, call.callee, call.billsec) == ("in", "205", "+78432000001", 60)
    assert CallRecord.objects.get(external_id="uis:5000").disposition == "no_answer"


@pytest.mark.parametrize(
    ("fake_kwargs", "token", "message", "status"),
    [
        ({}, "wrong", "access token invalid", "failed"),
        ({"ip_allowed": False}, None, "IP not whitelisted", "failed"),
    ],
)
@pytest.mark.django_db
def test_uis_permanent_errors_are_named_clearly(fake_kwargs, token, message, status):
    with FakeUis(calls=_uis_calls(3), **fake_kwargs) as fake:
        source = _source("uis-err", "uis", fake, secret=token or fake.token)
        run = _pull(source, now=dt.datetime(2025, 1, 5, tzinfo=UTC))
    assert run.status == status and message in run.error


@pytest.mark.django_db
def test_uis_limit_exceeded_is_retried_later():
    from apps.calls.connectors import ConnectorUnavailable

    with FakeUis(calls=_uis_calls(3), max_calls_per_window=0) as fake:
        source = _source("uis-limit", "uis", fake, secret=fake.token)
        run = services.run_create_for_pull(source=source, now=dt.datetime(2025, 1, 5, tzinfo=UTC))
        with pytest.raises(ConnectorUnavailable, match="limit_exceeded"):
            services.run_process(run_id=run.pk)
