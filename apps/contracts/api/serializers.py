"""HTTP shape of contracts, parties, documents, coverage, tariffs, rates and recurring charges."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api import CleanModelSerializer

from ..models import (
    Contract,
    ContractDocument,
    ContractLine,
    ContractNumber,
    ContractParty,
    Rate,
    RecurringCharge,
    Tariff,
)


class PartyInlineSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = ContractParty
        fields = ["id", "provider", "name", "role"]

    def get_name(self, obj) -> str:
        return obj.provider.name if obj.provider_id else settings.PORTAL_COMPANY_NAME


class KeyDatesSerializer(serializers.Serializer):
    term_start = serializers.DateField(allow_null=True)
    term_end = serializers.DateField(allow_null=True)
    last_notice_day = serializers.DateField(allow_null=True)
    next_renewal = serializers.DateField(allow_null=True)
    next_notice_deadline = serializers.DateField(allow_null=True)
    ended = serializers.BooleanField()


class ContractSerializer(CleanModelSerializer):
    parties = PartyInlineSerializer(many=True, read_only=True)
    key_dates = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id",
            "code",
            "title",
            "kind",
            "parent",
            "status",
            "signed_on",
            "start_date",
            "end_date",
            "initial_term_months",
            "renewal",
            "renewal_term_months",
            "notice_days",
            "currency",
            "vat_rate",
            "payment_terms",
            "dispute_window_days",
            "penalty_rate_per_day",
            "penalty_cap",
            "notes",
            "parties",
            "key_dates",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(KeyDatesSerializer)
    def get_key_dates(self, obj) -> dict:
        dates = obj.key_dates()
        return {
            "term_start": dates.term_start,
            "term_end": dates.term_end,
            "last_notice_day": dates.last_notice_day,
            "next_renewal": dates.next_renewal,
            "next_notice_deadline": obj.next_notice_deadline(),
            "ended": dates.ended,
        }


class ContractPartySerializer(CleanModelSerializer):
    class Meta:
        model = ContractParty
        fields = ["id", "contract", "provider", "role"]


class ContractDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractDocument
        fields = [
            "id",
            "contract",
            "version",
            "original_name",
            "kind",
            "content_type",
            "size",
            "sha256",
            "note",
            "uploaded_by",
            "created_at",
        ]
        read_only_fields = fields


class ContractDocumentDetailSerializer(ContractDocumentSerializer):
    class Meta(ContractDocumentSerializer.Meta):
        fields = [*ContractDocumentSerializer.Meta.fields, "text"]
        read_only_fields = fields


class ContractDocumentUploadSerializer(serializers.Serializer):
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all())
    file = serializers.FileField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ContractNumberSerializer(CleanModelSerializer):
    class Meta:
        model = ContractNumber
        fields = ["id", "contract", "number", "valid_from", "valid_to"]


class ContractLineSerializer(CleanModelSerializer):
    class Meta:
        model = ContractLine
        fields = ["id", "contract", "line", "valid_from", "valid_to"]


class TariffSerializer(CleanModelSerializer):
    rate_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Tariff
        fields = [
            "id",
            "code",
            "contract",
            "name",
            "valid_from",
            "valid_to",
            "increment",
            "free_seconds",
            "included_minutes",
            "currency",
            "rate_count",
        ]


class RatesImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    replace = serializers.BooleanField(default=False)
    dry_run = serializers.BooleanField(default=False)


class RateSerializer(CleanModelSerializer):
    class Meta:
        model = Rate
        fields = ["id", "tariff", "prefix", "destination", "price_per_minute", "connection_fee"]


class RecurringChargeSerializer(CleanModelSerializer):
    class Meta:
        model = RecurringCharge
        fields = [
            "id",
            "contract",
            "name",
            "kind",
            "amount",
            "currency",
            "period",
            "line",
            "pbx_account",
            "department",
            "number",
            "valid_from",
            "valid_to",
        ]
