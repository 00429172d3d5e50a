"""REST endpoints of the risk register: findings (read-only) and the lawyer's decision action."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.contracts.models import ContractParty
from apps.core.api import PortalReadOnlyViewSet

from ..filtersets import RiskFindingFilterSet
from ..models import FindingDecision, RiskFinding, severity_rank
from ..services import finding_decide
from . import serializers as s


class RiskFindingViewSet(PortalReadOnlyViewSet):
    """Risk findings of contract texts, worst first. By default only the latest version of each
    contract's text (`current=false` for all versions, or `document=<id>` for one)."""

    queryset = (
        RiskFinding.objects.select_related("document__contract")
        .prefetch_related(
            Prefetch(
                "document__contract__parties", queryset=ContractParty.objects.select_related("provider")
            ),
            Prefetch("decisions", queryset=FindingDecision.objects.select_related("decided_by")),
        )
        .alias(rank=severity_rank())
        .order_by("-rank", "document__contract__code", "start", "pk")
    )
    filterset_class = RiskFindingFilterSet
    ordering_fields = ["severity", "code", "clause", "created_at"]

    @property
    def required_permissions(self):
        if getattr(self, "action", None) == "decide":
            return ["risk.view_riskfinding", "risk.change_riskfinding", "risk.add_findingdecision"]
        return None

    def filter_queryset(self, queryset):
        # Filters shape lists; a finding named by id is found in any version.
        return queryset if self.detail else super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.RiskFindingDetailSerializer
        if self.action == "decide":
            return s.FindingDecideSerializer
        return s.RiskFindingSerializer

    @extend_schema(request=s.FindingDecideSerializer, responses={201: s.RiskFindingDetailSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Record the lawyer's decision (status + comment); the history keeps every decision."""
        finding = self.get_object()
        form = s.FindingDecideSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        finding_decide(finding=finding, user=request.user, **form.validated_data)
        finding = self.get_queryset().get(pk=finding.pk)
        data = s.RiskFindingDetailSerializer(finding, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)
