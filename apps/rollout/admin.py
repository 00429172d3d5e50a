"""Admin panel for the rollout app: a fallback editor for the admin role. Status changes that have
rules (phase moves, migration advances, decisions) are better made on the pages, which call the services."""

from django.contrib import admin

from .models import (
    Candidate,
    Decision,
    MigrationItem,
    PhaseCheck,
    ProviderSelection,
    Requirement,
    RolloutPhase,
    RolloutProject,
    Score,
)


class RolloutPhaseInline(admin.TabularInline):
    model = RolloutPhase
    extra = 0
    fields = [
        "order",
        "city",
        "department",
        "status",
        "planned_on",
        "connected_on",
        "observing_since",
        "done_on",
    ]
    readonly_fields = ["status", "connected_on", "observing_since", "done_on"]


@admin.register(RolloutProject)
class RolloutProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "start_date", "target_date", "observation_days"]
    search_fields = ["name"]
    inlines = [RolloutPhaseInline]


@admin.register(RolloutPhase)
class RolloutPhaseAdmin(admin.ModelAdmin):
    list_display = ["project", "order", "city", "department", "status", "observing_since", "done_on"]
    list_filter = ["status", "project"]
    list_select_related = ["project", "city", "department"]
    readonly_fields = ["status", "connected_on", "observing_since", "done_on"]


@admin.register(PhaseCheck)
class PhaseCheckAdmin(admin.ModelAdmin):
    list_display = ["phase", "item", "done_on", "done_by"]
    list_select_related = ["phase__project", "phase__city", "phase__department", "done_by"]


@admin.register(MigrationItem)
class MigrationItemAdmin(admin.ModelAdmin):
    list_display = ["number", "method", "target_operator", "status", "cutover_on", "monthly_fee_before"]
    list_filter = ["status", "method", "target_operator"]
    list_select_related = ["number", "target_operator"]
    search_fields = ["number__number", "porting_request"]
    raw_id_fields = ["number", "new_number", "target_contract"]
    readonly_fields = ["status", "ordered_on"]


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 0


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0


@admin.register(ProviderSelection)
class ProviderSelectionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "city"]
    inlines = [RequirementInline, CandidateInline]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["candidate", "requirement", "value", "evidence"]
    list_select_related = ["candidate__provider", "candidate__selection", "requirement"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["selection", "chosen", "decided_on", "decided_by"]
    list_select_related = ["selection", "chosen__provider", "decided_by"]
