"""Helpers for rollout tests: a fixed clock, call records written the way the ingest pipeline stores them."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from apps.calls.models import CallRecord, Source

UTC = dt.UTC
_ids = itertools.count(1)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def source(db):
    return Source.objects.create(slug="test-pbx", connector="asterisk_csv", timezone="UTC")


@pytest.fixture
def make_call(source):
    """make_call(department, started_at, direction="in", disposition="answered", …) → CallRecord."""

    def make(
        department,
        started_at: dt.datetime,
        *,
        direction: str = "in",
        disposition: str = "answered",
        caller: str = "+79170000000",
        callee: str = "+73472000000",
        answered_at: dt.datetime | None = None,
        group: str = "",
        billsec: int = 60,
    ) -> CallRecord:
        ended = started_at + dt.timedelta(seconds=billsec + 20)
        return CallRecord.objects.create(
            source=source,
            external_id=f"call-{next(_ids)}",
            call_group_id=group,
            started_at=started_at,
            answered_at=answered_at,
            ended_at=ended,
            duration=billsec + 20,
            billsec=billsec if disposition == "answered" else 0,
            direction=direction,
            caller=caller,
            callee=callee,
            disposition=disposition,
            department=department,
        )

    return make
