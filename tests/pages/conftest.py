"""A small, known inventory for the page tests: two cities, numbers direct and through a PBX provider."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.telecom.models import Device, Line, PhoneNumber, Provider
from tests.factories import (
    CallRouteFactory,
    CityFactory,
    DepartmentFactory,
    DeviceFactory,
    EmployeeFactory,
    ExtensionFactory,
    LineFactory,
    NumberAssignmentFactory,
    PbxAccountFactory,
    PhoneNumberFactory,
    ProviderFactory,
)


@pytest.fixture
def inventory(db):
    kazan = CityFactory(name="Kazan", timezone="Europe/Moscow", area_code="843")
    ufa = CityFactory(name="Ufa", timezone="Asia/Yekaterinburg", area_code="347")
    bauman = DepartmentFactory(code="KZN-01", name="Салон на Баумана", city=kazan)
    pushkin = DepartmentFactory(code="KZN-02", name="Салон на Пушкина", city=kazan)
    lenin = DepartmentFactory(code="UFA-01", name="Салон на Ленина", city=ufa)
    alsu = EmployeeFactory(name="Галиева Алсу", department=bauman)
    EmployeeFactory(name="Сафин Рустам", department=bauman)
    EmployeeFactory(name="Иванова Анна", department=pushkin)
    volga = ProviderFactory(name="Волга-Связь")
    btk = ProviderFactory(name="Башкирская ТК")
    oblako = ProviderFactory(name="ОблакоАТС", kind=Provider.Kind.PBX_PROVIDER)
    telehub = ProviderFactory(name="ТелеХаб", kind=Provider.Kind.PBX_PROVIDER)
    account = PbxAccountFactory(provider=oblako, account_id="oblako-20417")
    kzn1 = PhoneNumberFactory(
        number="+78432000101",
        city=kazan,
        carrier=volga,
        intermediary=oblako,
        pbx_account=account,
        monthly_fee=Decimal("1190.00"),
    )
    kzn2 = PhoneNumberFactory(
        number="+78432000102", city=kazan, carrier=volga, intermediary=oblako, monthly_fee=Decimal("1190.50")
    )
    kzn_direct = PhoneNumberFactory(
        number="+78432000103", city=kazan, carrier=volga, monthly_fee=Decimal("650")
    )
    kzn_released = PhoneNumberFactory(
        number="+78432000104",
        city=kazan,
        carrier=volga,
        intermediary=oblako,
        monthly_fee=Decimal("999"),
        status=PhoneNumber.Status.RELEASED,
        released_on=dt.date(2026, 2, 1),
    )
    ufa1 = PhoneNumberFactory(
        number="+73472000201", city=ufa, carrier=btk, intermediary=telehub, monthly_fee=Decimal("700.25")
    )
    ufa2 = PhoneNumberFactory(
        number="+73472000202", city=ufa, carrier=btk, intermediary=oblako, monthly_fee=Decimal("800.00")
    )
    # kzn2 moved from Bauman to Pushkin in the middle of March.
    NumberAssignmentFactory(number=kzn1, department=bauman, valid_from=dt.date(2025, 1, 1))
    NumberAssignmentFactory(
        number=kzn2, department=bauman, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2026, 3, 16)
    )
    NumberAssignmentFactory(number=kzn2, department=pushkin, valid_from=dt.date(2026, 3, 16))
    ext = ExtensionFactory(extension="101", department=bauman, employee=alsu, pbx_account=account)
    route = CallRouteFactory(number=kzn1, schedule="Пн–Сб 10:00–21:00")
    route.members.set([ext])
    LineFactory(name="SIP Kazan", city=kazan, provider=volga, trunk_id="trunk-kzn", channels=8)
    LineFactory(
        name="Аналоговая KZN-02",
        city=kazan,
        provider=volga,
        trunk_id="fxo-kzn-02",
        kind=Line.Kind.ANALOGUE,
        department=pushkin,
        channels=1,
    )
    DeviceFactory(model="Yealink T31P", serial="YL00101", department=bauman, employee=alsu)
    DeviceFactory(
        model="Panasonic KX-TS2350RU", serial="PN-KZN-02", kind=Device.Kind.ANALOGUE_PHONE, department=pushkin
    )
    DeviceFactory(model="Grandstream GXP1625", serial="GS-UFA", department=lenin)
    return SimpleNamespace(**locals())


@pytest.fixture
def roleless_client(db):
    """A signed-in user who holds no role at all: every inventory page must refuse them."""
    from django.test import Client

    from apps.accounts.models import User

    user = User.objects.create_user(username="nobody", password="Test-pass-1234")
    client = Client()
    client.force_login(user)
    return client
