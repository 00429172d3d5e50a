"""REST endpoints of the telecom inventory under /api/v1/."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from apps.core.api import PortalModelViewSet

from .. import filtersets
from ..models import CallRoute, Device, Extension, Line, NumberAssignment, PbxAccount, PhoneNumber, Provider
from . import serializers


class ProviderViewSet(PortalModelViewSet):
    queryset = Provider.objects.all()
    serializer_class = serializers.ProviderSerializer
    filterset_class = filtersets.ProviderFilterSet
    search_fields = ["name", "legal_name", "inn", "contact_name", "contact_email"]
    ordering_fields = ["name", "kind", "created_at"]


class PbxAccountViewSet(PortalModelViewSet):
    queryset = PbxAccount.objects.select_related("provider")
    serializer_class = serializers.PbxAccountSerializer
    filterset_class = filtersets.PbxAccountFilterSet
    search_fields = ["account_id", "name", "provider__name"]
    ordering_fields = ["account_id", "name", "provider__name", "created_at"]


class PhoneNumberViewSet(PortalModelViewSet):
    """Numbers we hold. Write any usual form; lists filter by city, carrier, intermediary, `at_risk`…"""

    queryset = PhoneNumber.objects.all()
    serializer_class = serializers.PhoneNumberSerializer
    filterset_class = filtersets.PhoneNumberFilterSet
    search_fields = ["number", "notes", "city__name", "carrier__name", "intermediary__name"]
    ordering_fields = ["number", "status", "kind", "city__name", "carrier__name", "monthly_fee", "created_at"]

    def get_queryset(self):
        # "Today" is taken per request, so the current department never goes stale.
        current = NumberAssignment.objects.effective_on(timezone.localdate()).select_related("department")
        return (
            super()
            .get_queryset()
            .select_related("city", "carrier", "intermediary", "pbx_account")
            .prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_assignments"))
        )


class NumberAssignmentViewSet(PortalModelViewSet):
    """Who uses a number when: half-open periods that never overlap for one number."""

    queryset = NumberAssignment.objects.select_related("number", "department")
    serializer_class = serializers.NumberAssignmentSerializer
    filterset_class = filtersets.NumberAssignmentFilterSet
    search_fields = ["number__number", "department__code", "department__name", "note"]
    ordering_fields = ["valid_from", "valid_to", "number__number", "department__code", "created_at"]


class LineViewSet(PortalModelViewSet):
    queryset = Line.objects.select_related("provider", "city", "department")
    serializer_class = serializers.LineSerializer
    filterset_class = filtersets.LineFilterSet
    search_fields = ["name", "trunk_id", "provider__name", "city__name", "notes"]
    ordering_fields = ["name", "kind", "channels", "city__name", "provider__name", "created_at"]


class ExtensionViewSet(PortalModelViewSet):
    queryset = Extension.objects.select_related("pbx_account", "department", "employee")
    serializer_class = serializers.ExtensionSerializer
    filterset_class = filtersets.ExtensionFilterSet
    search_fields = ["extension", "employee__name", "department__code", "department__name"]
    ordering_fields = ["extension", "valid_from", "valid_to", "department__code", "created_at"]


class DeviceViewSet(PortalModelViewSet):
    queryset = Device.objects.select_related("department", "employee")
    serializer_class = serializers.DeviceSerializer
    filterset_class = filtersets.DeviceFilterSet
    search_fields = ["model", "serial", "mac", "department__code", "employee__name"]
    ordering_fields = ["kind", "model", "status", "purchase_date", "department__code", "created_at"]


class CallRouteViewSet(PortalModelViewSet):
    """How calls to a number are answered; the marketer's to change."""

    queryset = CallRoute.objects.select_related("number").prefetch_related("members")
    serializer_class = serializers.CallRouteSerializer
    filterset_class = filtersets.CallRouteFilterSet
    search_fields = ["number__number", "schedule", "after_hours"]
    ordering_fields = ["number__number", "kind", "ring_seconds", "created_at"]
