"""Shapes of the risk findings API (explicit fields; references read as brief objects)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import FindingDecision, RiskFinding


class FindingDecisionSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.get_username", read_only=True)
    decided_at = serializers.DateTimeField(source="created_at", read_only=True)
    carried_over = serializers.SerializerMethodField()

    class Meta:
        model = FindingDecision
        fields = ["id", "status", "comment", "decided_by", "decided_at", "carried_over"]

    def get_carried_over(self, obj) -> bool:
        return obj.carried_from_id is not None


class BriefContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()


class RiskFindingSerializer(serializers.ModelSerializer):
    contract = BriefContractSerializer(source="document.contract", read_only=True)
    document_version = serializers.IntegerField(source="document.version", read_only=True)
    providers = serializers.SerializerMethodField()
    confidence = serializers.FloatField(read_only=True)

    class Meta:
        model = RiskFinding
        fields = [
            "id",
            "contract",
            "document",
            "document_version",
            "providers",
            "code",
            "severity",
            "confidence",
            "direction",
            "clause",
            "start",
            "end",
            "quote",
            "parameters",
            "legal_basis",
            "suggestion",
            "status",
        ]
        read_only_fields = fields

    def get_providers(self, obj) -> list[str]:
        return sorted({p.provider.name for p in obj.document.contract.parties.all() if p.provider_id})


class RiskFindingDetailSerializer(RiskFindingSerializer):
    """One finding with its decision history (for roles that may read decisions)."""

    decisions = serializers.SerializerMethodField()

    class Meta(RiskFindingSerializer.Meta):
        fields = [*RiskFindingSerializer.Meta.fields, "decisions"]
        read_only_fields = fields

    def get_decisions(self, obj) -> list[dict]:
        request = self.context.get("request")
        if request is None or not request.user.has_perm("risk.view_findingdecision"):
            return []
        return FindingDecisionSerializer(obj.decisions.all(), many=True).data


class FindingDecideSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RiskFinding.Status.choices)
    comment = serializers.CharField(max_length=4000)
