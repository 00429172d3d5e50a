"""Secrets at rest: Fernet with a key of its own (PORTAL_ENCRYPTION_KEY), never SECRET_KEY.

A comma-separated list of keys is accepted for rotation (MultiFernet: the first encrypts, all decrypt).
Without the variable, development derives a key from a fixed, public phrase — DEV ONLY: anything
encrypted with it is readable by anyone who reads this file. Production (DEBUG off) without a key
refuses to encrypt or decrypt anything (ImproperlyConfigured at first use).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_ONLY_PHRASE = b"telephony-portal DEV ONLY encryption key - never use in production"


def dev_only_key() -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(DEV_ONLY_PHRASE).digest()).decode()


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "PORTAL_ENCRYPTION_KEY must be Fernet keys (urlsafe base64 of 32 bytes), comma-separated"
        ) from exc


def fernet() -> MultiFernet:
    keys = getattr(settings, "PORTAL_ENCRYPTION_KEY", "") or ""
    if not keys:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("PORTAL_ENCRYPTION_KEY must be set in production")
        keys = dev_only_key()
    return _fernet(keys)


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("a stored secret cannot be decrypted with PORTAL_ENCRYPTION_KEY") from exc
