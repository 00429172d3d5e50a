"""Seeded inputs of `make bench`: the inventory and contracts (through the ORM) and a Master.csv of N calls.

Everything comes from one `random.Random(seed)`, so the same N and seed give byte-identical files.

The world (March 2026, reporting time zone Europe/Moscow):
- 2 cities (Москва 495, Казань 843), 20 departments, one operator;
- 3 trunks, each covered by its own signed contract, each with a tariff of the same ~5 000 prefixes at its
  own prices: A 1/1 with a free-minutes bundle (included minutes, exhausted mid-month), B 60/60 with 3 free
  seconds (B also covers our 8-800 numbers), C 30/6 with 5 free seconds whose tariff changes on the 16th;
  about a third of the rates carry a connection fee;
- 200 geographic numbers with monthly fees (10 % move to another department mid-month, a few have a gap),
  4 toll-free numbers, 10 numbers held by no one; 100 extensions (10 % move mid-month);
- a monthly charge on a line, one on a department, a one-off fee.

The calls: outbound through a trunk (every dialling form: 8…, 7…, +7…, local 7 digits, 810…, 00…, +…),
inbound to our numbers (answered by an extension or by nobody), inbound to 8-800 (priced on the caller's
prefix), internal; 20 % unanswered, some within the free seconds; ~0.5 % dial a prefix no tariff has,
~0.2 % an invalid number, ~0.2 % leave through an unknown trunk, ~0.3 % come from extensions no department
holds. Malformed rows (~0.1 %: bad date, wrong column count, unknown disposition, end before start) and
byte-for-byte repeated rows (~0.05 %) are mixed in; `clean_path` holds the same file without them (what the
bare COPY baselines can load).
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

MONTH = (2026, 3)
TZ = "Europe/Moscow"
CHANGE_DAY = dt.date(2026, 3, 16)  # tariff C changes on this day
LONG_AGO = dt.date(2025, 1, 1)

INTL_HEADS = ["1", "44", "49", "33", "39", "86", "90", "375", "380", "998", "996", "992", "374", "995", "81"]
DEF_CODES = [f"9{n:02d}" for n in range(0, 100)]
ABC_CODES = ["495", "499", "812", "843", "383", "343", "846", "863", "861", "351", "473", "831"]
UNMATCHED_HEAD = "999"  # no tariff has it: calls there are unrated


@dataclass
class Expected:
    """What the generator wrote, for the count gate."""

    lines: int = 0  # physical lines in the file
    valid: int = 0  # distinct valid records
    malformed: int = 0
    repeats: int = 0  # byte-for-byte repeats of an earlier line
    clean_lines: int = 0  # lines of the clean file (valid records, no repeats)


@dataclass
class World:
    seed: int
    prefixes: list[str]
    tariffs: dict[str, int] = field(default_factory=dict)  # name → pk
    extensions: list[tuple[str, str]] = field(default_factory=list)  # (extension, city code)
    numbers: list[tuple[str, str]] = field(default_factory=list)  # (E.164, city code) geographic
    toll_free: list[str] = field(default_factory=list)
    trunks: dict[str, list[str]] = field(default_factory=dict)  # city code → trunk ids


def make_prefixes(rng: random.Random, count: int) -> list[str]:
    chosen = {"7", "79", "7800", "7495", "7499", "7812", "7843", "76", "77", "7701", "7727"}
    chosen.update("7" + code for code in ABC_CODES)
    chosen.update("7" + code for code in DEF_CODES)
    chosen.update(INTL_HEADS)
    heads = ["7" + c for c in DEF_CODES + ABC_CODES] + INTL_HEADS
    while len(chosen) < count:
        head = rng.choice(heads)
        chosen.add(
            head + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, max(1, 8 - len(head)))))
        )
    return sorted(p for p in chosen if not p.startswith(UNMATCHED_HEAD))


def build_world(*, seed: int, prefixes: int, calls: int) -> World:
    """Create the inventory, contracts, tariffs and charges (the database must be empty of them)."""
    from apps.company.models import City, Department
    from apps.contracts.models import Contract, ContractLine, ContractNumber, Rate, RecurringCharge, Tariff
    from apps.telecom.models import Extension, Line, NumberAssignment, PhoneNumber, Provider

    rng = random.Random(seed)
    world = World(seed=seed, prefixes=make_prefixes(rng, prefixes))
    cities = {
        "495": City.objects.create(name="Москва", timezone=TZ, area_code="495"),
        "843": City.objects.create(name="Казань", timezone=TZ, area_code="843"),
    }
    operator = Provider.objects.create(name="Bench operator", kind=Provider.Kind.OPERATOR)
    departments = []
    for i in range(20):
        code = "495" if i < 10 else "843"
        departments.append(
            Department.objects.create(code=f"B{i + 1:02d}", name=f"Салон {i + 1}", city=cities[code])
        )
    by_city = {"495": departments[:10], "843": departments[10:]}

    lines = {
        "trunk-msk-a": Line.objects.create(
            name="MSK A", provider=operator, city=cities["495"], trunk_id="trunk-msk-a"
        ),
        "trunk-msk-b": Line.objects.create(
            name="MSK B", provider=operator, city=cities["495"], trunk_id="trunk-msk-b"
        ),
        "trunk-kzn": Line.objects.create(
            name="KZN", provider=operator, city=cities["843"], trunk_id="trunk-kzn"
        ),
    }
    world.trunks = {"495": ["trunk-msk-a", "trunk-msk-b"], "843": ["trunk-kzn"]}

    def contract(code: str) -> Contract:
        return Contract.objects.create(
            code=code, status=Contract.Status.SIGNED, signed_on=LONG_AGO, start_date=LONG_AGO
        )

    contracts = {name: contract(f"BENCH-{name}") for name in "ABC"}
    for name, trunk in (("A", "trunk-msk-a"), ("B", "trunk-msk-b"), ("C", "trunk-kzn")):
        ContractLine.objects.create(contract=contracts[name], line=lines[trunk], valid_from=LONG_AGO)

    # the bundle runs out about a fifth into the month whatever N is (calls on A bill ~2 min each)
    tariffs = {
        "A": Tariff.objects.create(
            code="BENCH-A", contract=contracts["A"], name="A 1/1 + bundle", increment="1/1",
            included_minutes=max(1, calls // 20), valid_from=LONG_AGO,
        ),
        "B": Tariff.objects.create(
            code="BENCH-B", contract=contracts["B"], name="B 60/60", increment="60/60", free_seconds=3,
            valid_from=LONG_AGO,
        ),
        "C1": Tariff.objects.create(
            code="BENCH-C1", contract=contracts["C"], name="C 30/6 (old)", increment="30/6", free_seconds=5,
            valid_from=LONG_AGO, valid_to=CHANGE_DAY,
        ),
        "C2": Tariff.objects.create(
            code="BENCH-C2", contract=contracts["C"], name="C 30/6 (new)", increment="30/6", free_seconds=5,
            valid_from=CHANGE_DAY,
        ),
    }  # fmt: skip
    world.tariffs = {name: t.pk for name, t in tariffs.items()}
    rates = []
    for tariff in tariffs.values():
        for prefix in world.prefixes:
            rates.append(
                Rate(
                    tariff=tariff,
                    prefix=prefix,
                    destination=f"dest {prefix}",
                    price_per_minute=Decimal(rng.randint(5, 3000)) / 100,
                    connection_fee=Decimal(rng.choice([0, 0, 0, 0, 10, 25, 50, 99])) / 100,
                )
            )
    Rate.objects.bulk_create(rates, batch_size=5000)

    # numbers: 10 per department, 10 % move mid-month, a few have a gap nobody holds; 10 held by no one
    month_start = dt.date(*MONTH, 1)
    for i in range(200):
        dept = departments[i // 10]
        code = dept.city.area_code
        number = PhoneNumber.objects.create(
            number=f"+7{code}2{i:06d}", city=dept.city, carrier=operator,
            monthly_fee=Decimal(rng.randint(300, 900)), activated_on=LONG_AGO,
        )  # fmt: skip
        world.numbers.append((number.number, code))
        roll = rng.random()
        if roll < 0.10:
            moved = month_start + dt.timedelta(days=rng.randint(4, 24))
            other = rng.choice([d for d in by_city[code] if d != dept])
            NumberAssignment.objects.create(
                number=number, department=dept, valid_from=LONG_AGO, valid_to=moved
            )
            NumberAssignment.objects.create(number=number, department=other, valid_from=moved)
        elif roll < 0.13:
            gap = month_start + dt.timedelta(days=rng.randint(4, 14))
            NumberAssignment.objects.create(number=number, department=dept, valid_from=LONG_AGO, valid_to=gap)
            NumberAssignment.objects.create(
                number=number, department=dept, valid_from=gap + dt.timedelta(days=rng.randint(2, 6))
            )
        else:
            NumberAssignment.objects.create(number=number, department=dept, valid_from=LONG_AGO)
    for i in range(10):
        number = PhoneNumber.objects.create(
            number=f"+74953{i:06d}", city=cities["495"], carrier=operator, monthly_fee=Decimal("450.00"),
            activated_on=LONG_AGO,
        )  # fmt: skip
        world.numbers.append((number.number, "495"))
    for i in range(4):
        number = PhoneNumber.objects.create(
            number=f"+7800100000{i + 1}", kind=PhoneNumber.Kind.TOLL_FREE, city=cities["495"],
            carrier=operator, monthly_fee=Decimal("1500.00"), activated_on=LONG_AGO,
        )  # fmt: skip
        NumberAssignment.objects.create(number=number, department=departments[i], valid_from=LONG_AGO)
        ContractNumber.objects.create(contract=contracts["B"], number=number, valid_from=LONG_AGO)
        world.toll_free.append(number.number)

    # extensions: 5 per department, 10 % move mid-month; 1100/1101 exist on the PBX but in no inventory
    for i in range(100):
        dept = departments[i // 5]
        ext = f"{1000 + i}"
        if rng.random() < 0.10:
            moved = month_start + dt.timedelta(days=rng.randint(4, 24))
            other = rng.choice([d for d in departments if d != dept])
            Extension.objects.create(extension=ext, department=dept, valid_from=LONG_AGO, valid_to=moved)
            Extension.objects.create(extension=ext, department=other, valid_from=moved)
        else:
            Extension.objects.create(extension=ext, department=dept, valid_from=LONG_AGO)
        world.extensions.append((ext, dept.city.area_code))

    RecurringCharge.objects.create(
        contract=contracts["A"], name="Channels", kind=RecurringCharge.Kind.LINE, amount=Decimal("5000.00"),
        line=lines["trunk-msk-a"], valid_from=LONG_AGO,
    )  # fmt: skip
    RecurringCharge.objects.create(
        contract=contracts["C"], name="Support", amount=Decimal("1200.00"), department=departments[12],
        valid_from=LONG_AGO,
    )  # fmt: skip
    RecurringCharge.objects.create(
        contract=contracts["B"], name="Setup", amount=Decimal("2500.00"), department=departments[0],
        period=RecurringCharge.Period.ONE_OFF, valid_from=dt.date(*MONTH, 10),
    )  # fmt: skip
    return world


# --------------------------------------------------------------------------------------- the file


def _dialled(rng: random.Random) -> str:
    """A number as a salon employee dials it, in one of the forms the rules know."""
    roll = rng.random()
    if roll < 0.005:
        return "810" + UNMATCHED_HEAD + f"{rng.randrange(10**8):08d}"  # a prefix no tariff has
    if roll < 0.007:
        return rng.choice(["234567", "12345678", "1234567890123456789", "0"])  # matches no dialling rule
    if roll < 0.33:
        return f"8{rng.choice(DEF_CODES)}{rng.randrange(10**7):07d}"  # mobile, 8…
    if roll < 0.45:
        return f"7{rng.choice(ABC_CODES)}{rng.randrange(10**7):07d}"  # 7…
    if roll < 0.55:
        return f"+7{rng.choice(DEF_CODES + ABC_CODES)}{rng.randrange(10**7):07d}"  # +7…
    if roll < 0.70:
        return f"{rng.randint(2, 9)}{rng.randrange(10**6):06d}"  # local: 7 digits of the line's city
    if roll < 0.72:
        return f"8800{rng.randrange(10**7):07d}"  # someone else's toll-free
    if roll < 0.73:
        return f"8{rng.choice(['6', '7'])}{rng.randrange(10**9):09d}"  # Kazakhstan, +7 6xx/7xx
    head = rng.choice(INTL_HEADS)
    rest = "".join(rng.choice("0123456789") for _ in range(max(4, 11 - len(head))))
    form = rng.random()
    if form < 0.4:
        return "810" + head + rest
    if form < 0.7:
        return "00" + head + rest
    return "+" + head + rest


def _customer(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.01:
        return "anonymous"
    if roll < 0.02:
        return "+" + UNMATCHED_HEAD + f"{rng.randrange(10**8):08d}"
    if roll < 0.7:
        return f"89{rng.randrange(10**9):09d}"
    return f"7{rng.choice(ABC_CODES)}{rng.randrange(10**7):07d}"


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def write_calls(world: World, *, n: int, path: Path, clean_path: Path) -> Expected:
    """Write `n` call records (plus malformed and repeated lines) as Master.csv, 18 columns."""
    rng = random.Random(world.seed * 7 + n)
    tz = zoneinfo.ZoneInfo(TZ)
    start = dt.datetime(*MONTH, 1, tzinfo=tz)
    span = int((dt.datetime(2026, 4, 1, tzinfo=tz) - start).total_seconds()) - 7300
    expected = Expected()
    epoch0 = int(start.timestamp())
    hexes = "0123456789abcdef"
    known_ext = world.extensions
    with open(path, "w", encoding="utf-8") as out, open(clean_path, "w", encoding="utf-8") as clean:
        previous = ""
        for i in range(n):
            offset = rng.randrange(span)
            local = (start + dt.timedelta(seconds=offset)).replace(tzinfo=None)
            answered = rng.random() >= 0.2
            if not answered:
                billsec = 0
            elif rng.random() < 0.05:
                billsec = rng.randint(1, 6)  # around the free seconds
            else:
                billsec = min(7200, max(1, int(rng.lognormvariate(4.3, 1.0))))
            ring = rng.randint(2, 25)
            serial_a = "".join(rng.choice(hexes) for _ in range(8))
            serial_b = "".join(rng.choice(hexes) for _ in range(8))
            roll = rng.random()
            if roll < 0.62:  # outbound through a trunk
                if rng.random() < 0.003:
                    ext, area = f"{1100 + rng.randint(0, 1)}", "495"
                else:
                    ext, area = rng.choice(known_ext)
                trunk = "trunk-old" if rng.random() < 0.002 else rng.choice(world.trunks[area])
                dst = _dialled(rng)
                src, context = ext, "from-internal"
                clid = f'"Салон {ext}" <{ext}>'
                channel, dstchannel = f"PJSIP/{ext}-{serial_a}", f"PJSIP/{trunk}-{serial_b}"
                lastdata = f"PJSIP/{dst}@{trunk},60"
            elif roll < 0.87:  # inbound to one of our numbers
                number, area = rng.choice(world.numbers)
                src, dst, context = _customer(rng), number[1:], "from-trunk"
                trunk = rng.choice(world.trunks[area])
                clid = f'"Клиент ""VIP""" <{src}>' if rng.random() < 0.1 else f'"" <{src}>'
                channel = f"PJSIP/{trunk}-{serial_a}"
                if answered and rng.random() < 0.7:
                    ext = rng.choice(known_ext)[0]
                    dstchannel = f"PJSIP/{ext}-{serial_b}"
                else:
                    ext, dstchannel = "", ""
                lastdata = f"PJSIP/{ext or 'queue'},30"
            elif roll < 0.90:  # inbound to 8-800
                number = rng.choice(world.toll_free)
                src, dst, context = _customer(rng), "8" + number[2:], "from-trunk"
                trunk = "trunk-msk-b"
                clid = f'"" <{src}>'
                ext = rng.choice(known_ext)[0] if answered else ""
                channel = f"PJSIP/{trunk}-{serial_a}"
                dstchannel = f"PJSIP/{ext}-{serial_b}" if ext else ""
                lastdata = f"PJSIP/{ext or 'queue'},30"
            else:  # internal
                a, b = rng.sample(known_ext, 2)
                src, dst, context = a[0], b[0], "from-internal"
                clid = f'"Салон {src}" <{src}>'
                channel, dstchannel = f"PJSIP/{src}-{serial_a}", f"PJSIP/{dst}-{serial_b}"
                lastdata = f"PJSIP/{dst},30"
            answer = local + dt.timedelta(seconds=ring)
            end = answer + dt.timedelta(seconds=billsec)
            fields = [
                _quote(""), _quote(src), _quote(dst), _quote(context), _quote(clid), _quote(channel),
                _quote(dstchannel), _quote("Dial"), _quote(lastdata), _quote(f"{local:%Y-%m-%d %H:%M:%S}"),
                _quote(f"{answer:%Y-%m-%d %H:%M:%S}") if answered else "",
                _quote(f"{end:%Y-%m-%d %H:%M:%S}"), str(ring + billsec), str(billsec),
                _quote(rng.choice(["ANSWERED"]) if answered else rng.choice(["NO ANSWER", "BUSY", "FAILED"])),
                _quote("DOCUMENTATION"), _quote(f"{epoch0 + offset}.{i}"), _quote(""),
            ]  # fmt: skip
            line = ",".join(fields) + "\n"
            out.write(line)
            clean.write(line)
            expected.lines += 1
            expected.valid += 1
            expected.clean_lines += 1
            bad = rng.random()
            if bad < 0.001:
                out.write(_malformed(rng, fields))
                expected.lines += 1
                expected.malformed += 1
            elif bad < 0.0015 and previous:
                out.write(previous)  # the same record exported twice
                expected.lines += 1
                expected.repeats += 1
            previous = line
    return expected


def _malformed(rng: random.Random, fields: list[str]) -> str:
    kind = rng.randrange(4)
    broken = list(fields)
    broken[16] = _quote(f"bad.{rng.randrange(10**9)}")
    if kind == 0:
        broken[9] = _quote("2026-03-32 25:61:00")
    elif kind == 1:
        broken = broken[:12]
    elif kind == 2:
        broken[14] = _quote("MAYBE")
    else:
        broken[9], broken[11] = broken[11], broken[9]
        broken[9] = _quote("2026-03-31 23:59:59")
        broken[11] = _quote("2026-03-01 00:00:00")
    return ",".join(broken) + "\n"
