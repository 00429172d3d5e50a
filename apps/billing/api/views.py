from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.billing import services
from apps.billing.filtersets import BudgetFilterSet, RatedCallFilterSet
from apps.billing.models import Budget, CostReport, RatedCall
from apps.core.api import PortalModelViewSet, PortalReadOnlyViewSet
from apps.core.permissions import RolePermission

from .serializers import BudgetSerializer, CostReportQuerySerializer, RatedCallSerializer


class RatedCallViewSet(PortalReadOnlyViewSet):
    """What each call cost, as last rated; filter by month, department, status, call type, contract."""

    queryset = RatedCall.objects.select_related("call", "department", "contract", "tariff")
    serializer_class = RatedCallSerializer
    filterset_class = RatedCallFilterSet
    ordering_fields = ["started_at", "cost", "billed_seconds"]


class BudgetViewSet(PortalModelViewSet):
    """Monthly telephony budgets per department (net of VAT)."""

    queryset = Budget.objects.select_related("department")
    serializer_class = BudgetSerializer
    filterset_class = BudgetFilterSet
    ordering_fields = ["period", "amount"]


class CostReportView(APIView):
    """The monthly cost report per department (money as decimal strings), built on first request."""

    permission_classes = [RolePermission]
    queryset = CostReport.objects.all()  # RolePermission reads the model permission from it

    @extend_schema(
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, required=True, description="YYYY-MM"),
            OpenApiParameter("rebuild", OpenApiTypes.BOOL, description="rebuild from stored ratings first"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        query = CostReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = query.validated_data["month"]
        if query.validated_data["rebuild"] and not request.user.has_perm("billing.add_costreport"):
            raise PermissionDenied("Only accounting may rebuild a report.")
        report = CostReport.objects.filter(period=month.first_day).first()
        if report is None or query.validated_data["rebuild"]:
            report = services.cost_report_build(month=month)
        return Response(services.cost_report_data(report))
