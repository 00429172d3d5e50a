"""Rules of the telecom inventory that hold whatever the entry point (API, admin, import)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.telecom.models import NumberAssignment, PhoneNumber, Provider
from tests import factories as f


def _number(**fields) -> PhoneNumber:
    fields.setdefault("city", f.CityFactory())
    fields.setdefault("carrier", f.ProviderFactory())
    return PhoneNumber(**fields)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "8 (843) 200-00-00",
        "+7 843 200 00 00",
        "7 843 200-00-00",
        "88432000000",
        "+78432000000",
        "(843) 2000000",
    ],
)
def test_a_number_typed_in_any_usual_form_is_kept_in_e164(typed):
    number = _number(number=typed)
    number.full_clean()
    assert number.number == "+78432000000"


@pytest.mark.django_db
def test_a_toll_free_number_keeps_its_8_800_range():
    number = _number(number="8-800-555-35-35", kind=PhoneNumber.Kind.TOLL_FREE)
    number.full_clean()
    assert number.number == "+78005553535"
    assert number.display == "+7 800 555-35-35"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("двести", "двести is not a phone number"),
        ("8 (843) 200", "8 (843) 200 is not a valid phone number."),
        ("+7 000 000 00 00", "+7 000 000 00 00 is not a valid phone number."),
    ],
)
def test_an_invalid_number_is_refused_with_a_message_quoting_it(typed, message):
    with pytest.raises(ValidationError) as caught:
        _number(number=typed).full_clean()
    assert caught.value.message_dict["number"][0].startswith(message)


@pytest.mark.django_db
def test_a_number_is_found_by_its_national_form():
    stored = f.PhoneNumberFactory(number="+78432000000")
    assert PhoneNumber.objects.get(number="8 (843) 200-00-00") == stored


@pytest.mark.django_db
def test_the_intermediary_cannot_be_the_carrier():
    carrier = f.ProviderFactory()
    with pytest.raises(ValidationError) as caught:
        _number(number="+78432000000", carrier=carrier, intermediary=carrier).full_clean()
    assert caught.value.message_dict["intermediary"] == ["The intermediary cannot be the carrier itself."]


@pytest.mark.django_db
def test_the_database_also_refuses_an_intermediary_that_is_the_carrier():
    carrier = f.ProviderFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.PhoneNumberFactory(carrier=carrier, intermediary=carrier)


@pytest.mark.django_db
def test_a_released_number_needs_its_release_date():
    with pytest.raises(ValidationError) as caught:
        _number(number="+78432000000", status=PhoneNumber.Status.RELEASED).full_clean()
    assert "released_on" in caught.value.message_dict


@pytest.mark.django_db
def test_at_risk_means_held_through_an_intermediary_and_not_released():
    cloud = f.ProviderFactory(kind=Provider.Kind.PBX_PROVIDER)
    active = f.PhoneNumberFactory(intermediary=cloud)
    porting = f.PhoneNumberFactory(intermediary=cloud, status=PhoneNumber.Status.PORTING)
    f.PhoneNumberFactory(
        intermediary=cloud, status=PhoneNumber.Status.RELEASED, released_on=dt.date(2026, 5, 1)
    )
    f.PhoneNumberFactory()  # rented directly from the operator

    assert set(PhoneNumber.objects.at_risk()) == {active, porting}
    assert active.is_at_risk and porting.is_at_risk


# Assignments: half-open periods of one number never overlap ----------------------------------


def _assignment(number, start: dt.date, end: dt.date | None = None) -> NumberAssignment:
    return NumberAssignment(number=number, department=f.DepartmentFactory(), valid_from=start, valid_to=end)


@pytest.mark.django_db
def test_an_assignment_from_the_day_the_previous_one_ends_is_accepted():
    number = f.PhoneNumberFactory()
    f.NumberAssignmentFactory(number=number, valid_from=dt.date(2026, 9, 1), valid_to=dt.date(2026, 10, 15))
    follower = _assignment(number, dt.date(2026, 10, 15))
    follower.full_clean()
    follower.save()
    assert NumberAssignment.objects.filter(number=number).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 10, 14), None),  # open-ended, starting one day too early
        (dt.date(2026, 8, 1), dt.date(2026, 9, 2)),  # ends inside
        (dt.date(2026, 9, 10), dt.date(2026, 9, 20)),  # inside
        (dt.date(2026, 8, 1), None),  # covers it all
        (dt.date(2026, 9, 1), dt.date(2026, 9, 2)),  # same first day
    ],
)
def test_an_overlapping_assignment_is_refused_naming_the_other_period(start, end):
    number = f.PhoneNumberFactory()
    f.NumberAssignmentFactory(number=number, valid_from=dt.date(2026, 9, 1), valid_to=dt.date(2026, 10, 15))
    with pytest.raises(ValidationError) as caught:
        _assignment(number, start, end).full_clean()
    assert "2026-09-01 → 2026-10-15" in caught.value.message_dict["valid_from"][0]


@pytest.mark.django_db
def test_an_open_assignment_blocks_any_later_one():
    number = f.PhoneNumberFactory()
    f.NumberAssignmentFactory(number=number, valid_from=dt.date(2026, 10, 15))
    with pytest.raises(ValidationError) as caught:
        _assignment(number, dt.date(2027, 1, 1)).full_clean()
    assert "2026-10-15 → …" in caught.value.message_dict["valid_from"][0]


@pytest.mark.django_db
def test_an_assignment_of_another_number_in_the_same_days_is_accepted():
    f.NumberAssignmentFactory(valid_from=dt.date(2026, 9, 1))
    _assignment(f.PhoneNumberFactory(), dt.date(2026, 9, 1)).full_clean()


@pytest.mark.django_db
def test_an_assignment_must_end_after_it_starts():
    with pytest.raises(ValidationError) as caught:
        _assignment(f.PhoneNumberFactory(), dt.date(2026, 9, 1), dt.date(2026, 9, 1)).full_clean()
    assert "valid_to" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        f.NumberAssignmentFactory(valid_from=dt.date(2026, 9, 1), valid_to=dt.date(2026, 8, 1))


@pytest.mark.django_db
def test_the_assignment_in_force_on_a_day_is_found():
    number = f.PhoneNumberFactory()
    old = f.NumberAssignmentFactory(
        number=number, valid_from=dt.date(2026, 9, 1), valid_to=dt.date(2026, 10, 15)
    )
    new = f.NumberAssignmentFactory(number=number, valid_from=dt.date(2026, 10, 15))
    assert list(NumberAssignment.objects.effective_on(dt.date(2026, 10, 14))) == [old]
    assert list(NumberAssignment.objects.effective_on(dt.date(2026, 10, 15))) == [new]
