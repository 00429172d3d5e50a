from django.contrib import admin

from .models import Budget, ChargeAllocation, CostReport, CostReportLine, RatedCall, RatingRun


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
