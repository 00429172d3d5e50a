from .matrix import ADMIN, Route, Secret, roles

ROUTES = [
    Route("login", kind="public"),
    Route("logout", kind="page", skip="POST-only; covered by tests/accounts/test_login.py"),
    Route("api-root", kind="api"),
    Route("api-schema", kind="page"),
    Route("api-docs", kind="page"),
    Route("admin:index", kind="admin", read=roles(ADMIN)),
    Route("set_language", kind="public", skip="POST-only language switch"),
]


ROUTES += [Route("dashboard")]


def _store_password(canary: str) -> None:
    from apps.accounts.services import user_ensure

    user_ensure(username="canary-password", password=canary, role="accounting")


def _store_token(canary: str) -> None:
    from rest_framework.authtoken.models import Token

    from apps.accounts.services import user_ensure

    user = user_ensure(username="canary-token", password="Canary-pass-1234", role="marketer")
    Token.objects.create(user=user, key=canary[:40])


# Credentials the foundation stores: sign-in passwords (hashed) and API tokens.
SECRETS = [
    Secret("accounts.User.password", _store_password),
    Secret("authtoken.Token.key", _store_token),
]
