"""HTTP shape of contracts, parties, documents, coverage, tariffs, rates and recurring charges."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.company.api.serializers import DepartmentBriefSerializer
from apps.company.models import Department
from apps.core.api import BriefRelatedField, CleanModelSerializer
from apps.telecom.api.serializers import (
    PbxAccountBriefSerializer,
    PhoneNumberBriefSerializer,
    ProviderBriefSerializer,
)
from apps.telecom.models import Line, PbxAccount, PhoneNumber, Provider

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

# Brief read representations -------------------------------------------------------------------


class ContractBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="contracts-api:contract-detail")

    class Meta:
        model = Contract
        fields = ["id", "url", "code", "title"]


class TariffBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="contracts-api:tariff-detail")

    class Meta:
        model = Tariff
        fields = ["id", "url", "code", "name"]


class LineBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:line-detail")

    class Meta:
        model = Line
        fields = ["id", "url", "name"]


def contract_ref(**kwargs) -> BriefRelatedField:
    return BriefRelatedField(ContractBriefSerializer, queryset=Contract.objects.all(), **kwargs)


OPTIONAL = {"allow_null": True, "required": False}


# Full resources ------------------------------------------------------------------------------


class PartyInlineSerializer(serializers.ModelSerializer):
    provider = ProviderBriefSerializer(read_only=True, allow_null=True)
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
    url = serializers.HyperlinkedIdentityField(view_name="contracts-api:contract-detail")
    parent = contract_ref(**OPTIONAL)
    parties = PartyInlineSerializer(many=True, read_only=True)
    key_dates = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id",
            "url",
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
    url = serializers.HyperlinkedIdentityField(view_name="contracts-api:contractparty-detail")
    contract = contract_ref()
    provider = BriefRelatedField(ProviderBriefSerializer, queryset=Provider.objects.all(), **OPTIONAL)

    class Meta:
        model = ContractParty
        fields = ["id", "url", "contract", "provider", "role"]


class ContractDocumentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="contracts-api:contractdocument-detail")
    download_url = serializers.HyperlinkedIdentityField(view_name="contracts-api:contractdocument-download")
    contract = ContractBriefSerializer(read_only=True)
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ContractDocument
        fields = [
            "id",
            "url",
            "download_url",
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
    url = serializers.HyperlinkedIdentityField(view_name="contracts-api:contractnumber-detail")
    contract = contract_ref()
    number = BriefRelatedField(PhoneNumberBriefSerializer, queryset=PhoneNumber.objects.all())

    class Meta:
        model = ContractNumber
        fields = ["id", "url", "contract", "number", "valid_from", "valid_to"]


class ContractLineSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="contracts-api:contractline-detail")
    contract = contract_ref()
    line = BriefRelatedField(LineBriefSerializer, queryset=Line.objects.all())

    class Meta:
        model = ContractLine
        fields = ["id", "url", "contract", "line", "valid_from", "valid_to"]


class TariffSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="contracts-api:tariff-detail")
    contract = contract_ref()
    rate_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Tariff
        fields = [
            "id",
            "url",
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
    url = serializers.HyperlinkedIdentityField(view_name="contracts-api:rate-detail")
    tariff = BriefRelatedField(TariffBriefSerializer, queryset=Tariff.objects.all())

    class Meta:
        model = Rate
        fields = ["id", "url", "tariff", "prefix", "destination", "price_per_minute", "connection_fee"]


class RecurringChargeSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="contracts-api:recurringcharge-detail")
    contract = contract_ref()
    line = BriefRelatedField(LineBriefSerializer, queryset=Line.objects.all(), **OPTIONAL)
    pbx_account = BriefRelatedField(PbxAccountBriefSerializer, queryset=PbxAccount.objects.all(), **OPTIONAL)
    department = BriefRelatedField(DepartmentBriefSerializer, queryset=Department.objects.all(), **OPTIONAL)
    number = BriefRelatedField(PhoneNumberBriefSerializer, queryset=PhoneNumber.objects.all(), **OPTIONAL)

    class Meta:
        model = RecurringCharge
        fields = [
            "id",
            "url",
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
