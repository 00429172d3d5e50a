from rest_framework import serializers

from ..models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField(allow_null=True), min_length=2, max_length=2),
        help_text="field → [before, after]; secret values show as ••••••",
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id", "at", "actor", "actor_name", "action", "model", "object_id", "object_repr", "changes",
            "source", "ip", "request_id", "path",
        ]  # fmt: skip
        read_only_fields = fields
