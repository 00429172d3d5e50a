"""Secrets at rest: Fernet with keys of their own (`PORTAL_ENCRYPTION_KEYS`), never SECRET_KEY.

`PORTAL_ENCRYPTION_KEYS` is a comma-separated list of Fernet keys, newest first: the first encrypts,
all of them decrypt (MultiFernet). Rotation = put a new key first, run `manage.py rotate_encryption_key`
(re-encrypts every registered field under the new key), then drop the old key.

Two ways to keep a secret in a model, both registered so rotation, the audit trail (values masked) and
the canary test know about them:

- `EncryptedTextField()` — transparent: Python sees the plaintext, the column holds the token;
- `@ciphertext_fields("secret_encrypted")` on a model whose code encrypts/decrypts with `encrypt()` /
  `decrypt()` itself (a plain TextField holding the token, plus a property).

Without the variable, development uses a key derived from a public phrase — DEV ONLY: anything encrypted
with it is readable by anyone who reads this file. Settings refuse to start when DEBUG is off and no key
is given.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

DEV_ONLY_PHRASE = b"telephony-portal DEV ONLY encryption key - never use in production"


class SecretUnreadable(ImproperlyConfigured):
    """A stored token that none of the configured keys opens (wrong or dropped key, corrupted value)."""


def dev_only_key() -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(DEV_ONLY_PHRASE).digest()).decode()


def configured_keys() -> list[str]:
    keys = [k.strip() for k in (getattr(settings, "PORTAL_ENCRYPTION_KEYS", None) or []) if k.strip()]
    if not keys:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("PORTAL_ENCRYPTION_KEYS must be set when DEBUG is off")
        keys = [dev_only_key()]
    return keys


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "PORTAL_ENCRYPTION_KEYS must be Fernet keys (url-safe base64 of 32 bytes), comma-separated"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def primary_fernet() -> Fernet:
    return Fernet(configured_keys()[0].encode())


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("a stored secret cannot be decrypted with PORTAL_ENCRYPTION_KEYS") from exc


def is_under_primary_key(token: str) -> bool:
    if not token:
        return True
    try:
        primary_fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """The same secret, encrypted under the newest key (a token already under it is re-encrypted too)."""
    if not token:
        return ""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("a stored secret cannot be decrypted with PORTAL_ENCRYPTION_KEYS") from exc


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database; reads give the plaintext back.

    Not searchable, not orderable (each encryption differs). Forms never show it back: use a
    write-only serializer field / a password widget for it.
    """

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "apps.core.crypto.EncryptedTextField", args, kwargs


_ciphertext: dict[type[models.Model], set[str]] = {}


def ciphertext_fields(*names: str):
    """Class decorator: these TextFields hold `encrypt()` tokens the model handles itself."""

    def decorate(model):
        _ciphertext.setdefault(model, set()).update(names)
        return model

    return decorate


def encrypted_field_names(model: type[models.Model]) -> list[str]:
    transparent = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
    return sorted({*transparent, *_ciphertext.get(model, set())})


def encrypted_fields() -> Iterator[tuple[type[models.Model], str, bool]]:
    """Every (model, field name, transparent?) holding secrets, over all installed apps."""
    from django.apps import apps

    for model in apps.get_models():
        for name in encrypted_field_names(model):
            yield model, name, isinstance(model._meta.get_field(name), EncryptedTextField)
