"""REST endpoints of the contracts app (thin: querysets, serializers, one service per action)."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api import PortalModelViewSet

from .. import filtersets
from ..models import (
    Contract,
    ContractDocument,
    ContractLine,
    ContractNumber,
    ContractParty,
    Rate,
    RecurringCharge,
    Tariff,
)
from ..rates_io import RatesFileError
from ..services import contract_document_add, rates_import
from . import serializers as s


class ContractViewSet(PortalModelViewSet):
    queryset = Contract.objects.select_related("parent").prefetch_related(
        Prefetch("parties", queryset=ContractParty.objects.select_related("provider"))
    )
    serializer_class = s.ContractSerializer
    filterset_class = filtersets.ContractFilterSet
    search_fields = ["code", "title"]
    ordering_fields = ["code", "start_date", "end_date", "status"]


class ContractPartyViewSet(PortalModelViewSet):
    queryset = ContractParty.objects.select_related("contract", "provider")
    serializer_class = s.ContractPartySerializer
    filterset_class = filtersets.ContractPartyFilterSet


class ContractDocumentViewSet(PortalModelViewSet):
    """Versions are immutable: upload a new one (multipart POST) instead of editing."""

    queryset = ContractDocument.objects.select_related("contract", "uploaded_by")
    filterset_class = filtersets.ContractDocumentFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        # The extracted text can be long: lists leave it out, the detail view carries it.
        return qs if self.action == "retrieve" else qs.defer("text")

    def get_serializer_class(self):
        if self.action == "create":
            return s.ContractDocumentUploadSerializer
        if self.action == "retrieve":
            return s.ContractDocumentDetailSerializer
        return s.ContractDocumentSerializer

    @extend_schema(
        request=s.ContractDocumentUploadSerializer, responses={201: s.ContractDocumentDetailSerializer}
    )
    def create(self, request, *args, **kwargs):
        upload = s.ContractDocumentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        document = contract_document_add(
            contract=upload.validated_data["contract"],
            data=file.read(),
            filename=file.name,
            note=upload.validated_data["note"],
            uploaded_by=request.user,
        )
        data = s.ContractDocumentDetailSerializer(document, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )


class ContractNumberViewSet(PortalModelViewSet):
    queryset = ContractNumber.objects.select_related("contract", "number")
    serializer_class = s.ContractNumberSerializer
    filterset_class = filtersets.ContractNumberFilterSet


class ContractLineViewSet(PortalModelViewSet):
    queryset = ContractLine.objects.select_related("contract", "line")
    serializer_class = s.ContractLineSerializer
    filterset_class = filtersets.ContractLineFilterSet


class TariffViewSet(PortalModelViewSet):
    queryset = (
        Tariff.objects.select_related("contract")
        .annotate(rate_count=Count("rates"))
        .order_by("contract__code", "valid_from")  # Meta.ordering is dropped in GROUP BY queries
    )
    serializer_class = s.TariffSerializer
    filterset_class = filtersets.TariffFilterSet
    search_fields = ["code", "name"]

    @extend_schema(request=s.RatesImportSerializer, responses={200: None, 400: None})
    @action(
        detail=True, methods=["post"], url_path="import-rates", parser_classes=[MultiPartParser, FormParser]
    )
    def import_rates(self, request, pk=None):
        """Load a price list (CSV/XLSX) into this tariff; 400 lists every bad row, nothing written."""
        if not request.user.has_perms(
            ["contracts.add_rate", "contracts.change_rate", "contracts.delete_rate"]
        ):
            raise PermissionDenied()
        tariff = self.get_object()
        form = s.RatesImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        file = form.validated_data["file"]
        try:
            result = rates_import(
                tariff=tariff,
                data=file.read(),
                filename=file.name,
                replace=form.validated_data["replace"],
                dry_run=form.validated_data["dry_run"],
            )
        except RatesFileError as exc:
            errors = [{"row": e.row, "column": e.column, "message": e.message} for e in exc.errors]
            return Response({"file": file.name, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response(result.as_dict())


class RateViewSet(PortalModelViewSet):
    queryset = Rate.objects.select_related("tariff")
    serializer_class = s.RateSerializer
    filterset_class = filtersets.RateFilterSet
    search_fields = ["prefix", "destination"]


class RecurringChargeViewSet(PortalModelViewSet):
    queryset = RecurringCharge.objects.select_related(
        "contract", "line", "pbx_account", "department", "number"
    )
    serializer_class = s.RecurringChargeSerializer
    filterset_class = filtersets.RecurringChargeFilterSet
