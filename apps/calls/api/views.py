from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.calls import services, tasks
from apps.calls.filtersets import CallRecordFilterSet, ImportRunFilterSet
from apps.calls.models import CallRecord, ImportRun
from apps.core.api import PortalReadOnlyViewSet, ScopedQuerysetMixin

from .serializers import (
    CallRecordSerializer,
    ImportRunSerializer,
    ImportRunUploadSerializer,
    QuarantinedRowSerializer,
)


class CallRecordViewSet(PortalReadOnlyViewSet):
    """Call records, newest first; filter by department, number, direction, disposition, time range."""

    queryset = CallRecord.objects.for_list()
    serializer_class = CallRecordSerializer
    filterset_class = CallRecordFilterSet
    search_fields = ["caller", "callee", "external_id"]
    ordering_fields = ["started_at", "duration", "billsec"]


class ImportRunViewSet(
    ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Import runs (file imports and pulls) with their counts; POST a file to start one."""

    queryset = ImportRun.objects.select_related("source")
    serializer_class = ImportRunSerializer
    filterset_class = ImportRunFilterSet
    parser_classes = [MultiPartParser, FormParser]
    ordering_fields = ["created_at"]

    @extend_schema(request=ImportRunUploadSerializer, responses={201: ImportRunSerializer})
    def create(self, request, *args, **kwargs):
        data = ImportRunUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        run, created = services.run_create_for_file(
            source=data.validated_data["source"],
            stream=upload,
            name=upload.name,
            user=request.user,
            connector=data.validated_data.get("format"),
        )
        if created:
            transaction.on_commit(lambda: tasks.run_process.delay(run.pk))
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ImportRunSerializer(run).data, status=code)

    @extend_schema(responses=QuarantinedRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def quarantined(self, request, pk=None):
        """The rows this run could not accept, with line numbers and reasons."""
        run = self.get_object()
        page = self.paginate_queryset(run.quarantined.order_by("line"))
        return self.get_paginated_response(QuarantinedRowSerializer(page, many=True).data)
