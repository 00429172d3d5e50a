from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from apps.core.admin import SafeFormatsMixin

from . import resources
from .models import (
    Contract,
    ContractDocument,
    ContractLine,
    ContractNumber,
    ContractParty,
    NoticeDigest,
    Rate,
    RecurringCharge,
    Tariff,
)


class ContractPartyInline(admin.TabularInline):
    model = ContractParty
    extra = 0


@admin.register(Contract)
class ContractAdmin(SafeFormatsMixin, ImportExportModelAdmin):
    resource_classes = [resources.ContractResource]
    list_display = ["code", "title", "kind", "status", "start_date", "end_date", "renewal", "notice_days"]
    list_filter = ["kind", "status", "renewal", "currency"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["parent"]
    inlines = [ContractPartyInline]


@admin.register(ContractParty)
class ContractPartyAdmin(SafeFormatsMixin, ImportExportModelAdmin):
    list_display = ["contract", "provider", "role"]
    list_filter = ["role"]
    list_select_related = ["contract", "provider"]
    autocomplete_fields = ["contract"]


@admin.register(ContractNumber)
class ContractNumberAdmin(SafeFormatsMixin, ImportExportModelAdmin):
    resource_classes = [resources.ContractNumberResource]
    list_display = ["contract", "number", "valid_from", "valid_to"]
    list_select_related = ["contract", "number"]
    autocomplete_fields = ["contract"]
    raw_id_fields = ["number"]
    search_fields = ["contract__code", "number__number"]


@admin.register(ContractLine)
class ContractLineAdmin(SafeFormatsMixin, ImportExportModelAdmin):
    resource_classes = [resources.ContractLineResource]
    list_display = ["contract", "line", "valid_from", "valid_to"]
    list_select_related = ["contract", "line"]
    autocomplete_fields = ["contract"]


@admin.register(ContractDocument)
class ContractDocumentAdmin(SafeFormatsMixin, ImportExportModelAdmin):
    """Read-only here: versions are added through the contract page or the API (checked, extracted)."""

    list_display = ["contract", "version", "original_name", "kind", "size", "created_at"]
    list_select_related = ["contract"]
    exclude = ["text"]
    readonly_fields = [
        "contract",
        "version",
        "file",
        "original_name",
        "kind",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Tariff)
class TariffAdmin(SafeFormatsMixin, ImportExportModelAdmin):
    resource_classes = [resources.TariffResource]
    list_display = ["code", "name", "contract", "valid_from", "valid_to", "increment", "currency"]
    list_select_related = ["contract"]
    search_fields = ["code", "name", "contract__code"]
    autocomplete_fields = ["contract"]


@admin.register(Rate)
class RateAdmin(SafeFormatsMixin, ImportExportModelAdmin):
    resource_classes = [resources.RateResource]
    list_display = ["tariff", "prefix", "destination", "price_per_minute", "connection_fee"]
    list_select_related = ["tariff"]
    search_fields = ["prefix", "destination", "tariff__code"]
    autocomplete_fields = ["tariff"]


@admin.register(RecurringCharge)
class RecurringChargeAdmin(SafeFormatsMixin, ImportExportModelAdmin):
    resource_classes = [resources.RecurringChargeResource]
    list_display = ["name", "contract", "kind", "amount", "currency", "period", "valid_from", "valid_to"]
    list_filter = ["kind", "period"]
    list_select_related = ["contract"]
    autocomplete_fields = ["contract"]
    raw_id_fields = ["number"]


@admin.register(NoticeDigest)
class NoticeDigestAdmin(admin.ModelAdmin):
    list_display = ["day", "contract_count", "recipients"]
