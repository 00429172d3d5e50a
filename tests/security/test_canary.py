"""A canary secret planted in every credential the portal stores never comes back out: not in any
page or API response for any role (every route of the access matrix, GET and OPTIONS), not in any admin
page (admin role and a superuser), not in the audit trail, not in the logs, not in the raw database
column of an encrypted field.
"""

from __future__ import annotations

import contextlib
import logging
import uuid

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse

from apps.audit.models import AuditEvent
from apps.core import crypto
from tests.access.matrix import ROLES, all_routes, all_secrets

CANARY = f"SECRET-CANARY-{uuid.uuid4().hex[:24]}"
ROUTES = all_routes()
SECRETS = all_secrets()


def _real_encrypted_fields() -> set[str]:
    return {
        f"{model._meta.label}.{name}"
        for model, name, _ in crypto.encrypted_fields()
        if not model.__module__.startswith("tests.")
    }


def test_every_encrypted_field_has_a_canary():
    declared = {s.field for s in SECRETS}
    missing = sorted(_real_encrypted_fields() - declared)
    assert not missing, f"encrypted fields without SECRETS rows in tests/access/routes_*.py: {missing}"


@pytest.fixture
def planted(db, personas, caplog):
    caplog.set_level(logging.DEBUG)
    for secret in SECRETS:
        secret.store(CANARY)
    return caplog


def _assert_clean(response, where: str) -> None:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert CANARY.encode() not in body, f"the canary leaked in {where}"
    for header, value in response.items():
        assert CANARY not in value, f"the canary leaked in the {header} header of {where}"


def test_the_canary_never_appears_in_any_route_for_any_role(planted, client_as, api_as):
    probed = 0
    expected = sum(1 for r in ROUTES.values() if not r.skip) * (1 + len(ROLES))
    for route in ROUTES.values():
        if route.skip:
            continue
        url = reverse(route.name, kwargs=route.kwargs() if route.kwargs else {}) + (route.query or "")
        for role in (None, *ROLES):
            client = api_as(role) if route.kind == "api" else client_as(role)
            _assert_clean(client.get(url), f"GET {url} as {role}")
            if route.kind == "api":
                _assert_clean(client.options(url), f"OPTIONS {url} as {role}")
            probed += 1
    assert probed == expected


def test_the_canary_never_appears_in_any_admin_page(planted, personas, django_user_model):
    superuser = django_user_model.objects.create_superuser("canary-root", "root@example.com", "Root-pass-12")
    pages = 0
    for user in (personas["admin"], superuser):
        client = Client()
        client.force_login(user)
        for model in admin.site._registry:
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            urls = [reverse(f"{prefix}_changelist")]
            for obj in model._default_manager.all()[:5]:
                urls.append(reverse(f"{prefix}_change", args=[obj.pk]))
                urls.append(reverse(f"{prefix}_history", args=[obj.pk]))
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(f"{prefix}_export"))
            for url in urls:
                _assert_clean(client.get(url), f"{url} as {user.username}")
                pages += 1
    assert pages > 10


def test_the_canary_never_reaches_the_audit_trail_or_the_logs(planted):
    assert CANARY not in str(list(AuditEvent.objects.values()))
    assert not [r.getMessage() for r in planted.records if CANARY in r.getMessage()]


def test_no_encrypted_column_holds_the_canary_in_plain_text(planted):
    qn = connection.ops.quote_name
    for model, name, _ in crypto.encrypted_fields():
        column = qn(model._meta.get_field(name).column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {qn(model._meta.db_table)}")
            assert not [v for (v,) in cursor.fetchall() if v and CANARY in v], f"{model._meta.label}.{name}"


def test_an_admin_revokes_a_users_api_tokens_without_ever_seeing_them(client_as, personas):
    from rest_framework.authtoken.models import Token

    Token.objects.create(user=personas["marketer"], key=CANARY[:40])
    response = client_as("admin").post(
        reverse("admin:accounts_user_changelist"),
        {"action": "revoke_api_tokens", "_selected_action": [personas["marketer"].pk]},
        follow=True,
    )
    _assert_clean(response, "the revoke action")
    assert not Token.objects.filter(user=personas["marketer"]).exists()
