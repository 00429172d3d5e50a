"""A credential is write-only in the API: accepted, stored encrypted, never serialised back."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.api import SecretField

from .vault import Vault, raw_column

CANARY = "SECRET-CANARY-api-field"


class VaultSerializer(serializers.ModelSerializer):
    secret = SecretField()
    has_secret = serializers.SerializerMethodField()

    class Meta:
        model = Vault
        fields = ["id", "name", "secret", "has_secret"]

    def get_has_secret(self, obj) -> bool:
        return bool(obj.secret)


def test_a_secret_is_written_but_never_read_back(vault_table):
    created = VaultSerializer(data={"name": "mango", "secret": CANARY})
    assert created.is_valid(), created.errors
    vault = created.save()
    assert CANARY not in str(VaultSerializer(vault).data)
    assert VaultSerializer(vault).data["has_secret"] is True
    assert CANARY not in raw_column("secret")[0]
    assert Vault.objects.get(pk=vault.pk).secret == CANARY


def test_an_update_without_the_secret_keeps_it(vault_table):
    vault = Vault.objects.create(name="uis", secret=CANARY)
    updated = VaultSerializer(vault, data={"name": "uis-2", "secret": ""})
    assert updated.is_valid(), updated.errors
    updated.save()
    assert Vault.objects.get(pk=vault.pk).secret == CANARY
