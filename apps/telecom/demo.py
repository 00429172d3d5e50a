"""Demo telecom inventory for the demo company (apps/company/demo.py). Idempotent.

5 operators and 2 cloud-PBX providers; 2 numbers per salon plus an 8-800 number, a reserved and a
released one. Kazan and Ufa rent through the PBX provider (their local operators' direct contracts were
refused), as do one Moscow salon and the Yekaterinburg and one Novosibirsk salon — those are the numbers
at risk. Three numbers moved to another salon in the middle of March 2026.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from apps.company.demo import CITIES, salon_code
from apps.company.models import City, Department
from apps.core.seeding import upsert

from .models import CallRoute, Device, Extension, Line, NumberAssignment, PbxAccount, PhoneNumber, Provider

OPERATORS = [
    # name, legal name, INN, contact
    ("Магистраль Телеком", "ПАО «Магистраль Телеком»", "7701000011", "Отдел корпоративных продаж"),
    ("Северный Луч", "АО «Северный Луч»", "7801000022", "Менеджер Петрова Е. В."),
    ("Волга-Связь", "ООО «Волга-Связь»", "1655000033", "Абонентский отдел"),
    ("Башкирская телефонная компания", "АО «БТК»", "0274000044", "Корпоративный отдел"),
    ("Гранит Мобайл", "ООО «Гранит Мобайл»", "7702000055", "Персональный менеджер"),
]
PBX_PROVIDERS = [
    ("ОблакоАТС", "ООО «Облачная АТС»", "7703000066", "oblako-20417", "https://pbx.oblako.example"),
    ("ТелеХаб", "ООО «ТелеХаб»", "6670000077", "th-7781", "https://my.telehub.example"),
]
# city → (carrier of its geographic numbers, PBX its numbers route to, trunk channels)
CITY_TELECOM = {
    "Москва": ("Магистраль Телеком", "ОблакоАТС", 16),
    "Санкт-Петербург": ("Северный Луч", "ОблакоАТС", 12),
    "Казань": ("Волга-Связь", "ОблакоАТС", 8),
    "Уфа": ("Башкирская телефонная компания", "ОблакоАТС", 8),
    "Екатеринбург": ("Северный Луч", "ТелеХаб", 8),
    "Новосибирск": ("Северный Луч", "ТелеХаб", 8),
    "Самара": ("Магистраль Телеком", "ОблакоАТС", 8),
    "Нижний Новгород": ("Магистраль Телеком", "ОблакоАТС", 8),
    "Краснодар": ("Магистраль Телеком", "ОблакоАТС", 8),
}
# salons whose numbers are rented through the PBX provider (the rest are direct from the operator)
THROUGH_PBX = {"KZN-01", "KZN-02", "UFA-01", "UFA-02", "MSK-02", "EKB-01", "EKB-02", "NSK-01"}
MOBILE_SECOND_NUMBER = {"SPB-02", "NNV-02"}  # their second number is a mobile one
MOVED = {"MSK-02": "MSK-03", "KZN-01": "KZN-02", "NSK-02": "NSK-01"}  # second number moved on MOVE_DAY
ANALOGUE_LINE = {"MSK-01", "KZN-02", "UFA-01", "SPB-03"}

START = dt.date(2025, 1, 1)
MOVE_DAY = dt.date(2026, 3, 16)
RELEASE_DAY = dt.date(2026, 2, 1)
FEE_BIG_CITY = Decimal("950.00")
FEE = Decimal("650.00")
FEE_THROUGH_PBX = Decimal("1190.00")
FEE_MOBILE = Decimal("450.00")
FEE_TOLL_FREE = Decimal("2500.00")
SCHEDULE = "Пн–Сб 10:00–21:00, Вс 11:00–19:00"


def _providers() -> dict[str, Provider]:
    providers = {}
    for name, legal, inn, contact in OPERATORS:
        providers[name], _ = upsert(
            Provider,
            {"name": name},
            {"kind": Provider.Kind.OPERATOR, "legal_name": legal, "inn": inn, "contact_name": contact},
        )
    for name, legal, inn, _account, url in PBX_PROVIDERS:
        providers[name], _ = upsert(
            Provider,
            {"name": name},
            {"kind": Provider.Kind.PBX_PROVIDER, "legal_name": legal, "inn": inn, "website": url},
        )
    return providers


def _number(*, e164, city, carrier, intermediary, pbx, fee, kind=PhoneNumber.Kind.GEOGRAPHIC, **extra):
    values = {
        "kind": kind,
        "city": city,
        "status": PhoneNumber.Status.ACTIVE,
        "carrier": carrier,
        "intermediary": intermediary,
        "pbx_account": pbx,
        "monthly_fee": fee,
        "currency": "RUB",
        "reserved_on": None,
        "activated_on": START,
        "released_on": None,
    }
    values.update(extra)
    number, _ = upsert(PhoneNumber, {"number": e164}, values)
    return number


def _assign(number, department, valid_from, valid_to=None, note=""):
    upsert(
        NumberAssignment,
        {"number": number, "valid_from": valid_from},
        {"department": department, "valid_to": valid_to, "note": note},
    )


def seed(*, stdout) -> None:
    providers = _providers()
    accounts = {}
    for name, _legal, _inn, account_id, url in PBX_PROVIDERS:
        accounts[name], _ = upsert(
            PbxAccount,
            {"provider": providers[name], "account_id": account_id},
            {"name": "Основной аккаунт", "portal_url": url},
        )
    mobile = providers["Гранит Мобайл"]
    salon_number = 0
    counts = {"numbers": 0, "lines": 0, "devices": 0, "extensions": 0, "routes": 0}
    for city_name, _zone, area_code, city_code, salon_rows in CITIES:
        city = City.objects.get(name=city_name)
        carrier_name, pbx_name, channels = CITY_TELECOM[city_name]
        carrier, pbx_provider, pbx = providers[carrier_name], providers[pbx_name], accounts[pbx_name]
        upsert(
            Line,
            {"name": f"SIP {city_name}"},
            {
                "kind": Line.Kind.SIP_TRUNK,
                "provider": carrier,
                "city": city,
                "department": None,
                "trunk_id": f"trunk-{city_code.lower()}",
                "channels": channels,
            },
        )
        counts["lines"] += 1
        for index in range(1, len(salon_rows) + 1):
            salon_number += 1
            code = salon_code(city_code, index)
            department = Department.objects.get(code=code)
            through = pbx_provider if code in THROUGH_PBX else None
            fee = FEE_THROUGH_PBX if through else (FEE_BIG_CITY if city_code in {"MSK", "SPB"} else FEE)
            numbers = []
            for slot in (1, 2):
                if slot == 2 and code in MOBILE_SECOND_NUMBER:
                    e164 = f"+7916{salon_number:03d}{slot:02d}{index:02d}"
                    numbers.append(
                        _number(
                            e164=e164,
                            city=city,
                            carrier=mobile,
                            intermediary=None,
                            pbx=pbx,
                            fee=FEE_MOBILE,
                            kind=PhoneNumber.Kind.MOBILE,
                        )
                    )
                else:
                    e164 = f"+7{area_code}2{salon_number:02d}{slot:02d}00"
                    numbers.append(
                        _number(e164=e164, city=city, carrier=carrier, intermediary=through, pbx=pbx, fee=fee)
                    )
            first, second = numbers
            _assign(first, department, START)
            if code in MOVED:
                _assign(second, department, START, MOVE_DAY)
                _assign(
                    second,
                    Department.objects.get(code=MOVED[code]),
                    MOVE_DAY,
                    note="Переведён в соседний салон",
                )
            else:
                _assign(second, department, START)
            counts["numbers"] += 2

            if code in ANALOGUE_LINE:
                upsert(
                    Line,
                    {"name": f"Аналоговая линия {code}"},
                    {
                        "kind": Line.Kind.ANALOGUE,
                        "provider": carrier,
                        "city": city,
                        "department": department,
                        "trunk_id": f"fxo-{code.lower()}",
                        "channels": 1,
                    },
                )
                counts["lines"] += 1
                for kind, model, serial in (
                    (Device.Kind.GATEWAY, "Grandstream HT812", f"GW-{code}"),
                    (Device.Kind.ANALOGUE_PHONE, "Panasonic KX-TS2350RU", f"PN-{code}"),
                ):
                    upsert(
                        Device,
                        {"serial": serial},
                        {
                            "kind": kind,
                            "model": model,
                            "mac": "",
                            "department": department,
                            "employee": None,
                            "purchase_date": dt.date(2024, 11, 20),
                            "purchase_cost": Decimal("3490.00"),
                            "status": Device.Status.INSTALLED,
                        },
                    )
                    counts["devices"] += 1

            members = []
            for slot, employee in enumerate(department.employees.order_by("name"), start=1):
                extension, _ = upsert(
                    Extension,
                    {"pbx_account": pbx, "extension": f"{salon_number}{slot:02d}", "valid_from": START},
                    {"department": department, "employee": employee, "valid_to": None},
                )
                members.append(extension)
                counts["extensions"] += 1
                yealink = slot % 2 == 1
                status = Device.Status.REPAIR if (salon_number, slot) == (7, 2) else Device.Status.INSTALLED
                upsert(
                    Device,
                    {"serial": f"{'YL' if yealink else 'GS'}{salon_number:03d}{slot:02d}"},
                    {
                        "kind": Device.Kind.IP_PHONE,
                        "model": "Yealink T31P" if yealink else "Grandstream GXP1625",
                        "mac": f"{'80:5E:C0' if yealink else 'C0:74:AD'}:{salon_number:02X}:{slot:02X}:01",
                        "department": department,
                        "employee": employee,
                        "purchase_date": dt.date(2024, 12, 10),
                        "purchase_cost": Decimal("6490.00") if yealink else Decimal("5190.00"),
                        "status": status,
                    },
                )
                counts["devices"] += 1
            for number in numbers:
                _route(number, members, kind=CallRoute.Kind.RING_GROUP)
                counts["routes"] += 1

    # A few numbers outside the pattern: a federal 8-800 line, one reserved, one released.
    moscow, kazan, krasnodar = (City.objects.get(name=n) for n in ("Москва", "Казань", "Краснодар"))
    toll_free = _number(
        e164="+78005553535",
        city=moscow,
        carrier=providers["Магистраль Телеком"],
        intermediary=providers["ОблакоАТС"],
        pbx=accounts["ОблакоАТС"],
        fee=FEE_TOLL_FREE,
        kind=PhoneNumber.Kind.TOLL_FREE,
        notes="Единая справочная для всех городов",
    )
    _assign(toll_free, Department.objects.get(code="MSK-01"), START)
    msk_members = list(Extension.objects.filter(department__code="MSK-01").order_by("extension"))
    _route(toll_free, msk_members, kind=CallRoute.Kind.IVR, after="Голосовое меню: выбор города")
    _number(
        e164=f"+7{krasnodar.area_code}2990000",
        city=krasnodar,
        carrier=providers["Магистраль Телеком"],
        intermediary=None,
        pbx=None,
        fee=FEE,
        status=PhoneNumber.Status.RESERVED,
        reserved_on=dt.date(2026, 4, 1),
        activated_on=None,
        notes="Резерв для третьего салона",
    )
    released = _number(
        e164=f"+7{kazan.area_code}2980000",
        city=kazan,
        carrier=providers["Волга-Связь"],
        intermediary=providers["ОблакоАТС"],
        pbx=None,
        fee=FEE_THROUGH_PBX,
        status=PhoneNumber.Status.RELEASED,
        released_on=RELEASE_DAY,
        notes="Отказались: дублировал номер салона на Баумана",
    )
    _assign(released, Department.objects.get(code="KZN-01"), START, RELEASE_DAY)
    counts["numbers"] += 3
    stdout.write(
        "telecom: {n} providers, {numbers} numbers, {lines} lines, {extensions} extensions, "
        "{devices} devices, {routes} call routes".format(n=len(providers), **counts)
    )


def _route(number, members, *, kind, after="Голосовая почта салона"):
    route, _ = upsert(
        CallRoute,
        {"number": number},
        {
            "kind": kind,
            "strategy": CallRoute.Strategy.RING_ALL,
            "ring_seconds": 30,
            "schedule": SCHEDULE,
            "after_hours": after,
        },
    )
    if {m.pk for m in route.members.all()} != {m.pk for m in members}:
        route.members.set(members)
