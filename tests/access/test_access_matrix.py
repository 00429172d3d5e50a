"""Every route × every role (and anonymous): the status the matrix promises."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from apps.core.views import url_names

from .matrix import ROLES, all_routes

ROUTES = all_routes()
IGNORED_NAMESPACES = ("admin:",)  # the admin panel guards itself; admin:index is probed below
IGNORED_SUFFIXES = ("-detail.format", "-list.format")


def test_every_named_route_is_in_the_matrix():
    known = set(ROUTES)
    missing = sorted(
        name
        for name in set(url_names(get_resolver()))
        if name not in known
        and not (name.startswith(IGNORED_NAMESPACES) and name != "admin:index")
        and not name.endswith(IGNORED_SUFFIXES)
    )
    assert not missing, f"routes missing from tests/access/routes_*.py: {missing}"


def test_matrix_lists_no_route_that_does_not_exist():
    existing = set(url_names(get_resolver()))
    stale = sorted(set(ROUTES) - existing)
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"


PROBED = [r for r in ROUTES.values() if not r.skip]
CASES = [(r.name, role) for r in PROBED for role in (None, *ROLES)]


def _url(route):
    kwargs = route.kwargs() if route.kwargs else {}
    return reverse(route.name, kwargs=kwargs) + (route.query or "")


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r or 'anonymous'}" for n, r in CASES])
def test_read_access_matches_matrix(name, role, client_as, api_as):
    route = ROUTES[name]
    url = _url(route)
    client = api_as(role) if route.kind == "api" else client_as(role)
    response = client.get(url)
    if route.kind == "public":
        assert response.status_code == 200, url
    elif route.kind == "admin":
        expected = 200 if role in route.read else 302
        assert response.status_code == expected, url
    elif role is None:
        if route.kind == "api":
            assert response.status_code in (401, 403), url
        else:
            assert response.status_code == 302, url
            assert reverse("login") in response["Location"]
    elif role in route.read:
        assert response.status_code == 200, f"{role} should read {url}, got {response.status_code}"
    else:
        assert response.status_code == 403, f"{role} must not read {url}, got {response.status_code}"


WRITABLE = [r for r in PROBED if r.kind == "api" and (r.name.endswith(("-list", "-detail")))]
WRITE_CASES = [(r.name, role) for r in WRITABLE for role in (None, *ROLES)]


@pytest.mark.parametrize(
    ("name", "role"), WRITE_CASES, ids=[f"{n}-{r or 'anonymous'}" for n, r in WRITE_CASES]
)
def test_write_access_matches_matrix(name, role, api_as):
    route = ROUTES[name]
    url = _url(route)
    client = api_as(role)
    method = route.write_method or ("post" if name.endswith("-list") else "patch")
    response = getattr(client, method)(url, {}, format="json")
    if role is None:
        assert response.status_code in (401, 403), url
    elif role in route.write:
        assert response.status_code not in (401, 403, 404), f"{role} may write {url}: {response.status_code}"
    else:
        assert response.status_code in (403, 405), f"{role} must not write {url}: {response.status_code}"
