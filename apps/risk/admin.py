from django.contrib import admin

from .models import DocumentScan, ExtractedTerm, FindingDecision, RiskFinding, RiskPolicySetting
from .services import findings_regrade


class DecisionInline(admin.TabularInline):
    model = FindingDecision
    extra = 0
    can_delete = False
    readonly_fields = ["status", "comment", "decided_by", "created_at", "carried_from"]

    def has_add_permission(self, request, obj=None):
        return False  # decisions are recorded on the review page (finding_decide keeps the history)


@admin.register(RiskFinding)
class RiskFindingAdmin(admin.ModelAdmin):
    list_display = ["code", "severity", "status", "clause", "document"]
    list_filter = ["severity", "status", "code"]
    search_fields = ["quote", "document__contract__code"]
    list_select_related = ["document__contract"]
    inlines = [DecisionInline]

    def has_change_permission(self, request, obj=None):
        return False  # the scanner writes findings; the lawyer decides on the review page

    def has_add_permission(self, request):
        return False


@admin.register(DocumentScan)
class DocumentScanAdmin(admin.ModelAdmin):
    list_display = ["document", "status", "finding_count", "detector_version", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["document__contract"]
    readonly_fields = [f.name for f in DocumentScan._meta.fields]


@admin.register(RiskPolicySetting)
class RiskPolicySettingAdmin(admin.ModelAdmin):
    list_display = ["code", "values", "updated_by", "updated_at"]

    # A threshold changed here regrades the stored findings, as on the policy page.
    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        findings_regrade()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        findings_regrade()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        findings_regrade()


@admin.register(ExtractedTerm)
class ExtractedTermAdmin(admin.ModelAdmin):
    list_display = ["contract", "field", "value", "applied", "confirmed_by", "confirmed_at"]
    list_select_related = ["contract", "confirmed_by"]
    readonly_fields = ["contract", "finding", "field", "value", "applied", "confirmed_by", "confirmed_at"]
