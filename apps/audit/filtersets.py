import django_filters

from .models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    at_after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")
    source = django_filters.CharFilter(field_name="source", lookup_expr="startswith")

    class Meta:
        model = AuditEvent
        fields = ["model", "object_id", "action", "actor", "request_id"]
