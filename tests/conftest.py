"""Personas (one user per role) and clients logged in as each of them."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from apps.accounts.roles import Role

# No deadline: speed is for benchmarks, never a test (a loaded machine must not turn a test red).
# CI replays the same examples every run (a red build must mean a regression, not a lucky draw);
# locally hypothesis keeps exploring new inputs.
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.register_profile("ci", parent=hypothesis_settings.get_profile("portal"), derandomize=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "portal")

ROLES = list(Role.values)  # accounting, marketer, lawyer, admin
PASSWORD = "Test-pass-1234"


@pytest.fixture
def personas(db):
    """{role: user} — one active user holding exactly that role."""
    from apps.accounts.services import user_ensure

    return {role: user_ensure(username=f"{role}-user", password=PASSWORD, role=role) for role in ROLES}


@pytest.fixture
def client_as(personas, client):
    """client_as("lawyer") → Django test client logged in as the lawyer persona; None → anonymous."""

    def make(role: str | None):
        from django.test import Client

        c = Client()
        if role is not None:
            c.force_login(personas[role])
        return c

    return make


@pytest.fixture
def api_as(personas):
    """api_as("admin") → DRF APIClient authenticated as that persona; None → anonymous."""

    def make(role: str | None):
        c = APIClient()
        if role is not None:
            c.force_authenticate(personas[role])
        return c

    return make


@pytest.fixture
def admin_api(api_as):
    return api_as("admin")


def pytest_configure(config):
    from django.conf import settings

    # Hashing real passwords costs ~0.3 s a user; tests need logins, not slow hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in-process in tests unless a test starts a real worker (marker `redis`).
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from telephony_portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
