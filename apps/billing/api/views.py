from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.billing import services
from apps.billing.filtersets import BudgetFilterSet, InvoiceFilterSet, RatedCallFilterSet
from apps.billing.invoices import services as invoice_services
from apps.billing.invoices.reconciliation import reconcile
from apps.billing.models import Budget, CostReport, Dispute, Invoice, InvoiceLine, RatedCall
from apps.core.api import PortalModelViewSet, PortalReadOnlyViewSet
from apps.core.permissions import RolePermission

from .serializers import (
    BudgetSerializer,
    CostReportQuerySerializer,
    DisputeResolveSerializer,
    DisputeSendSerializer,
    DisputeSerializer,
    InvoiceLineSerializer,
    InvoicePaySerializer,
    InvoiceSerializer,
    RatedCallSerializer,
)


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


# --- Invoices (issue 7) -------------------------------------------------------------------------


class InvoiceViewSet(PortalModelViewSet):
    """Operator invoices with their dispute clock and penalty; `reconciliation` (three columns),
    `check` (reconcile and flag price changes), `pay`."""

    queryset = Invoice.objects.none()
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilterSet
    ordering_fields = ["received_date", "dispute_by", "due_date", "gross"]
    required_permissions = None

    def get_queryset(self):
        return invoice_services.invoices_for_lists()

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def reconciliation(self, request, pk=None):
        return Response(reconcile(self.get_object()).as_dict())

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"], required_permissions=["billing.change_invoice"])
    def check(self, request, pk=None):
        return Response(invoice_services.invoice_check(invoice=self.get_object()).as_dict())

    @extend_schema(request=InvoicePaySerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"], required_permissions=["billing.change_invoice"])
    def pay(self, request, pk=None):
        data = InvoicePaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = invoice_services.invoice_pay(
            invoice=self.get_object(), paid_on=data.validated_data.get("paid_on")
        )
        return Response(InvoiceSerializer(invoice, context=self.get_serializer_context()).data)


class InvoiceLineViewSet(PortalModelViewSet):
    """Lines of operator invoices (filter `?invoice=<id>`, `?kind=call`)."""

    queryset = InvoiceLine.objects.select_related("invoice")
    serializer_class = InvoiceLineSerializer
    filterset_fields = ["invoice", "kind"]
    ordering_fields = ["row", "amount", "started_at"]


class DisputeViewSet(PortalModelViewSet):
    """Disputes of invoices: create a draft (letter generated), `send` it (stops the clock), `resolve` it."""

    queryset = Dispute.objects.select_related("invoice")
    serializer_class = DisputeSerializer
    filterset_fields = ["invoice", "status"]
    ordering_fields = ["created_at", "amount"]
    required_permissions = None

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = invoice_services.dispute_open(
            invoice=data["invoice"], reason=data.get("reason", ""), amount=data.get("amount")
        )

    @extend_schema(request=DisputeSendSerializer, responses=DisputeSerializer)
    @action(detail=True, methods=["post"], required_permissions=["billing.change_dispute"])
    def send(self, request, pk=None):
        data = DisputeSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = invoice_services.dispute_send(
            dispute=self.get_object(), sent_on=data.validated_data.get("sent_on")
        )
        return Response(DisputeSerializer(dispute).data)

    @extend_schema(request=DisputeResolveSerializer, responses=DisputeSerializer)
    @action(detail=True, methods=["post"], required_permissions=["billing.change_dispute"])
    def resolve(self, request, pk=None):
        data = DisputeResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        dispute = invoice_services.dispute_resolve(
            dispute=self.get_object(),
            status=v["status"],
            credit=v["credit"],
            resolved_on=v.get("resolved_on"),
        )
        return Response(DisputeSerializer(dispute).data)
