"""`manage.py seed_demo` and `demo_logins`: the demo company, and running it twice changes nothing."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apps.accounts.demo import DEMO_PASSWORD
from apps.company.models import City, Department
from apps.telecom.models import Device, Line, NumberAssignment, PhoneNumber, Provider

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[tuple]]:
    """Every row (every column, timestamps included) of our apps, many-to-many tables and groups."""
    tables = {}
    models = [
        m for label in ("accounts", "company", "telecom") for m in apps.get_app_config(label).get_models()
    ]
    for model in models:
        tables[model._meta.label] = sorted(model.objects.order_by("pk").values_list(), key=repr)
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            tables[through._meta.label] = sorted(through.objects.values_list(), key=repr)
    return tables


def test_seeding_twice_changes_nothing():
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first
    assert sum(len(rows) for rows in first.values()) > 300


def test_demo_has_nine_cities_with_their_zones_and_area_codes():
    seed()
    cities = {c.name: (c.timezone, c.area_code) for c in City.objects.all()}
    assert len(cities) == 9
    assert cities["Казань"] == ("Europe/Moscow", "843")
    assert cities["Уфа"] == ("Asia/Yekaterinburg", "347")
    assert cities["Новосибирск"] == ("Asia/Novosibirsk", "383")
    assert cities["Самара"] == ("Europe/Samara", "846")


def test_a_demo_seeded_with_english_city_names_is_renamed_not_doubled():
    from apps.company import demo

    kazan = City.objects.create(name="Kazan", timezone="Europe/Moscow", area_code="843")
    demo.seed(stdout=io.StringIO())
    kazan.refresh_from_db()
    assert kazan.name == "Казань"
    assert City.objects.count() == 9 and not City.objects.filter(name="Kazan").exists()


def test_demo_has_twenty_salons_of_two_or_three_staff():
    seed()
    salons = Department.objects.filter(kind=Department.Kind.SALON)
    assert salons.count() == 20
    sizes = Counter(d.employees.count() for d in salons)
    assert set(sizes) == {2, 3}


def test_demo_numbers_come_from_five_operators_and_two_pbx_providers():
    seed()
    numbers = PhoneNumber.objects.all()
    assert 38 <= numbers.count() <= 45
    assert Provider.objects.filter(kind=Provider.Kind.OPERATOR).count() == 5
    assert Provider.objects.filter(kind=Provider.Kind.PBX_PROVIDER).count() == 2
    assert numbers.values("carrier").distinct().count() == 5
    at_risk = PhoneNumber.objects.at_risk()
    assert at_risk.values("intermediary").distinct().count() == 2
    assert at_risk.filter(city__name="Казань").exists() and at_risk.filter(city__name="Уфа").exists()
    assert PhoneNumber.objects.active().filter(intermediary__isnull=True).count() > 10
    assert set(numbers.values_list("kind", flat=True)) == set(PhoneNumber.Kind.values)


def test_some_demo_numbers_moved_to_another_salon_mid_month():
    seed()
    moved = NumberAssignment.objects.filter(valid_to__isnull=False, valid_to__day=16)
    assert moved.count() >= 3
    for assignment in moved:
        follower = NumberAssignment.objects.get(number=assignment.number, valid_from=assignment.valid_to)
        assert follower.department != assignment.department


def test_demo_has_ip_phones_landline_phones_and_trunks_with_ids():
    seed()
    kinds = set(Device.objects.values_list("kind", flat=True))
    assert {Device.Kind.IP_PHONE, Device.Kind.ANALOGUE_PHONE} <= kinds
    assert not Line.objects.filter(trunk_id="").exists()
    assert Line.objects.get(name="SIP Казань").trunk_id == "trunk-kzn"


def signs_in(username: str, password: str) -> bool:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and client.get(reverse("dashboard")).status_code == 200


def test_each_demo_user_signs_in_with_the_documented_password_and_holds_its_role():
    from apps.accounts.models import User

    seed()
    for role in ("accounting", "marketer", "lawyer", "admin"):
        assert signs_in(role, DEMO_PASSWORD), role
        assert User.objects.get(username=role).role_names() == [role]


def test_demo_logins_prints_every_user_and_the_password():
    seed()
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    printed = out.getvalue()
    for role in ("accounting", "marketer", "lawyer", "admin"):
        assert role in printed
    assert DEMO_PASSWORD in printed
    assert "not created yet" not in printed


def test_demo_logins_before_seeding_says_to_seed_first():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "run manage.py seed_demo" in out.getvalue()


def test_a_demo_user_whose_password_was_changed_gets_the_demo_password_back():
    seed()
    from apps.accounts.models import User

    user = User.objects.get(username="lawyer")
    user.set_password("something-else-1")
    user.save()
    assert not signs_in("lawyer", DEMO_PASSWORD)
    seed()
    assert signs_in("lawyer", DEMO_PASSWORD)
