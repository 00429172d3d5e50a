"""The matrix's harder promises: inactive users are refused everywhere, objects outside a user's scope are
404 (not 403), and every API route is documented in the OpenAPI schema (Zulip's "no endpoint left
undocumented" check).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .matrix import ROLES, all_routes

ROUTES = all_routes()
PROBED = [r for r in ROUTES.values() if not r.skip]

# API routes deliberately left out of the OpenAPI schema, each with the reason (the list must stay short).
NOT_IN_SCHEMA = {
    "api-root": "a browsable index of the list endpoints, not an operation",
}


def _url(route, kwargs=None):
    kwargs = kwargs if kwargs is not None else (route.kwargs() if route.kwargs else {})
    return reverse(route.name, kwargs=kwargs) + (route.query or "")


@pytest.fixture
def inactive_admin(personas):
    """The admin persona, switched off: every permission through the role, none through the account."""
    user = personas["admin"]
    token, _ = Token.objects.get_or_create(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user, token.key


@pytest.mark.parametrize("name", [r.name for r in PROBED])
def test_an_inactive_user_is_refused_on_every_route(name, inactive_admin):
    user, token = inactive_admin
    route = ROUTES[name]
    url = _url(route)
    if route.kind == "api":
        by_token = APIClient()
        by_token.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        by_session = APIClient()
        by_session.force_login(user)
        for client in (by_token, by_session):
            assert client.get(url).status_code in (401, 403), url
            method = route.write_method or ("post" if name.endswith("-list") else "patch")
            assert getattr(client, method)(url, {}, format="json").status_code in (401, 403), url
        return
    client = Client()
    client.force_login(user)
    response = client.get(url)
    if route.kind == "public":
        assert response.status_code == 200, url
        assert user.username not in response.content.decode(errors="replace"), "shown as signed in"
    elif route.kind == "admin":
        assert response.status_code == 302, url
        assert "/login/" in response["Location"]
    else:
        assert response.status_code == 302, f"an inactive user opened {url}"
        assert reverse("login") in response["Location"]


SCOPED = [r for r in PROBED if r.out_of_scope is not None]
SCOPE_CASES = [(r.name, role) for r in SCOPED for role in ROLES if role in r.read]


@pytest.mark.parametrize(("name", "role"), SCOPE_CASES)
def test_an_object_outside_the_users_scope_is_not_found_rather_than_forbidden(name, role, api_as, client_as):
    route = ROUTES[name]
    kwargs = route.out_of_scope(role)
    if kwargs is None:
        pytest.skip(f"{role} sees every object of {name}")
    url = _url(route, kwargs)
    if route.kind == "api":
        client = api_as(role)
        assert client.get(url).status_code == 404, url
        for method in ("patch", "delete"):
            assert getattr(client, method)(url, {}, format="json").status_code in (404, 405), url
    else:
        assert client_as(role).get(url).status_code == 404, url


def _openapi_path(pattern_parts: list[str]) -> str:
    path = "".join(part.lstrip("^").rstrip("$").replace("\\Z", "") for part in pattern_parts)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
    return "/" + path.replace("{pk}", "{id}")


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _api_patterns(resolver: URLResolver, parts: list[str], ns: str = ""):
    for pattern in resolver.url_patterns:
        here = [*parts, str(pattern.pattern)]
        if isinstance(pattern, URLResolver):
            yield from _api_patterns(pattern, here, f"{ns}{pattern.namespace}:" if pattern.namespace else ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            path = _openapi_path(here)
            if path.startswith("/api/v1/") and "{format}" not in path:
                yield ns + pattern.name, path


def test_every_api_route_is_in_the_openapi_schema():
    # Parameter names differ (drf-spectacular names `{pk}` after the primary key field): compare shapes.
    documented = {_shape(p) for p in SchemaGenerator().get_schema(request=None, public=True)["paths"]}
    routes = dict(_api_patterns(get_resolver(), []))
    assert len(routes) > 10, "the URL walk found suspiciously few API routes"
    missing = sorted(
        f"{name} ({path})"
        for name, path in routes.items()
        if _shape(path) not in documented and name not in NOT_IN_SCHEMA
    )
    assert not missing, f"API routes missing from /api/schema/: {missing}"
    stale = sorted(name for name in NOT_IN_SCHEMA if name not in routes)
    assert not stale, f"NOT_IN_SCHEMA lists routes that do not exist: {stale}"
