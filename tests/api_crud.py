"""Shared checks for the REST API of inventory resources: CRUD, refusals, query counts.

Each `tests/<app>/test_api.py` lists its resources as `ApiResource` rows and parametrizes the
checks below over them, so every resource gets the same treatment (NetBox's generic API tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


@dataclass
class ApiResource:
    """One endpoint pair `<basename>-list` / `<basename>-detail` and data to exercise it.

    `create()` returns a valid POST payload (it may create the rows it refers to); `expect` overrides
    what the answer must hold where the API normalises input. `update` is a PATCH payload. `invalid()`
    returns a payload and the field the refusal must name. `make()` creates one fully related row for
    list and query-count checks.
    """

    basename: str
    model: type
    create: Callable[[], dict]
    update: dict
    invalid: Callable[[], tuple[dict, str]]
    make: Callable[[], Any]
    expect: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.basename.split(":")[1]

    def list_url(self) -> str:
        return reverse(f"{self.basename}-list")

    def detail_url(self, pk: int) -> str:
        return reverse(f"{self.basename}-detail", kwargs={"pk": pk})


def same(sent, answered) -> bool:
    """Whether an answered value shows what was sent: references are written as ids, read as objects."""
    if isinstance(answered, dict) and "id" in answered:
        return answered["id"] == sent
    if isinstance(answered, list) and isinstance(sent, list):
        return sorted(same_id(a) for a in answered) == sorted(sent)
    return answered == sent


def same_id(value):
    return value["id"] if isinstance(value, dict) else value


def assert_shows(payload: dict, data: dict, expect: dict) -> None:
    for key, sent in payload.items():
        wanted = expect.get(key, sent)
        assert same(wanted, data[key]), f"{key}: sent {sent!r}, expected {wanted!r}, got {data[key]!r}"


def list_query_count(client, url: str) -> tuple[int, int]:
    """(queries, rows) of one list request."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx), response.json()["count"]
