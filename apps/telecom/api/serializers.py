"""API shapes of the telecom inventory. References are written as ids and read as brief objects."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from apps.company.api.serializers import (
    CityBriefSerializer,
    DepartmentBriefSerializer,
    EmployeeBriefSerializer,
)
from apps.company.models import City, Department, Employee
from apps.core.api import BriefRelatedField, CleanModelSerializer
from apps.core.phones import normalize_phone

from ..models import CallRoute, Device, Extension, Line, NumberAssignment, PbxAccount, PhoneNumber, Provider


class PhoneNumberField(serializers.CharField):
    """Accepts any usual national or international form (`8 (843) 200-00-00`) and keeps E.164."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return normalize_phone(text)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class MacAddressField(serializers.CharField):
    """Accepts `00-1a-2b-3c-4d-5e` as well and keeps the upper-case colon form."""

    def to_internal_value(self, data):
        return super().to_internal_value(data).upper().replace("-", ":")


# Brief read representations -------------------------------------------------------------------


class ProviderBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:provider-detail")

    class Meta:
        model = Provider
        fields = ["id", "url", "name", "kind"]


class PbxAccountBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:pbxaccount-detail")

    class Meta:
        model = PbxAccount
        fields = ["id", "url", "account_id", "name"]


class PhoneNumberBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:phonenumber-detail")
    display = serializers.CharField(read_only=True)

    class Meta:
        model = PhoneNumber
        fields = ["id", "url", "number", "display"]


class ExtensionBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:extension-detail")

    class Meta:
        model = Extension
        fields = ["id", "url", "extension"]


# Full resources ------------------------------------------------------------------------------


class ProviderSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:provider-detail")

    class Meta:
        model = Provider
        fields = [
            "id",
            "url",
            "name",
            "kind",
            "legal_name",
            "inn",
            "contact_name",
            "contact_email",
            "contact_phone",
            "website",
            "notes",
            "created_at",
            "updated_at",
        ]


class PbxAccountSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:pbxaccount-detail")
    provider = BriefRelatedField(ProviderBriefSerializer, queryset=Provider.objects.all())

    class Meta:
        model = PbxAccount
        fields = [
            "id",
            "url",
            "provider",
            "account_id",
            "name",
            "portal_url",
            "notes",
            "created_at",
            "updated_at",
        ]


class PhoneNumberSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:phonenumber-detail")
    number = PhoneNumberField(
        help_text="Write any usual form (8 (843) 200-00-00); read back in E.164 (+78432000000).",
        validators=[UniqueValidator(PhoneNumber.objects.all(), message="We already hold this number.")],
    )
    display = serializers.CharField(read_only=True, help_text="For people: +7 843 200-00-00.")
    city = BriefRelatedField(CityBriefSerializer, queryset=City.objects.all())
    carrier = BriefRelatedField(ProviderBriefSerializer, queryset=Provider.objects.all())
    intermediary = BriefRelatedField(
        ProviderBriefSerializer, queryset=Provider.objects.all(), allow_null=True, required=False
    )
    pbx_account = BriefRelatedField(
        PbxAccountBriefSerializer, queryset=PbxAccount.objects.all(), allow_null=True, required=False
    )
    at_risk = serializers.BooleanField(
        source="is_at_risk", read_only=True, help_text="Held through an intermediary and not released."
    )
    current_department = serializers.SerializerMethodField(
        help_text="The department it is assigned to today."
    )

    class Meta:
        model = PhoneNumber
        fields = [
            "id",
            "url",
            "number",
            "display",
            "kind",
            "city",
            "status",
            "reserved_on",
            "activated_on",
            "released_on",
            "carrier",
            "intermediary",
            "at_risk",
            "pbx_account",
            "current_department",
            "monthly_fee",
            "currency",
            "notes",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(DepartmentBriefSerializer(allow_null=True))
    def get_current_department(self, obj: PhoneNumber):
        current = getattr(obj, "current_assignments", None)
        if current is None:  # not prefetched (a freshly written number)
            current = list(obj.assignments.effective_on(timezone.localdate()).select_related("department"))
        if not current:
            return None
        return DepartmentBriefSerializer(current[0].department, context=self.context).data


class NumberAssignmentSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:numberassignment-detail")
    number = BriefRelatedField(PhoneNumberBriefSerializer, queryset=PhoneNumber.objects.all())
    department = BriefRelatedField(DepartmentBriefSerializer, queryset=Department.objects.all())

    class Meta:
        model = NumberAssignment
        fields = [
            "id",
            "url",
            "number",
            "department",
            "valid_from",
            "valid_to",
            "note",
            "created_at",
            "updated_at",
        ]
        # The model's clean() reports any clash of periods (a same-day start included) on `valid_from`,
        # naming the other period; DRF's generic "must make a unique set" would say less.
        validators: list = []


class LineSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:line-detail")
    provider = BriefRelatedField(ProviderBriefSerializer, queryset=Provider.objects.all())
    city = BriefRelatedField(CityBriefSerializer, queryset=City.objects.all())
    department = BriefRelatedField(
        DepartmentBriefSerializer, queryset=Department.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Line
        fields = [
            "id",
            "url",
            "name",
            "kind",
            "provider",
            "city",
            "department",
            "trunk_id",
            "channels",
            "notes",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"channels": {"min_value": 1}}


class ExtensionSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:extension-detail")
    pbx_account = BriefRelatedField(
        PbxAccountBriefSerializer, queryset=PbxAccount.objects.all(), allow_null=True, required=False
    )
    department = BriefRelatedField(DepartmentBriefSerializer, queryset=Department.objects.all())
    employee = BriefRelatedField(
        EmployeeBriefSerializer, queryset=Employee.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Extension
        fields = [
            "id",
            "url",
            "extension",
            "pbx_account",
            "department",
            "employee",
            "valid_from",
            "valid_to",
            "created_at",
            "updated_at",
        ]


class DeviceSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:device-detail")
    mac = MacAddressField(
        max_length=17,
        required=False,
        allow_blank=True,
        validators=[
            *Device._meta.get_field("mac").validators,
            UniqueValidator(Device.objects.exclude(mac=""), message="Another device has this MAC address."),
        ],
        help_text="00:1A:2B:3C:4D:5E (dashes and lower case are accepted).",
    )
    department = BriefRelatedField(DepartmentBriefSerializer, queryset=Department.objects.all())
    employee = BriefRelatedField(
        EmployeeBriefSerializer, queryset=Employee.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Device
        fields = [
            "id",
            "url",
            "kind",
            "model",
            "serial",
            "mac",
            "department",
            "employee",
            "purchase_date",
            "purchase_cost",
            "currency",
            "status",
            "created_at",
            "updated_at",
        ]


class CallRouteSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="telecom-api:callroute-detail")
    number = BriefRelatedField(
        PhoneNumberBriefSerializer,
        queryset=PhoneNumber.objects.all(),
        validators=[UniqueValidator(CallRoute.objects.all(), message="This number already has a route.")],
    )
    members = BriefRelatedField(
        ExtensionBriefSerializer, queryset=Extension.objects.all(), many=True, required=False
    )

    class Meta:
        model = CallRoute
        fields = [
            "id",
            "url",
            "number",
            "kind",
            "strategy",
            "members",
            "ring_seconds",
            "schedule",
            "after_hours",
            "created_at",
            "updated_at",
        ]
