"""Secrets at rest for the calls app: the portal-wide helpers of apps.core.crypto (keys from
PORTAL_ENCRYPTION_KEYS, newest first; rotation by `manage.py rotate_encryption_key`)."""

from apps.core.crypto import decrypt, encrypt, fernet

__all__ = ["decrypt", "encrypt", "fernet"]
