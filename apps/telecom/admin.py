import contextlib
import re

from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.core.admin import PortalImportExportAdmin
from apps.core.phones import normalize_phone

from .models import CallRoute, Device, Extension, Line, NumberAssignment, PbxAccount, PhoneNumber, Provider
from .resources import (
    CallRouteResource,
    DeviceResource,
    ExtensionResource,
    LineResource,
    NumberAssignmentResource,
    PbxAccountResource,
    PhoneNumberResource,
    ProviderResource,
)

PHONE_LIKE = re.compile(r"\+?[\d\s()\-]{3,}")


class NumberSearchMixin:
    """Numbers are searched as people type them: "8 (843) 200-00-01" or a fragment like "200-00-01".

    A whole number is normalised to E.164; a fragment of digits and punctuation matches by its digits.
    """

    number_lookup = "number"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not PHONE_LIKE.fullmatch(term):
            return results, may_have_duplicates
        digits = re.sub(r"\D", "", term)
        extra = queryset.filter(**{f"{self.number_lookup}__contains": digits})
        with contextlib.suppress(ValidationError):
            extra = extra | queryset.filter(**{self.number_lookup: normalize_phone(term)})
        return results | extra, may_have_duplicates


@admin.register(Provider)
class ProviderAdmin(PortalImportExportAdmin):
    resource_classes = [ProviderResource]
    list_display = ("name", "kind", "legal_name", "inn", "contact_name")
    list_filter = ("kind",)
    search_fields = ("name", "legal_name", "inn", "contact_name", "contact_email")


@admin.register(PbxAccount)
class PbxAccountAdmin(PortalImportExportAdmin):
    resource_classes = [PbxAccountResource]
    list_display = ("account_id", "name", "provider")
    list_filter = ("provider",)
    list_select_related = ("provider",)
    search_fields = ("account_id", "name", "provider__name")
    autocomplete_fields = ("provider",)


@admin.register(PhoneNumber)
class PhoneNumberAdmin(NumberSearchMixin, PortalImportExportAdmin):
    resource_classes = [PhoneNumberResource]
    list_display = ("display", "kind", "city", "status", "carrier", "intermediary", "monthly_fee", "currency")
    list_filter = ("status", "kind", "city", "carrier", "intermediary")
    list_select_related = ("city", "carrier", "intermediary")
    search_fields = ("number", "notes", "city__name", "carrier__name", "intermediary__name")
    autocomplete_fields = ("city", "carrier", "intermediary", "pbx_account")


@admin.register(NumberAssignment)
class NumberAssignmentAdmin(NumberSearchMixin, PortalImportExportAdmin):
    resource_classes = [NumberAssignmentResource]
    number_lookup = "number__number"
    list_display = ("number", "department", "valid_from", "valid_to")
    list_filter = ("department__city", "valid_from")
    list_select_related = ("number", "department")
    search_fields = ("number__number", "department__code", "department__name", "note")
    autocomplete_fields = ("number", "department")


@admin.register(Line)
class LineAdmin(PortalImportExportAdmin):
    resource_classes = [LineResource]
    list_display = ("name", "kind", "provider", "city", "department", "trunk_id", "channels")
    list_filter = ("kind", "city", "provider")
    list_select_related = ("provider", "city", "department")
    search_fields = ("name", "trunk_id", "provider__name", "city__name", "department__code")
    autocomplete_fields = ("provider", "city", "department")


@admin.register(Extension)
class ExtensionAdmin(PortalImportExportAdmin):
    resource_classes = [ExtensionResource]
    list_display = ("extension", "department", "employee", "pbx_account", "valid_from", "valid_to")
    list_filter = ("department__city", "pbx_account__provider")
    list_select_related = ("department", "employee", "pbx_account__provider")
    search_fields = ("extension", "employee__name", "department__code", "department__name")
    autocomplete_fields = ("department", "employee", "pbx_account")


@admin.register(Device)
class DeviceAdmin(PortalImportExportAdmin):
    resource_classes = [DeviceResource]
    list_display = ("model", "kind", "serial", "mac", "department", "employee", "status")
    list_filter = ("kind", "status", "department__city")
    list_select_related = ("department", "employee")
    search_fields = ("model", "serial", "mac", "department__code", "employee__name")
    autocomplete_fields = ("department", "employee")


@admin.register(CallRoute)
class CallRouteAdmin(NumberSearchMixin, PortalImportExportAdmin):
    resource_classes = [CallRouteResource]
    number_lookup = "number__number"
    list_display = ("number", "kind", "strategy", "ring_seconds", "schedule")
    list_filter = ("kind", "strategy")
    list_select_related = ("number",)
    search_fields = ("number__number", "schedule")
    autocomplete_fields = ("number",)
    filter_horizontal = ("members",)
