"""A throwaway model holding secrets both ways the portal supports, for the crypto tests only.

Its table is created with the test database (see the `vault_table` fixture); it lives in tests/, so the
canary completeness check (which demands a canary for every real encrypted field) leaves it out.
"""

from __future__ import annotations

from django.db import connection, models

from apps.core import crypto


@crypto.ciphertext_fields("token_encrypted")
class Vault(models.Model):
    """Test-only: a record with a transparently encrypted field and a self-managed ciphertext column."""

    name = models.CharField(max_length=50)
    secret = crypto.EncryptedTextField(blank=True)
    token_encrypted = models.TextField(blank=True)

    class Meta:
        app_label = "core"
        db_table = "test_security_vault"

    def __str__(self) -> str:
        return self.name

    @property
    def token(self) -> str:
        return crypto.decrypt(self.token_encrypted)

    @token.setter
    def token(self, value: str) -> None:
        self.token_encrypted = crypto.encrypt(value)


def raw_column(column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM test_security_vault ORDER BY id")
        return [row[0] for row in cursor.fetchall()]
