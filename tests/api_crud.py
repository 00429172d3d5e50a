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


def check_crud_cycle(resource: ApiResource, api) -> None:
    """Create, read, update and delete one row through the API, checking what each answer shows."""
    payload = resource.create()
    created = api.post(resource.list_url(), payload)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert_shows(payload, created.json(), resource.expect)

    read = api.get(resource.detail_url(pk))
    assert read.status_code == 200
    assert_shows(payload, read.json(), resource.expect)

    updated = api.patch(resource.detail_url(pk), resource.update)
    assert updated.status_code == 200, updated.content
    assert_shows(resource.update, api.get(resource.detail_url(pk)).json(), {})

    assert api.delete(resource.detail_url(pk)).status_code == 204
    assert not resource.model.objects.filter(pk=pk).exists()
    assert api.get(resource.detail_url(pk)).status_code == 404


def check_refusal(resource: ApiResource, api) -> None:
    """Invalid input answers 400 naming the field, and no row is written."""
    payload, bad_field = resource.invalid()
    before = resource.model.objects.count()
    response = api.post(resource.list_url(), payload)
    assert response.status_code == 400
    assert bad_field in response.json(), response.json()
    assert resource.model.objects.count() == before


def check_list_queries(resource: ApiResource, api, *, bound: int = 3) -> None:
    """The list costs as many queries for 6 rows as for 1 (no N+1), and at most `bound`."""
    resource.make()
    api.get(resource.list_url())  # warm the permission cache of the persona
    few, rows = list_query_count(api, resource.list_url())
    assert rows == 1
    for _ in range(5):
        resource.make()
    many, rows = list_query_count(api, resource.list_url())
    assert rows == 6
    assert many == few, f"{few} queries for 1 row but {many} for 6: N+1"
    assert many <= bound  # count + page (+ one prefetch at most)
