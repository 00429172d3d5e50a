"""Demo contracts built on whatever telecom inventory the demo holds (run by `seed_demo`).

It looks the inventory up (operators, PBX providers, numbers, lines, PBX accounts) rather than naming it,
so it works with any demo inventory and does nothing when there is none. Idempotent: every object is
found by its natural key first and never changed on a second run. Dates are set relative to the day
of the first run, so the register, the calendar and the digest have something to show.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core import audit
from apps.telecom.models import Line, PbxAccount, PhoneNumber, Provider

from .dates import add_months
from .models import Contract, ContractLine, ContractNumber, ContractParty, Rate, RecurringCharge, Tariff

TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)

# Area codes of Russian cities (ABC codes) and the countries calls most often go to.
CITY_CODES = {
    "495": "Москва",
    "499": "Москва",
    "812": "Санкт-Петербург",
    "843": "Казань",
    "347": "Уфа",
    "846": "Самара",
    "831": "Нижний Новгород",
    "343": "Екатеринбург",
    "383": "Новосибирск",
    "351": "Челябинск",
    "863": "Ростов-на-Дону",
    "861": "Краснодар",
    "342": "Пермь",
    "473": "Воронеж",
    "844": "Волгоград",
    "391": "Красноярск",
    "381": "Омск",
    "3452": "Тюмень",
    "8452": "Саратов",
    "4212": "Хабаровск",
    "423": "Владивосток",
    "4012": "Калининград",
    "8512": "Астрахань",
    "8412": "Пенза",
    "4922": "Владимир",
    "4852": "Ярославль",
    "4872": "Тула",
    "8172": "Вологда",
    "8142": "Петрозаводск",
    "8112": "Псков",
}
COUNTRIES = {
    "375": "Беларусь",
    "374": "Армения",
    "994": "Азербайджан",
    "996": "Киргизия",
    "992": "Таджикистан",
    "998": "Узбекистан",
    "86": "Китай",
    "90": "Турция",
    "971": "ОАЭ",
    "49": "Германия",
    "44": "Великобритания",
    "1": "США и Канада",
    "91": "Индия",
    "81": "Япония",
    "82": "Южная Корея",
    "39": "Италия",
    "33": "Франция",
    "34": "Испания",
    "972": "Израиль",
    "66": "Таиланд",
}


def slug(name: str) -> str:
    text = "".join(TRANSLIT.get(ch, ch) for ch in name.lower())
    words = ["".join(ch for ch in word if ch.isalnum()) for word in text.replace('"', " ").split()]
    words = [w for w in words if w and w not in ("ooo", "pao", "ao", "oao", "zao", "llc", "jsc")]
    return "-".join(words)[:24].upper() or "PROVIDER"


def demo_rates() -> list[tuple[str, str, Decimal]]:
    """A few hundred prefixes: city codes, mobile blocks 79xx and international destinations."""
    rows = [(f"7{code}", city, Decimal("0.90")) for code, city in CITY_CODES.items()]
    rows += [(f"79{block:02d}", "Мобильные РФ", Decimal("1.95")) for block in range(100)]
    rows += [(f"78{block:02d}", "Россия, прочие города", Decimal("1.40")) for block in range(10, 100, 3)]
    rows += [(f"7800{n}", "Бесплатный вызов 8-800", Decimal("0.00")) for n in range(10)]
    rows += [(code, country, Decimal("14.50") + len(code)) for code, country in COUNTRIES.items()]
    rows += [(f"{code}9", f"{country}, мобильные", Decimal("19.00")) for code, country in COUNTRIES.items()]
    seen: dict[str, tuple[str, str, Decimal]] = {}
    for row in rows:
        seen.setdefault(row[0], row)
    return sorted(seen.values())


def _contract(code: str, **defaults) -> tuple[Contract, bool]:
    return Contract.objects.get_or_create(code=code, defaults=defaults)


def _party(contract: Contract, provider: Provider | None, role: str) -> None:
    ContractParty.objects.get_or_create(contract=contract, provider=provider, role=role)


def _cover_number(contract: Contract, number: PhoneNumber, since: dt.date) -> None:
    if not ContractNumber.objects.filter(contract=contract, number=number).exists():
        ContractNumber.objects.create(contract=contract, number=number, valid_from=since)


@transaction.atomic
def seed(*, stdout) -> None:
    if not Provider.objects.exists():
        stdout.write("contracts: no telecom inventory yet, nothing to seed")
        return
    today = timezone.localdate()
    year_ago = add_months(today.replace(day=1), -12)
    created = 0

    # One service contract per operator we buy numbers or lines from directly, with its tariff appendix.
    operators = Provider.objects.filter(kind__in=[Provider.Kind.OPERATOR, Provider.Kind.RESELLER]).order_by(
        "name"
    )
    for index, operator in enumerate(operators):
        direct = PhoneNumber.objects.active().filter(carrier=operator, intermediary__isnull=True)
        lines = Line.objects.filter(provider=operator)
        code = f"{slug(operator.name)}-SVC"
        if not direct.exists() and not lines.exists():
            # An offer still under review: the kind of terms the lawyer must catch before signing.
            _, made = _contract(
                f"{code}-OFFER",
                title=f"Проект договора с {operator.name}",
                status=Contract.Status.UNDER_REVIEW,
                start_date=today.replace(day=1),
                initial_term_months=12,
                renewal=Contract.Renewal.TACIT,
                notice_days=90,
                dispute_window_days=5,
                penalty_rate_per_day=Decimal("3.000"),
                payment_terms="Предоплата 100 % до 5 числа",
            )
            created += made
            continue
        start = year_ago + dt.timedelta(days=7 * (index % 5))
        master, made = _contract(
            code,
            title=f"Договор об оказании услуг связи с {operator.name}",
            kind=Contract.Kind.SERVICE,
            status=Contract.Status.SIGNED,
            signed_on=start - dt.timedelta(days=10),
            start_date=start,
            initial_term_months=12,
            renewal=Contract.Renewal.TACIT,
            notice_days=30,
            payment_terms="Оплата до 20 числа месяца, следующего за расчётным",
            dispute_window_days=30,
            penalty_rate_per_day=Decimal("0.100"),
            penalty_cap=Decimal("10.00"),
        )
        created += made
        _party(master, operator, ContractParty.Role.OPERATOR)
        _party(master, None, ContractParty.Role.CUSTOMER)
        for number in direct:
            _cover_number(master, number, start)
        for line in lines:
            if not ContractLine.objects.filter(contract=master, line=line).exists():
                ContractLine.objects.create(contract=master, line=line, valid_from=start)
            RecurringCharge.objects.get_or_create(
                contract=master,
                name=f"Канал связи {line.name}",
                valid_from=start,
                defaults={
                    "kind": RecurringCharge.Kind.LINE,
                    "amount": Decimal("450.00") * line.channels,
                    "line": line,
                },
            )
        appendix, made = _contract(
            f"{code}/T1",
            title="Приложение № 1. Тарифы на услуги местной, междугородной и международной связи",
            kind=Contract.Kind.TARIFF_APPENDIX,
            parent=master,
            status=Contract.Status.SIGNED,
            signed_on=master.signed_on,
            start_date=start,
        )
        created += made
        _party(appendix, operator, ContractParty.Role.OPERATOR)
        # The tariff belongs to the contract that covers the lines and numbers (the rating rule: "the
        # tariff of the contract that covers the line/number"); the appendix is the document it came in.
        tariff, made = Tariff.objects.get_or_create(
            code=f"{code}-TARIFF",
            defaults={
                "contract": master,
                "name": f"Тариф «Бизнес» {operator.name}",
                "valid_from": start,
                "increment": "60/60" if index % 2 == 0 else "1/1",
                "free_seconds": 3,
            },
        )
        if made:
            rates = Rate.objects.bulk_create(
                Rate(tariff=tariff, prefix=p, destination=d, price_per_minute=price)
                for p, d, price in demo_rates()
            )
            audit.record_created(Rate, rates)

    # One PBX service contract per PBX provider, with seat fees per account.
    for pbx in Provider.objects.filter(kind=Provider.Kind.PBX_PROVIDER).order_by("name"):
        accounts = PbxAccount.objects.filter(provider=pbx)
        start = year_ago
        contract, made = _contract(
            f"{slug(pbx.name)}-PBX",
            title=f"Договор на услуги виртуальной АТС с {pbx.name}",
            kind=Contract.Kind.PBX_SERVICE,
            status=Contract.Status.SIGNED,
            signed_on=start - dt.timedelta(days=5),
            start_date=start,
            initial_term_months=12,
            renewal=Contract.Renewal.TACIT,
            notice_days=30,
            dispute_window_days=10,
        )
        created += made
        _party(contract, pbx, ContractParty.Role.PBX_PROVIDER)
        _party(contract, None, ContractParty.Role.CUSTOMER)
        for account in accounts:
            RecurringCharge.objects.get_or_create(
                contract=contract,
                name=f"Рабочие места АТС {account.account_id}",
                valid_from=start,
                defaults={
                    "kind": RecurringCharge.Kind.PBX_SEAT,
                    "amount": Decimal("1290.00"),
                    "pbx_account": account,
                },
            )

    # A three-party supplementary agreement for every number rented through an intermediary.
    intermediated = PhoneNumber.objects.at_risk().select_related("carrier", "intermediary").order_by("number")
    for index, number in enumerate(intermediated):
        parent = Contract.objects.filter(code=f"{slug(number.intermediary.name)}-PBX").first()
        # Spread the term ends over the coming weeks so some notice deadlines fall inside the window.
        start = add_months(today, -12) + dt.timedelta(days=10 + 9 * (index % 12))
        agreement, made = _contract(
            f"DS-{number.number.lstrip('+')}",
            title=f"Дополнительное соглашение о выделении номера {number.display}",
            kind=Contract.Kind.SUPPLEMENTARY,
            parent=parent,
            status=Contract.Status.SIGNED,
            signed_on=start - dt.timedelta(days=3),
            start_date=start,
            initial_term_months=12,
            renewal=Contract.Renewal.TACIT,
            notice_days=30,
        )
        created += made
        _party(agreement, number.carrier, ContractParty.Role.OPERATOR)
        _party(agreement, number.intermediary, ContractParty.Role.PBX_PROVIDER)
        _party(agreement, None, ContractParty.Role.CUSTOMER)
        # The number has been in service (through the intermediary) since it was activated: this agreement
        # renewed the earlier one, so it covers the number, and prices its calls, from then on.
        since = min(start, number.activated_on or start)
        _cover_number(agreement, number, since)
        tariff, made = Tariff.objects.get_or_create(
            code=f"DS-{number.number.lstrip('+')}-TARIFF",
            defaults={
                "contract": agreement,
                "name": f"Тариф на вызовы через {number.intermediary.name}",
                "valid_from": since,
                "increment": "60/60",
                "free_seconds": 3,
            },
        )
        if made:
            rates = Rate.objects.bulk_create(
                Rate(tariff=tariff, prefix=p, destination=d, price_per_minute=price + Decimal("0.20"))
                for p, d, price in demo_rates()
            )
            audit.record_created(Rate, rates)

    stdout.write(f"contracts: {created} new contract(s), {Contract.objects.count()} in the register")
