"""The audit trail: who changed which number or assignment, when, from where; read-only for everyone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core import audit
from apps.telecom.models import NumberAssignment, PhoneNumber
from tests.factories import (
    CityFactory,
    DepartmentFactory,
    NumberAssignmentFactory,
    PhoneNumberFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db


def _events(obj):
    return list(AuditEvent.objects.for_object(obj).order_by("id"))


def test_a_number_created_through_the_api_records_who_from_where_and_every_value(api_as, personas):
    city, carrier = CityFactory(), ProviderFactory()
    response = api_as("admin").post(
        reverse("telecom-api:phonenumber-list"),
        {"number": "8 (843) 200-11-22", "city": city.pk, "carrier": carrier.pk, "monthly_fee": "450.00"},
        format="json",
        HTTP_X_REQUEST_ID="req-42",
    )
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == "req-42"
    [event] = _events(PhoneNumber.objects.get(pk=response.json()["id"]))
    assert (event.action, event.actor, event.actor_name) == ("create", personas["admin"], "admin-user")
    assert (event.source, event.ip, event.request_id) == ("api", "127.0.0.1", "req-42")
    assert event.path == "POST /api/v1/numbers/"
    assert event.changes["number"] == [None, "+78432001122"]
    assert event.changes["monthly_fee"] == [None, "450.00"]
    assert event.changes["city"] == [None, city.pk]


def test_a_change_records_only_the_fields_that_changed_with_before_and_after(api_as):
    number = PhoneNumberFactory(monthly_fee="500.00", notes="")
    response = api_as("admin").patch(
        reverse("telecom-api:phonenumber-detail", kwargs={"pk": number.pk}),
        {"monthly_fee": "650.00", "notes": "moved to Ufa"},
        format="json",
    )
    assert response.status_code == 200
    event = _events(number)[-1]
    assert event.action == "update"
    assert event.changes == {"monthly_fee": ["500.00", "650.00"], "notes": ["", "moved to Ufa"]}


def test_saving_a_record_without_a_change_records_nothing():
    number = PhoneNumberFactory()
    before = AuditEvent.objects.count()
    PhoneNumber.objects.get(pk=number.pk).save()
    assert AuditEvent.objects.count() == before


def test_a_deleted_assignment_keeps_its_last_values_in_the_trail(api_as):
    assignment = NumberAssignmentFactory()
    pk, department = assignment.pk, assignment.department_id
    response = api_as("admin").delete(reverse("telecom-api:numberassignment-detail", kwargs={"pk": pk}))
    assert response.status_code == 204
    event = AuditEvent.objects.filter(model="telecom.numberassignment", object_id=str(pk)).latest("id")
    assert event.action == "delete"
    assert event.changes["department"] == [department, None]


def test_a_change_rolled_back_leaves_no_event():
    number = PhoneNumberFactory(notes="")
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        number.notes = "temporary"
        number.save()
        raise RuntimeError("the import failed on a later row")
    assert AuditEvent.objects.count() == before


def test_a_bulk_job_is_named_as_the_source_and_has_no_person():
    with audit.audit_context(source="command:import_inventory"):
        number = PhoneNumberFactory()
        NumberAssignmentFactory(number=number, department=DepartmentFactory(), valid_from=dt.date(2025, 1, 1))
    events = AuditEvent.objects.filter(source="command:import_inventory")
    models = sorted(events.values_list("model", flat=True))
    assert models == ["telecom.numberassignment", "telecom.phonenumber"]
    assert {e.actor for e in events} == {None}


def test_masked_fields_are_recorded_as_changed_without_their_values():
    spec = audit.registry()[PhoneNumber]
    audit.register(PhoneNumber, mask=("notes",))
    try:
        number = PhoneNumberFactory(notes="SECRET-CANARY-notes")
        number.notes = "SECRET-CANARY-changed"
        number.save()
    finally:
        audit.register(PhoneNumber, mask=spec.mask, exclude=spec.exclude)
    created, changed = _events(number)
    assert created.changes["notes"] == [None, audit.MASK]
    assert changed.changes == {"notes": [audit.MASK, audit.MASK]}
    assert "SECRET-CANARY" not in str(list(AuditEvent.objects.values()))


def test_numbers_assignments_contracts_and_tariffs_are_audited():
    from apps.calls.models import Source
    from apps.contracts.models import Contract, Rate, RecurringCharge, Tariff

    audited = {PhoneNumber, NumberAssignment, Contract, Tariff, Rate, RecurringCharge, Source}
    assert audited <= set(audit.registry())


def test_a_call_sources_secret_is_masked_in_the_trail():
    from tests.calls.factories import SourceFactory

    source = SourceFactory()
    source.secret = "SECRET-CANARY-source"
    source.save()
    [_created, changed] = _events(source)
    assert changed.changes == {"secret_encrypted": ["", audit.MASK]}
    assert "SECRET-CANARY" not in str(list(AuditEvent.objects.values()))


def test_no_role_can_add_change_or_delete_an_event_through_the_api(api_as):
    PhoneNumberFactory()
    event = AuditEvent.objects.latest("id")
    detail = reverse("audit-api:auditevent-detail", kwargs={"pk": event.pk})
    admin = api_as("admin")
    assert admin.get(detail).json()["changes"]
    assert admin.post(reverse("audit-api:auditevent-list"), {}, format="json").status_code in (403, 405)
    assert admin.patch(detail, {"source": "forged"}, format="json").status_code in (403, 405)
    assert admin.delete(detail).status_code in (403, 405)
    event.refresh_from_db()
    assert event.source != "forged"


def test_the_admin_panel_shows_events_but_offers_no_add_change_or_delete(client_as):
    number = PhoneNumberFactory(notes="")
    event = AuditEvent.objects.for_object(number).get()
    admin = client_as("admin")
    assert admin.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    page = admin.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    for role in ("accounting", "marketer", "lawyer"):
        assert client_as(role).get(reverse("admin:audit_auditevent_changelist")).status_code == 302


def test_events_cannot_be_changed_or_deleted_even_in_code():
    PhoneNumberFactory()
    event = AuditEvent.objects.latest("id")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(source="forged")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    event.source = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_trail_is_filtered_by_record(api_as):
    a, b = PhoneNumberFactory(), PhoneNumberFactory()
    url = reverse("audit-api:auditevent-list")
    rows = api_as("admin").get(url, {"model": "telecom.phonenumber", "object_id": a.pk}).json()["results"]
    assert [r["object_id"] for r in rows] == [str(a.pk)]
    assert str(b.pk) not in {r["object_id"] for r in rows}
