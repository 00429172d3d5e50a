from __future__ import annotations

from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import PortalModelViewSet

from .. import analytics, services
from ..filtersets import (
    CandidateFilterSet,
    MigrationItemFilterSet,
    ProviderSelectionFilterSet,
    RequirementFilterSet,
    RolloutPhaseFilterSet,
    RolloutProjectFilterSet,
)
from ..forms import AnalyticsFilterForm
from ..models import Candidate, MigrationItem, ProviderSelection, Requirement, RolloutPhase, RolloutProject
from . import serializers as s


class ActionPermissionsMixin:
    """Domain actions need the permission of what they change, not `add_` (which POST implies)."""

    action_permissions: dict[str, list[str]] = {}

    def initial(self, request, *args, **kwargs):
        if self.action in self.action_permissions:
            self.required_permissions = self.action_permissions[self.action]
        super().initial(request, *args, **kwargs)


class RolloutProjectViewSet(ActionPermissionsMixin, PortalModelViewSet):
    queryset = RolloutProject.objects.annotate(phase_count=Count("phases")).order_by("-start_date", "name")
    serializer_class = s.RolloutProjectSerializer
    filterset_class = RolloutProjectFilterSet
    action_permissions = {"reorder": ["rollout.change_rolloutphase"]}

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    @extend_schema(request=s.ReorderSerializer, responses=s.RolloutPhaseSerializer(many=True))
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        """Put the phases in the order given (the marketer's rollout order)."""
        project = self.get_object()
        data = s.ReorderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        phases = services.phases_reorder(project=project, phase_ids=data.validated_data["phase_ids"])
        return Response(s.RolloutPhaseSerializer(phases, many=True).data)


class RolloutPhaseViewSet(ActionPermissionsMixin, PortalModelViewSet):
    queryset = RolloutPhase.objects.select_related("project", "city", "department")
    filterset_class = RolloutPhaseFilterSet
    action_permissions = {"move": ["rollout.change_rolloutphase"], "check": ["rollout.change_rolloutphase"]}

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.RolloutPhaseDetailSerializer
        return s.RolloutPhaseSerializer

    @extend_schema(request=s.PhaseMoveSerializer, responses=s.RolloutPhaseSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the phase to another column of the board."""
        data = s.PhaseMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        phase = services.phase_move(phase=self.get_object(), status=data.validated_data["status"])
        return Response(s.RolloutPhaseSerializer(phase).data)

    @extend_schema(request=s.PhaseCheckInputSerializer, responses=s.RolloutPhaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Tick or untick a checklist item that only a person can confirm."""
        phase = self.get_object()
        data = s.PhaseCheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.phase_check_set(phase=phase, by=request.user, **data.validated_data)
        return Response(s.RolloutPhaseDetailSerializer(phase).data)


class MigrationItemViewSet(ActionPermissionsMixin, PortalModelViewSet):
    queryset = MigrationItem.objects.with_related()
    serializer_class = s.MigrationItemSerializer
    filterset_class = MigrationItemFilterSet
    action_permissions = {"advance": ["rollout.change_migrationitem"], "sync": ["rollout.add_migrationitem"]}

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "list":
            # Loaded once for the page; filled lazily in list() below where the items are known.
            context["blocker_context"] = getattr(self, "_blocker_context", None)
        return context

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        items = list(page if page is not None else queryset)
        self._blocker_context = services.migration_blocker_context(items)
        serializer = self.get_serializer(items, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    @extend_schema(request=s.MigrationAdvanceSerializer, responses=s.MigrationItemSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Move the item to a status; the inventory follows (ported number made direct, old one released)."""
        data = s.MigrationAdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.migration_item_advance(item=self.get_object(), status=data.validated_data["status"])
        return Response(s.MigrationItemSerializer(item).data)

    @extend_schema(request=None, responses=s.MigrationItemSerializer(many=True))
    @action(detail=False, methods=["post"])
    def sync(self, request):
        """Create a planned item for every number held through an intermediary that has none."""
        created = services.migration_plan_sync()
        return Response(s.MigrationItemSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=dict)
    @action(detail=False, methods=["get"])
    def progress(self, request):
        """Numbers and monthly cost moved off intermediaries; the 'learnt the hard way' flags."""
        p = services.migration_plan_progress()
        p["intermediaries"] = [
            {
                "intermediary": row["intermediary"].pk,
                "name": row["intermediary"].name,
                "numbers": row["numbers"],
                "monthly": str(row["monthly"]),
                "beyond_year": row["beyond_year"],
                "hard_way": row["hard_way"],
                "reasons": row["reasons"],
            }
            for row in p["intermediaries"]
        ]
        for key in ("monthly_total", "monthly_moved", "monthly_held"):
            p[key] = str(p[key])
        return Response(p)


class ProviderSelectionViewSet(ActionPermissionsMixin, PortalModelViewSet):
    queryset = ProviderSelection.objects.select_related(
        "city", "decision__chosen", "decision__decided_by"
    ).order_by("title")
    serializer_class = s.ProviderSelectionSerializer
    filterset_class = ProviderSelectionFilterSet
    action_permissions = {"decide": ["rollout.add_decision", "rollout.change_decision"]}

    @extend_schema(request=s.DecideSerializer, responses=s.ProviderSelectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Record which candidate was chosen and why (a candidate failing a must-have is refused)."""
        selection = self.get_object()
        data = s.DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.selection_decide(
            selection=selection,
            candidate=data.validated_data["candidate"],
            rationale=data.validated_data["rationale"],
            by=request.user,
        )
        return Response(s.ProviderSelectionSerializer(self.get_queryset().get(pk=selection.pk)).data)


class RequirementViewSet(PortalModelViewSet):
    queryset = Requirement.objects.select_related("selection")
    serializer_class = s.RequirementSerializer
    filterset_class = RequirementFilterSet


class CandidateViewSet(ActionPermissionsMixin, PortalModelViewSet):
    queryset = Candidate.objects.select_related("selection", "provider").prefetch_related("scores")
    serializer_class = s.CandidateSerializer
    filterset_class = CandidateFilterSet
    action_permissions = {"score": ["rollout.add_score", "rollout.change_score"]}

    @extend_schema(request=s.ScoreInputSerializer, responses=s.CandidateSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        """Score the candidate against one requirement, with notes and evidence."""
        candidate = self.get_object()
        data = s.ScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.candidate_score_set(candidate=candidate, **data.validated_data)
        return Response(s.CandidateSerializer(self.get_queryset().get(pk=candidate.pk)).data)


class CallAnalyticsView(APIView):
    """Call figures for a salon (`department`), a city or the whole company over local days
    `from`..`to` (YYYY-MM-DD, default the last 30 days): in/out, answered, missed, answer rate, time to
    answer, weekday × hour heatmap in the city's time zone, repeat callers, missed calls not called back
    within `callback_hours`, and the trend against the previous period of the same length."""

    required_permissions = ["calls.view_callrecord"]

    @extend_schema(
        parameters=[
            OpenApiParameter("department", int, description="Salon id"),
            OpenApiParameter("city", int, description="City id"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="First local day"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last local day (inclusive)"),
            OpenApiParameter("callback_hours", int, description="Call-back window, hours (default 2)"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        form = AnalyticsFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        return Response(analytics.call_analytics(**form.analytics_kwargs()))
