from django.contrib import admin

from .models import (
    Budget,
    ChargeAllocation,
    CostReport,
    CostReportLine,
    Dispute,
    Invoice,
    InvoiceAlert,
    InvoiceLine,
    InvoiceTerms,
    PriceChange,
    RatedCall,
    RatingRun,
)


@admin.register(RatingRun)
class RatingRunAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "period",
        "contract",
        "status",
        "calls",
        "created",
        "changed",
        "unrated",
        "finished_at",
    ]
    list_filter = ["status", "period"]
    readonly_fields = [f.name for f in RatingRun._meta.fields]


@admin.register(RatedCall)
class RatedCallAdmin(admin.ModelAdmin):
    list_display = [
        "call",
        "started_at",
        "department",
        "status",
        "call_type",
        "prefix",
        "billed_seconds",
        "cost",
    ]
    list_filter = ["period", "status", "call_type"]
    list_select_related = ["call", "department"]
    raw_id_fields = ["call"]
    readonly_fields = [f.name for f in RatedCall._meta.fields]


@admin.register(ChargeAllocation)
class ChargeAllocationAdmin(admin.ModelAdmin):
    list_display = ["period", "department", "kind", "description", "days", "amount", "vat_rate"]
    list_filter = ["period", "kind"]
    list_select_related = ["department"]


class CostReportLineInline(admin.TabularInline):
    model = CostReportLine
    extra = 0
    can_delete = False


@admin.register(CostReport)
class CostReportAdmin(admin.ModelAdmin):
    list_display = ["period", "currency", "rated_at", "rerated", "built_at", "emailed_at"]
    inlines = [CostReportLineInline]


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["department", "period", "amount", "currency", "note"]
    list_filter = ["period", "department__city"]
    list_select_related = ["department"]


# --- Invoices (issue 7) -------------------------------------------------------------------------


@admin.register(InvoiceTerms)
class InvoiceTermsAdmin(admin.ModelAdmin):
    list_display = ["contract", "window_day_kind", "tolerance_amount", "tolerance_percent", "match_seconds"]
    list_select_related = ["contract"]
    autocomplete_fields = ["contract"]


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = [
        "row",
        "kind",
        "service",
        "number",
        "destination",
        "started_at",
        "callee",
        "duration",
        "quantity",
        "amount",
    ]


class DisputeInline(admin.StackedInline):
    model = Dispute
    extra = 0
    fields = ["reason", "amount", "status", "sent_on", "credit_received", "resolved_on", "letter"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "provider",
        "contract",
        "period",
        "received_date",
        "dispute_by",
        "due_date",
        "gross",
        "status",
        "price_change_suspected",
    ]
    list_filter = ["status", "price_change_suspected", "period"]
    list_select_related = ["provider", "contract"]
    search_fields = ["number", "provider__name", "contract__code"]
    readonly_fields = ["dispute_by", "checked_at"]
    inlines = [InvoiceLineInline, DisputeInline]


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ["invoice", "amount", "status", "sent_on", "credit_received", "resolved_on"]
    list_filter = ["status"]
    list_select_related = ["invoice"]
    raw_id_fields = ["invoice"]


@admin.register(PriceChange)
class PriceChangeAdmin(admin.ModelAdmin):
    list_display = ["contract", "invoice", "prefix", "destination", "tariff_price", "charged_price", "status"]
    list_filter = ["status"]
    list_select_related = ["contract", "invoice"]
    readonly_fields = [
        "invoice",
        "contract",
        "prefix",
        "destination",
        "tariff_price",
        "charged_price",
        "minutes",
    ]


@admin.register(InvoiceAlert)
class InvoiceAlertAdmin(admin.ModelAdmin):
    list_display = ["invoice", "days_before", "dispute_by", "sent_at"]
    readonly_fields = ["invoice", "days_before", "dispute_by", "sent_at", "recipients"]
