from __future__ import annotations

from rest_framework import serializers

from apps.core.api import CleanModelSerializer

from .. import services
from ..models import (
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


class RolloutProjectSerializer(CleanModelSerializer):
    phase_count = serializers.SerializerMethodField()
    owner = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = RolloutProject
        fields = [
            "id",
            "name",
            "goal",
            "owner",
            "start_date",
            "target_date",
            "observation_days",
            "calls_window_days",
            "phase_count",
        ]

    def get_phase_count(self, obj) -> int:
        # Lists annotate it; a project just created through the API has no annotation (found by the fuzzer).
        annotated = getattr(obj, "phase_count", None)
        return annotated if annotated is not None else obj.phases.count()


class ChecklistItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    done = serializers.BooleanField(allow_null=True)
    derived = serializers.BooleanField()
    evidence = serializers.CharField()


class RolloutPhaseSerializer(CleanModelSerializer):
    scope = serializers.CharField(source="scope_label", read_only=True)
    observation_ends_on = serializers.DateField(read_only=True)

    class Meta:
        model = RolloutPhase
        fields = [
            "id",
            "project",
            "city",
            "department",
            "scope",
            "order",
            "status",
            "planned_on",
            "connected_on",
            "observing_since",
            "observation_ends_on",
            "done_on",
            "notes",
        ]
        # Status and its dates change only through the `move` action, which keeps them consistent.
        read_only_fields = ["status", "connected_on", "observing_since", "done_on"]


class RolloutPhaseDetailSerializer(RolloutPhaseSerializer):
    checklist = serializers.SerializerMethodField()

    class Meta(RolloutPhaseSerializer.Meta):
        fields = [*RolloutPhaseSerializer.Meta.fields, "checklist"]

    def get_checklist(self, phase) -> list[dict]:
        items = services.phase_checklist(phase)
        return ChecklistItemSerializer(items, many=True).data


class PhaseMoveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RolloutPhase.Status.choices)


class PhaseCheckInputSerializer(serializers.Serializer):
    item = serializers.ChoiceField(choices=PhaseCheck.Item.choices)
    done = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class ReorderSerializer(serializers.Serializer):
    phase_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class BlockerSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    severity = serializers.CharField()


class MigrationItemSerializer(CleanModelSerializer):
    intermediary = serializers.PrimaryKeyRelatedField(source="number.intermediary", read_only=True)
    city = serializers.PrimaryKeyRelatedField(source="number.city", read_only=True)
    blockers = serializers.SerializerMethodField()
    break_even_months = serializers.SerializerMethodField()
    monthly_saving = serializers.SerializerMethodField()

    class Meta:
        model = MigrationItem
        fields = [
            "id",
            "number",
            "intermediary",
            "city",
            "method",
            "target_operator",
            "target_contract",
            "new_number",
            "porting_request",
            "ordered_on",
            "cutover_on",
            "status",
            "one_off_cost",
            "monthly_fee_before",
            "target_monthly_fee",
            "currency",
            "notes",
            "blockers",
            "break_even_months",
            "monthly_saving",
        ]
        # The status moves only through the `advance` action, which keeps the inventory in step.
        read_only_fields = ["status", "ordered_on"]

    def get_blockers(self, item) -> list[dict]:
        ctx = self.context.get("blocker_context")
        return BlockerSerializer(services.migration_blockers(item, ctx), many=True).data

    def get_break_even_months(self, item) -> str | None:
        months = services.migration_break_even(item)["months"]
        return None if months is None else str(months)

    def get_monthly_saving(self, item) -> str | None:
        saving = services.migration_break_even(item)["saving"]
        return None if saving is None else str(saving)


class MigrationAdvanceSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MigrationItem.Status.choices)


class ProviderSelectionSerializer(CleanModelSerializer):
    decision = serializers.SerializerMethodField()

    class Meta:
        model = ProviderSelection
        fields = ["id", "title", "kind", "city", "description", "decision"]

    def get_decision(self, selection) -> dict | None:
        decision: Decision | None = getattr(selection, "decision", None)
        if decision is None:
            return None
        return {
            "chosen": decision.chosen_id,
            "provider": decision.chosen.provider_id,
            "rationale": decision.rationale,
            "decided_on": decision.decided_on.isoformat(),
            "decided_by": decision.decided_by_id,
        }


class DecideSerializer(serializers.Serializer):
    candidate = serializers.PrimaryKeyRelatedField(queryset=Candidate.objects.all())
    rationale = serializers.CharField()


class RequirementSerializer(CleanModelSerializer):
    class Meta:
        model = Requirement
        fields = ["id", "selection", "text", "priority", "weight", "order"]


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = ["requirement", "value", "notes", "evidence"]


class CandidateSerializer(CleanModelSerializer):
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Candidate
        fields = ["id", "selection", "provider", "offer", "offer_url", "draft_contract", "scores"]


class ScoreInputSerializer(serializers.Serializer):
    requirement = serializers.PrimaryKeyRelatedField(queryset=Requirement.objects.all())
    value = serializers.ChoiceField(choices=Score.Value.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class WhatIfFiguresSerializer(serializers.Serializer):
    """Documents the what-if JSON (money as decimal strings)."""

    key = serializers.CharField()
    label = serializers.CharField()
    calls = serializers.IntegerField()
    actual = serializers.DecimalField(max_digits=14, decimal_places=2)
    whatif = serializers.DecimalField(max_digits=14, decimal_places=2)
    difference = serializers.DecimalField(max_digits=14, decimal_places=2)
    unpriced_calls = serializers.IntegerField()


class CandidateWhatIfSerializer(serializers.Serializer):
    candidate = serializers.IntegerField()
    tariff = serializers.CharField(allow_null=True)
    currency = serializers.CharField(allow_null=True)
    missing = serializers.CharField(allow_null=True)
    months = WhatIfFiguresSerializer(many=True)
    total = WhatIfFiguresSerializer(allow_null=True)
    by_department = WhatIfFiguresSerializer(many=True)
    top_destinations = WhatIfFiguresSerializer(many=True)
