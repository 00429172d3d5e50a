"""The audit trail: the admin reads it; nobody writes it (not even the admin)."""

from .matrix import ADMIN, NOBODY, Route, roles


def _event():
    from apps.audit.models import AuditEvent
    from tests.factories import PhoneNumberFactory

    PhoneNumberFactory()
    return {"pk": AuditEvent.objects.latest("id").pk}


ROUTES = [
    Route("audit-api:auditevent-list", kind="api", read=roles(ADMIN), write=NOBODY),
    Route("audit-api:auditevent-detail", kind="api", read=roles(ADMIN), write=NOBODY, kwargs=_event),
]
