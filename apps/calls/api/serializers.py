from __future__ import annotations

from rest_framework import serializers

from apps.calls.connectors import REGISTRY
from apps.calls.models import CallRecord, ImportRun, QuarantinedRow, Source


class CallRecordSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True, default=None)
    our_number = serializers.CharField(source="our_number.number", read_only=True, default=None)
    line_name = serializers.CharField(source="line.name", read_only=True, default=None)

    class Meta:
        model = CallRecord
        fields = [
            "id", "source", "external_id", "call_group_id", "started_at", "answered_at", "ended_at",
            "duration", "billsec", "direction", "caller", "callee", "our_number", "extension", "line",
            "line_name", "trunk", "disposition", "raw_disposition", "provider_cost", "currency", "department",
            "department_code", "run",
        ]  # fmt: skip
        read_only_fields = fields


class ImportRunSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportRun
        fields = [
            "id", "source", "kind", "status", "connector", "file_name", "file_sha256", "bytes_total",
            "bytes_done", "progress_percent", "window_start", "window_end", "read", "inserted",
            "duplicates", "rejected", "error", "attempts", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class ImportRunUploadSerializer(serializers.Serializer):
    """Input of an upload: which source, which file; the format is the source's unless given."""

    source = serializers.SlugRelatedField(slug_field="slug", queryset=Source.objects.enabled())
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=sorted(REGISTRY), required=False)


class QuarantinedRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuarantinedRow
        fields = ["line", "reason", "raw"]
        read_only_fields = fields
