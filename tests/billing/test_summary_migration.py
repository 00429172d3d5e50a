"""Migration 0004 fills the summary from the ratings already stored, then the triggers keep it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("billing", "0003_rating_indexes")]
AFTER = [("billing", "0004_ratedcall_summary")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_sums_the_ratings_already_stored_and_the_triggers_take_over():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("billing")
    try:
        old = migrate(BEFORE)
        RatedCall = old.get_model("billing", "RatedCall")
        common = {"period": dt.date(2026, 3, 1), "started_at": dt.datetime(2026, 3, 2, tzinfo=dt.UTC)}
        common.update(currency="RUB", rated_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
        for call_id, status, cost, seconds in [
            (1, "rated", Decimal("2.90"), 120),
            (2, "rated", Decimal("1.20"), 180),
            (3, "unrated", None, 0),
        ]:
            RatedCall.objects.create(
                call_id=call_id,
                status=status,
                call_type="mobile",
                cost=cost,
                billed_seconds=seconds,
                vat_rate=Decimal("22.00"),
                **common,
            )
        new = migrate(AFTER)
        Summary = new.get_model("billing", "RatedCallSummary")
        rows = {
            s.status: (s.calls, s.billed_seconds, s.cost)
            for s in Summary.objects.filter(period=dt.date(2026, 3, 1), department_id=None)
        }
        assert rows == {"rated": (2, 300, Decimal("4.10")), "unrated": (1, 0, Decimal("0.00"))}
        new.get_model("billing", "RatedCall").objects.filter(call_id=2).delete()
        assert Summary.objects.get(status="rated").calls == 1
    finally:
        migrate(latest)
