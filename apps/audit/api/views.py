from apps.core.api import PortalReadOnlyViewSet

from ..filtersets import AuditEventFilterSet
from ..models import AuditEvent
from .serializers import AuditEventSerializer


class AuditEventViewSet(PortalReadOnlyViewSet):
    """The audit trail (admin only, read-only)."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    search_fields = ["object_repr", "actor_name"]
    ordering_fields = ["at", "id"]
