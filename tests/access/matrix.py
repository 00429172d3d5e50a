"""The access matrix: every named route, who may read it and who may write through it.

Each app keeps its rows in `tests/access/routes_<app>.py` as a list `ROUTES`. The test in
test_access_matrix.py checks every row for every role and anonymous, and fails when the URL
resolver knows a route that no row lists (so a new page or endpoint cannot ship unlisted).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

ACCOUNTING, MARKETER, LAWYER, ADMIN = "accounting", "marketer", "lawyer", "admin"
ROLES = (ACCOUNTING, MARKETER, LAWYER, ADMIN)
EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Route:
    """One URL name. `kind`: page (HTML, login required), api (DRF), public, or admin (Django admin).

    `read`: roles that GET it with 200; the others get 403 (anonymous: a redirect to login for pages,
    401/403 for the API). `write`: roles that may POST (list routes) or PATCH (detail routes) —
    allowed means "not refused" (the payload may still be invalid: 400); refused means 403.
    `kwargs` builds the URL arguments (it may create objects). `skip` says why a route is not probed.
    `out_of_scope(role)` (optional, detail routes of scoped querysets) builds kwargs of an object outside
    the role's scope, or returns None when the role sees everything.
    """

    name: str
    kind: str = "page"
    read: frozenset[str] = EVERYONE
    write: frozenset[str] = NOBODY
    kwargs: Callable[[], dict] | None = None
    query: str = ""
    skip: str = ""
    write_method: str = field(default="")
    # Object-level scope: role → URL kwargs of an object that role must not see (its detail answers 404,
    # never 403, so existence does not leak). Roles absent from the dict see every object.
    out_of_scope: Callable[[str], dict] | None = None


def all_routes() -> dict[str, Route]:
    import tests.access as package

    routes: dict[str, Route] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("routes_"):
            continue
        module = importlib.import_module(f"tests.access.{info.name}")
        for route in module.ROUTES:
            if route.name in routes:
                raise AssertionError(f"{route.name} is listed twice in the access matrix")
            routes[route.name] = route
    return routes


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


@dataclass(frozen=True)
class Secret:
    """A place a credential is stored, and how to plant a canary there (for the canary test).

    `field` is "app_label.Model.field"; `store(canary)` saves an object holding the canary as its secret.
    Every encrypted field of every installed app (apps.core.crypto) must have a row: list yours as
    `SECRETS = [Secret(...)]` in your tests/access/routes_<app>.py.
    """

    field: str
    store: Callable[[str], None]


def all_secrets() -> list[Secret]:
    import tests.access as package

    found: list[Secret] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("routes_"):
            found += getattr(importlib.import_module(f"tests.access.{info.name}"), "SECRETS", [])
    return found
