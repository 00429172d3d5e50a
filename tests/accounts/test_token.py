"""API tokens: obtained with a username and password, then sent as `Authorization: Token <key>`."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


def _obtain(username: str, password: str = PASSWORD):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password})


def _client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_obtained_with_the_password_authenticates_api_calls(personas):
    response = _obtain("accounting-user")
    assert response.status_code == 200
    token = response.json()["token"]
    assert _client_with(token).get("/api/v1/numbers/").status_code == 200


def test_a_token_carries_the_role_of_its_user(personas):
    token = _obtain("lawyer-user").json()["token"]
    client = _client_with(token)
    assert client.get("/api/v1/numbers/").status_code == 200
    assert client.get("/api/v1/devices/").status_code == 403


def test_asking_twice_returns_the_same_token(personas):
    assert _obtain("marketer-user").json()["token"] == _obtain("marketer-user").json()["token"]


def test_a_wrong_password_gets_no_token(personas):
    response = _obtain("admin-user", "wrong-password")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.exists()


def test_a_deactivated_user_gets_no_token(personas):
    user = personas["admin"]
    user.is_active = False
    user.save()
    assert _obtain("admin-user").status_code == 400


def test_an_unknown_token_is_refused(personas):
    assert _client_with("0" * 40).get("/api/v1/numbers/").status_code == 401


def test_without_credentials_the_api_answers_401_and_names_the_scheme(db):
    response = APIClient().get("/api/v1/numbers/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_no_longer_works(personas):
    token = _obtain("admin-user").json()["token"]
    client = _client_with(token)
    assert client.delete(TOKEN_URL).status_code == 204
    assert client.get("/api/v1/numbers/").status_code == 401
    assert _obtain("admin-user").json()["token"] != token


@pytest.mark.django_db
def test_revoking_needs_a_login():
    assert APIClient().delete(TOKEN_URL).status_code == 401


def test_the_token_of_a_user_who_is_deactivated_stops_working(personas):
    token = _obtain("accounting-user").json()["token"]
    user = personas["accounting"]
    user.is_active = False
    user.save()
    assert _client_with(token).get("/api/v1/numbers/").status_code == 401


def test_repeated_wrong_passwords_lock_the_token_endpoint_too(personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert _obtain("admin-user", "wrong-password").status_code == 400
    response = _obtain("admin-user")  # the right password, but too late
    assert response.status_code == 403
    assert "locked" in response.json()["detail"].lower()
    assert not Token.objects.exists()
