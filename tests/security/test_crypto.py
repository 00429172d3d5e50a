"""Secrets at rest: encrypted with keys of their own, rotated by a command, refused without a key."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from apps.core import crypto

from .vault import Vault, raw_column

CANARY = "SECRET-CANARY-7f3a9c"
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_secret_is_stored_as_a_token_and_read_back_as_plaintext(vault_table, settings):
    settings.PORTAL_ENCRYPTION_KEYS = [OLD]
    vault = Vault(name="zadarma")
    vault.secret, vault.token = CANARY, CANARY
    vault.save()
    assert CANARY not in "".join(raw_column("secret") + raw_column("token_encrypted"))
    fresh = Vault.objects.get(pk=vault.pk)
    assert (fresh.secret, fresh.token) == (CANARY, CANARY)


def test_the_encryption_key_is_not_the_secret_key(vault_table, settings):
    settings.PORTAL_ENCRYPTION_KEYS = [OLD]
    Vault.objects.create(name="a", secret=CANARY)
    [token] = raw_column("secret")
    django_key = Fernet(Fernet.generate_key())  # any other key, SECRET_KEY included, cannot open it
    with pytest.raises(Exception):  # noqa: B017
        django_key.decrypt(token.encode())
    assert Fernet(OLD.encode()).decrypt(token.encode()).decode() == CANARY


def test_rotation_re_encrypts_every_secret_under_the_new_key(vault_table, settings):
    settings.PORTAL_ENCRYPTION_KEYS = [OLD]
    for i in range(3):
        vault = Vault(name=f"v{i}", secret=f"{CANARY}-{i}")
        vault.token = f"{CANARY}-t{i}"
        vault.save()
    Vault.objects.create(name="empty")
    settings.PORTAL_ENCRYPTION_KEYS = [NEW, OLD]

    with pytest.raises(CommandError, match="6 secrets are still encrypted under an old key"):
        call_command("rotate_encryption_key", "--check", stdout=_Sink())
    out = _Sink()
    call_command("rotate_encryption_key", "--json", stdout=out)
    summary = json.loads(out.text)
    assert summary["old_key"] == 6
    assert {row["field"]: row["rotated"] for row in summary["fields"] if "Vault" in row["field"]} == {
        "core.Vault.secret": 3,
        "core.Vault.token_encrypted": 3,
    }

    settings.PORTAL_ENCRYPTION_KEYS = [NEW]  # the old key is dropped: everything must still open
    assert sorted(Vault.objects.exclude(secret="").values_list("secret", flat=True)) == [
        f"{CANARY}-{i}" for i in range(3)
    ]
    tokens = sorted(v.token for v in Vault.objects.exclude(token_encrypted=""))
    assert tokens == [f"{CANARY}-t{i}" for i in range(3)]
    call_command("rotate_encryption_key", "--check", stdout=_Sink())


def test_rotation_stops_and_changes_nothing_when_a_secret_cannot_be_opened(vault_table, settings):
    settings.PORTAL_ENCRYPTION_KEYS = [OLD]
    Vault.objects.create(name="a", secret=CANARY)
    before = raw_column("secret")
    settings.PORTAL_ENCRYPTION_KEYS = [NEW]  # the old key was dropped too early
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_encryption_key", stdout=_Sink())
    assert raw_column("secret") == before


def test_a_secret_under_an_unknown_key_is_a_clear_error_not_garbage(vault_table, settings):
    settings.PORTAL_ENCRYPTION_KEYS = [OLD]
    vault = Vault.objects.create(name="a", secret=CANARY)
    settings.PORTAL_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(crypto.SecretUnreadable, match="PORTAL_ENCRYPTION_KEYS"):
        Vault.objects.get(pk=vault.pk)


def test_a_malformed_key_fails_the_system_check(settings):
    from apps.core.checks import check_encryption_keys

    settings.PORTAL_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    [error] = check_encryption_keys()
    assert error.id == "core.E001"
    assert "url-safe base64" in error.msg


def test_the_public_development_key_is_refused_in_production(settings):
    from apps.core.checks import check_encryption_keys

    settings.PRODUCTION = True
    settings.PORTAL_ENCRYPTION_KEYS = [crypto.dev_only_key()]
    assert [e.id for e in check_encryption_keys()] == ["core.E002"]


def test_production_without_a_key_refuses_to_encrypt(settings):
    settings.PRODUCTION = True
    settings.PORTAL_ENCRYPTION_KEYS = []
    with pytest.raises(crypto.ImproperlyConfigured, match="PORTAL_ENCRYPTION_KEYS"):
        crypto.encrypt(CANARY)


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass
