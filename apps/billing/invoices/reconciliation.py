"""Three-way reconciliation of an operator invoice: expected (the contract), ours (our ratings and fee
shares), invoiced (the operator) — per number/line and per service, with the difference and its
likely reason; one-to-one matching of the statement's calls; suspected price changes.

- **Expected** = the contract applied to what the operator says happened: its recurring charges in force
  in the month (prorated by days in force; yearly as twelfths; one-offs due in the month), the rent of
  the numbers it covers (prorated by days covered and in service), and usage = the statement's calls
  priced by the tariff in force on each call's day (with the tariff's increment, free seconds and included
  minutes). Without a call list, expected usage is our own calls priced by the tariff (= ours).
- **Ours** = `RatedCall` costs of the contract in the month, per our number, and `ChargeAllocation`s of
  the contract in the month (as the cost report shares them).
- **Invoiced** = the invoice's lines: usage lines per number (or, when the invoice has only a call list,
  the calls' costs per number), fee lines matched to a charge by name or to a number's rent.

A row is a discrepancy when invoiced differs from expected or from ours by more than the tolerance:
max(tolerance amount, tolerance % × invoiced), from the contract's `InvoiceTerms` (default 0.10, 0 %).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.billing import rating
from apps.billing.models import ChargeAllocation, Invoice, InvoiceLine, InvoiceTerms, RatedCall
from apps.billing.rating import ZERO, Month, half_up
from apps.billing.services import _TariffBooks  # the rating engine's tariff books (one query per run)
from apps.contracts.models import Contract, ContractNumber, Rate, RecurringCharge, Tariff

PRICED = (rating.Status.RATED.value, rating.Status.FREE.value)
PRICE_TOLERANCE = Decimal("0.01")  # relative: a per-minute price 1 % off the tariff is a change
MIN_PRICE_STEP = Decimal("0.01")  # absolute: and at least a kopeck a minute

CATEGORY_LABELS = {
    "usage": gettext_noop("Calls (usage)"),
    "fee": gettext_noop("Contract charges"),
    "number_rent": gettext_noop("Number rent"),
    "other": gettext_noop("Charges the contract does not list"),
}

REASONS = {
    "fee_not_in_contract": gettext_noop("a fee not in the contract"),
    "fee_differs": gettext_noop("the fee differs from the contract"),
    "not_invoiced": gettext_noop("in the contract but not invoiced"),
    "missing_ours": gettext_noop("calls missing on our side"),
    "missing_theirs": gettext_noop("calls missing on their side"),
    "rate_differs": gettext_noop("a rate that differs from the tariff"),
    "rounding": gettext_noop("rounding or billing-increment differences"),
    "unexplained": gettext_noop("no reason found in the data"),
}


@dataclass
class Reason:
    code: str
    detail: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "text": _(REASONS[self.code]), "detail": self.detail}


@dataclass
class Row:
    category: str
    key: str
    label: str
    expected: Decimal = ZERO
    ours: Decimal = ZERO
    invoiced: Decimal = ZERO
    reasons: list[Reason] = field(default_factory=list)
    discrepancy: bool = False

    @property
    def vs_expected(self) -> Decimal:
        return self.invoiced - self.expected

    @property
    def vs_ours(self) -> Decimal:
        return self.invoiced - self.ours


@dataclass
class TheirCall:
    line_id: int
    row: int | None
    started_at: dt.datetime
    digits: str
    duration: int
    cost: Decimal
    number: str
    expected: Decimal | None = None
    prefix: str = ""
    rate: object = None
    billed: int = 0


@dataclass
class OurCall:
    call_id: int
    started_at: dt.datetime
    digits: str
    billsec: int
    cost: Decimal
    number: str


@dataclass
class CallMatch:
    matched: list[tuple[TheirCall, OurCall]] = field(default_factory=list)
    theirs_only: list[TheirCall] = field(default_factory=list)
    ours_only: list[OurCall] = field(default_factory=list)


@dataclass
class PriceFinding:
    prefix: str
    destination: str
    tariff_price: Decimal
    charged_price: Decimal
    minutes: Decimal


@dataclass
class Reconciliation:
    invoice: Invoice
    rows: list[Row]
    tolerance_amount: Decimal
    tolerance_percent: Decimal
    calls: CallMatch | None
    price_changes: list[PriceFinding]

    @property
    def discrepancies(self) -> list[Row]:
        return [r for r in self.rows if r.discrepancy]

    @property
    def disputable(self) -> Decimal:
        """What we may claim back: invoiced above the contract (or above ours where the contract is
        silent on a fee), summed over discrepancy rows."""
        total = ZERO
        for row in self.discrepancies:
            over = row.vs_expected if row.category != "other" else row.invoiced
            total += max(over, ZERO)
        return total

    def services(self) -> list[dict]:
        sums: dict[str, list[Decimal]] = {}
        for row in self.rows:
            acc = sums.setdefault(row.category, [ZERO, ZERO, ZERO])
            acc[0] += row.expected
            acc[1] += row.ours
            acc[2] += row.invoiced
        return [
            _figures(category, _(CATEGORY_LABELS[category]), *values) for category, values in sums.items()
        ]

    def totals(self) -> dict:
        return _figures(
            "total",
            _("Total"),
            sum((r.expected for r in self.rows), ZERO),
            sum((r.ours for r in self.rows), ZERO),
            sum((r.invoiced for r in self.rows), ZERO),
        )

    def as_dict(self) -> dict:
        invoice = self.invoice
        calls = None
        if self.calls is not None:
            calls = {
                "matched": len(self.calls.matched),
                "unmatched_theirs": [
                    {
                        "row": c.row,
                        "started_at": c.started_at.isoformat(),
                        "callee": c.digits,
                        "duration": c.duration,
                        "cost": _money(c.cost),
                    }
                    for c in self.calls.theirs_only
                ],
                "unmatched_ours": [
                    {
                        "call": c.call_id,
                        "started_at": c.started_at.isoformat(),
                        "callee": c.digits,
                        "billsec": c.billsec,
                        "cost": _money(c.cost),
                    }
                    for c in self.calls.ours_only
                ],
            }
        return {
            "invoice": invoice.pk,
            "number": invoice.number,
            "contract": invoice.contract.code,
            "month": f"{invoice.period:%Y-%m}",
            "currency": invoice.currency,
            "tolerance": {"amount": _money(self.tolerance_amount), "percent": str(self.tolerance_percent)},
            "lines": [
                {
                    **_figures(r.category, r.label, r.expected, r.ours, r.invoiced),
                    "key": r.key,
                    "discrepancy": r.discrepancy,
                    "reasons": [reason.as_dict() for reason in r.reasons],
                }
                for r in self.rows
            ],
            "services": self.services(),
            "totals": self.totals(),
            "discrepancies": len(self.discrepancies),
            "disputable": _money(self.disputable),
            "calls": calls,
            "price_changes": [
                {
                    "prefix": p.prefix,
                    "destination": p.destination,
                    "tariff_price": str(p.tariff_price),
                    "charged_price": str(p.charged_price),
                    "minutes": str(p.minutes),
                }
                for p in self.price_changes
            ],
        }


def _money(value: Decimal) -> str:
    return str(half_up(value))


def _figures(category: str, label: str, expected: Decimal, ours: Decimal, invoiced: Decimal) -> dict:
    return {
        "category": category,
        "label": label,
        "expected": _money(expected),
        "ours": _money(ours),
        "invoiced": _money(invoiced),
        "difference_expected": _money(invoiced - expected),
        "difference_ours": _money(invoiced - ours),
    }


def _norm(text: str) -> str:
    return " ".join((text or "").casefold().split())


def _digits(raw: str) -> str:
    dest = rating.destination_digits(raw, area_code=None)
    if dest.digits:
        return dest.digits
    return "".join(ch for ch in raw or "" if ch.isdigit())


# --- Loading ------------------------------------------------------------------------------------


def _terms(contract: Contract) -> InvoiceTerms:
    return InvoiceTerms.objects.filter(contract=contract).first() or InvoiceTerms(contract=contract)


def _contract_tariffs(contract: Contract, start: dt.date, end: dt.date) -> list[Tariff]:
    """Tariffs of the contract and of its appendices / supplementary agreements, overlapping [start, end)."""
    return list(
        Tariff.objects.filter(Q(contract=contract) | Q(contract__parent=contract))
        .filter(valid_from__lt=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
        .select_related("contract")
    )


def _expected_charges(contract: Contract, month: Month) -> list[tuple[RecurringCharge, Decimal]]:
    start, end = month.first_day, month.next_first_day
    result = []
    for charge in RecurringCharge.objects.filter(contract=contract).overlapping(start, end).order_by("name"):
        if charge.period == RecurringCharge.Period.ONE_OFF:
            if start <= charge.valid_from < end:
                result.append((charge, charge.amount))
            continue
        first = max(charge.valid_from, start)
        last = min(charge.valid_to or end, end)
        days = (last - first).days
        if days <= 0:
            continue
        amount = rating.monthly_amount(charge.amount, charge.period)
        result.append((charge, half_up(amount * days / month.days)))
    return result


def _expected_number_rent(contract: Contract, month: Month) -> dict[str, tuple[object, Decimal]]:
    """Number (E.164) → (PhoneNumber, its rent for the days the contract covered it and it was in service)."""
    start, end = month.first_day, month.next_first_day
    rent: dict[str, tuple[object, Decimal]] = {}
    rows = ContractNumber.objects.filter(contract=contract).overlapping(start, end).select_related("number")
    days_by_number: dict[int, int] = defaultdict(int)
    numbers = {}
    for row in rows:
        number = row.number
        if not number.monthly_fee or number.status == number.Status.RESERVED:
            continue
        first = max(row.valid_from, number.activated_on or start, start)
        last = min(row.valid_to or end, number.released_on or end, end)
        if last > first:
            days_by_number[number.pk] += (last - first).days
            numbers[number.pk] = number
    for pk, days in days_by_number.items():
        number = numbers[pk]
        rent[number.number] = (number, half_up(number.monthly_fee * min(days, month.days) / month.days))
    return rent


def _our_calls(contract: Contract, month: Month) -> list[OurCall]:
    """Our priced calls of the contract in the month (plain tuples: a statement has thousands)."""
    rows = (
        RatedCall.objects.filter(contract=contract, period=month.first_day, status__in=PRICED)
        .order_by("started_at", "call_id")
        .values_list(
            "call_id",
            "started_at",
            "destination",
            "call__callee",
            "call__billsec",
            "cost",
            "call__our_number__number",
        )
    )
    return [
        OurCall(
            call_id=call_id,
            started_at=started_at,
            digits=destination or _digits(callee),
            billsec=billsec,
            cost=cost or ZERO,
            number=number or "",
        )
        for call_id, started_at, destination, callee, billsec, cost, number in rows
    ]


def _price_their_calls(calls: list[TheirCall], contract: Contract, month: Month) -> None:
    """Expected cost of each operator call under the tariff in force on its day (in place)."""
    tariffs = _contract_tariffs(contract, month.first_day, month.next_first_day)
    books = _TariffBooks(tariffs)
    family = [contract.pk, *sorted({t.contract_id for t in tariffs} - {contract.pk})]
    ledger = rating.IncludedMinutesLedger()
    zone = _zone()
    for call in sorted(calls, key=lambda c: (c.started_at, c.line_id)):
        facts = rating.CallFacts(
            call_id=call.line_id,
            started_at=call.started_at,
            billsec=call.duration,
            answered=True,
            outbound=True,
            destination=call.digits,
        )
        day = rating.local_day(call.started_at, zone)
        book = next((b for cid in family if (b := books.book_for(cid, day)) is not None), None)
        result = rating.rate_call(facts, book, month=str(month), ledger=ledger)
        call.expected = result.cost
        call.prefix = result.prefix or ""
        call.rate = result.rate_id
        call.billed = result.billed_seconds


def _zone() -> str:
    from apps.billing.services import reporting_zone

    return reporting_zone()


# --- Call matching ------------------------------------------------------------------------------


def match_calls(theirs: list[TheirCall], ours: list[OurCall], *, seconds: int) -> CallMatch:
    """Pair each operator call with at most one of ours: same destination digits, start within
    `seconds`, duration within max(5 s, 10 %); the nearest start wins. Greedy in time order."""
    by_digits: dict[str, list[OurCall]] = defaultdict(list)
    for call in ours:
        by_digits[call.digits].append(call)
    taken: set[int] = set()
    result = CallMatch()
    window = dt.timedelta(seconds=seconds)
    for their in sorted(theirs, key=lambda c: (c.started_at, c.line_id)):
        best: OurCall | None = None
        for our in by_digits.get(their.digits, ()):
            if our.call_id in taken or abs(our.started_at - their.started_at) > window:
                continue
            if abs(our.billsec - their.duration) > max(5, their.duration // 10):
                continue
            if best is None or abs(our.started_at - their.started_at) < abs(
                best.started_at - their.started_at
            ):
                best = our
        if best is None:
            result.theirs_only.append(their)
        else:
            taken.add(best.call_id)
            result.matched.append((their, best))
    result.ours_only = [c for c in ours if c.call_id not in taken]
    return result


# --- Price changes ------------------------------------------------------------------------------


def _price_changes(
    contract: Contract, month: Month, theirs: list[TheirCall], usage_lines: list[InvoiceLine]
) -> list[PriceFinding]:
    """Per destination prefix: the per-minute price the operator charged vs the tariff's price.
    A change is suspected unless some tariff of the contract (or of its supplementary agreements and
    appendices) valid in or after the month has that price for that prefix."""
    start, end = month.first_day, month.next_first_day
    tariffs = _contract_tariffs(contract, start, end)
    rates = {
        (r.tariff_id, r.prefix): r for r in Rate.objects.filter(tariff__in=tariffs).select_related("tariff")
    }
    by_pk = {r.pk: r for r in rates.values()}
    charged: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])  # prefix → [amount, minutes]
    tariff_rate: dict[str, Rate] = {}
    for call in theirs:
        if not call.prefix or call.rate is None or not call.billed:
            continue
        rate = by_pk.get(call.rate)
        if rate is None:
            continue
        tariff_rate[call.prefix] = rate
        charged[call.prefix][0] += call.cost - rate.connection_fee
        charged[call.prefix][1] += Decimal(call.billed) / 60
    if usage_lines and tariffs:
        in_force = next((t for t in tariffs if t.covers(start)), None) or min(
            tariffs, key=lambda t: t.valid_from
        )
        by_prefix = {r.prefix: r for r in rates.values() if r.tariff_id == in_force.pk}
        by_name = {_norm(r.destination): r for r in by_prefix.values()}
        table = rating.PrefixTable((p, r) for p, r in by_prefix.items())
        for line in usage_lines:
            if not line.quantity:
                continue
            dest = line.destination.strip()
            hit = table.match(dest) if dest.isdigit() else None
            rate = hit[1] if hit else by_name.get(_norm(dest))
            if rate is None:
                continue
            tariff_rate[rate.prefix] = rate
            charged[rate.prefix][0] += line.amount
            charged[rate.prefix][1] += line.quantity
    explaining = list(
        Rate.objects.filter(
            Q(tariff__contract=contract) | Q(tariff__contract__parent=contract),
            Q(tariff__valid_to__isnull=True) | Q(tariff__valid_to__gt=start),
            tariff__valid_from__lt=end,
        ).values_list("prefix", "price_per_minute")
    )
    findings = []
    for prefix, (amount, minutes) in sorted(charged.items()):
        if minutes <= 0:
            continue
        price = (amount / minutes).quantize(Decimal("0.0001"))
        rate = tariff_rate[prefix]
        if _same_price(price, rate.price_per_minute):
            continue
        if any(p == prefix and _same_price(price, other) for p, other in explaining):
            continue
        findings.append(
            PriceFinding(prefix, rate.destination, rate.price_per_minute, price, half_up(minutes))
        )
    return findings


def _same_price(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= max(MIN_PRICE_STEP, abs(b) * PRICE_TOLERANCE)


# --- The reconciliation -------------------------------------------------------------------------


def reconcile(invoice: Invoice) -> Reconciliation:
    contract = invoice.contract
    month = Month.of(invoice.period)
    terms = _terms(contract)
    # Usage and fee lines are few: model instances. A call list has thousands: plain tuples (building a
    # model instance per call line was most of the time on a 20 000-call statement).
    lines = list(invoice.lines.exclude(kind=InvoiceLine.Kind.CALL))
    usage_lines = [ln for ln in lines if ln.kind == InvoiceLine.Kind.USAGE]
    fee_lines = [ln for ln in lines if ln.kind == InvoiceLine.Kind.FEE]
    call_lines = invoice.lines.filter(kind=InvoiceLine.Kind.CALL).values_list(
        "pk", "row", "started_at", "callee", "duration", "amount", "number"
    )

    rows: dict[tuple[str, str], Row] = {}

    def row(category: str, key: str, label: str) -> Row:
        return rows.setdefault((category, key), Row(category, key, label))

    # Usage, per our number.
    ours = _our_calls(contract, month)
    digits_of: dict[str, str] = {}  # a statement repeats callees: normalise each once
    theirs = []
    for pk, line_row, started_at, callee, duration, amount, number in call_lines.iterator(chunk_size=5000):
        digits = digits_of.get(callee)
        if digits is None:
            digits = digits_of[callee] = _digits(callee)
        theirs.append(
            TheirCall(
                line_id=pk,
                row=line_row,
                started_at=started_at,
                digits=digits,
                duration=duration or 0,
                cost=amount,
                number=number,
            )
        )
    calls = None
    if theirs:
        _price_their_calls(theirs, contract, month)
        calls = match_calls(theirs, ours, seconds=terms.match_seconds)
    for call in ours:
        r = row("usage", call.number, call.number or _("(no number)"))
        r.ours += call.cost
        if not theirs:
            r.expected += call.cost
    for call in theirs:
        r = row("usage", call.number, call.number or _("(no number)"))
        r.expected += call.expected or ZERO
        if not usage_lines:
            r.invoiced += call.cost
    for ln in usage_lines:
        r = row("usage", ln.number, ln.number or _("(no number)"))
        r.invoiced += ln.amount

    # Fees: contract charges and number rent, then what the invoice adds.
    charges = _expected_charges(contract, month)
    charge_rows: dict[int, Row] = {}
    for charge, amount in charges:
        r = row("fee", f"charge:{charge.pk}", charge.name)
        r.expected += amount
        charge_rows[charge.pk] = r
    rent = _expected_number_rent(contract, month)
    for number, (phone, amount) in rent.items():
        r = row("number_rent", number, _("Rent of %(number)s") % {"number": phone.display})
        r.expected += amount
    for alloc in ChargeAllocation.objects.filter(period=month.first_day, contract=contract).select_related(
        "number", "charge"
    ):
        if alloc.kind == ChargeAllocation.Kind.NUMBER_FEE and alloc.number_id:
            r = row(
                "number_rent", alloc.number.number, _("Rent of %(number)s") % {"number": alloc.number.display}
            )
        elif alloc.charge_id:
            r = charge_rows.get(alloc.charge_id) or row("fee", f"charge:{alloc.charge_id}", alloc.charge.name)
        else:
            continue
        r.ours += alloc.amount
    names = {_norm(charge.name): charge.pk for charge, _amount in charges}
    for ln in fee_lines:
        service = _norm(ln.service)
        charge_pk = names.get(service) or next(
            (pk for name, pk in names.items() if name and service and (name in service or service in name)),
            None,
        )
        if charge_pk is not None:
            charge_rows[charge_pk].invoiced += ln.amount
        elif ln.number and ln.number in rent:
            row("number_rent", ln.number, "").invoiced += ln.amount
        else:
            row(
                "other", _norm(ln.service) or f"row:{ln.row}", ln.service or _("(unnamed fee)")
            ).invoiced += ln.amount

    result = Reconciliation(
        invoice=invoice,
        rows=sorted(rows.values(), key=lambda r: (list(CATEGORY_LABELS).index(r.category), r.label, r.key)),
        tolerance_amount=terms.tolerance_amount,
        tolerance_percent=terms.tolerance_percent,
        calls=calls,
        price_changes=_price_changes(contract, month, theirs, usage_lines),
    )
    per_number = _calls_per_number(calls)
    for r in result.rows:
        _judge(r, result, usage_lines, per_number)
    return result


@dataclass
class _NumberCalls:
    theirs_only: list[TheirCall] = field(default_factory=list)
    ours_only: list[OurCall] = field(default_factory=list)
    matched: list[tuple[TheirCall, OurCall]] = field(default_factory=list)


def _calls_per_number(calls: CallMatch | None) -> dict[str, _NumberCalls]:
    """The matching's outcome bucketed by our number once (not filtered again for every row)."""
    buckets: dict[str, _NumberCalls] = defaultdict(_NumberCalls)
    if calls is None:
        return buckets
    for call in calls.theirs_only:
        buckets[call.number].theirs_only.append(call)
    for call in calls.ours_only:
        buckets[call.number].ours_only.append(call)
    for their, our in calls.matched:
        buckets[their.number].matched.append((their, our))
        if our.number != their.number:
            buckets[our.number].matched.append((their, our))
    return buckets


def _judge(
    row: Row, result: Reconciliation, usage_lines: list[InvoiceLine], per_number: dict[str, _NumberCalls]
) -> None:
    tolerance = max(result.tolerance_amount, abs(row.invoiced) * result.tolerance_percent / 100)
    row.discrepancy = abs(row.vs_expected) > tolerance or abs(row.vs_ours) > tolerance
    if not row.discrepancy:
        return
    if row.category == "other":
        row.reasons.append(Reason("fee_not_in_contract", row.label))
        return
    if row.category in ("fee", "number_rent"):
        if row.invoiced == ZERO and row.expected:
            row.reasons.append(Reason("not_invoiced"))
        else:
            row.reasons.append(Reason("fee_differs", f"{half_up(row.expected)} → {half_up(row.invoiced)}"))
        return
    found = False
    if result.calls is not None:
        calls = per_number.get(row.key) or _NumberCalls()
        theirs_only = calls.theirs_only
        ours_only = calls.ours_only
        if theirs_only:
            found = True
            total = sum((c.cost for c in theirs_only), ZERO)
            row.reasons.append(Reason("missing_ours", f"{len(theirs_only)} × {half_up(total)}"))
        if ours_only:
            found = True
            total = sum((c.cost for c in ours_only), ZERO)
            row.reasons.append(Reason("missing_theirs", f"{len(ours_only)} × {half_up(total)}"))
        pairs = calls.matched
        off_tariff = [
            t for t, _o in pairs if t.expected is not None and abs(t.cost - t.expected) > Decimal("0.01")
        ]
        if off_tariff:
            found = True
            row.reasons.append(Reason("rate_differs", f"{len(off_tariff)}"))
        if any(t.cost != o.cost for t, o in pairs) and not off_tariff:
            found = True
            row.reasons.append(Reason("rounding"))
    else:
        lines = [ln for ln in usage_lines if ln.number == row.key and ln.quantity is not None]
        if lines:
            their_minutes = sum((ln.quantity for ln in lines), Decimal(0))
            our_minutes = (
                Decimal(
                    sum(
                        RatedCall.objects.filter(
                            contract=result.invoice.contract,
                            period=result.invoice.period,
                            status__in=PRICED,
                            call__our_number__number=row.key,
                        ).values_list("billed_seconds", flat=True)
                    )
                )
                / 60
            )
            if their_minutes > our_minutes:
                found = True
                row.reasons.append(Reason("missing_ours", f"{their_minutes} > {half_up(our_minutes)} min"))
            elif their_minutes < our_minutes:
                found = True
                row.reasons.append(Reason("missing_theirs", f"{their_minutes} < {half_up(our_minutes)} min"))
            else:
                found = True
                row.reasons.append(Reason("rate_differs"))
    if result.price_changes and row.category == "usage" and not found:
        found = True
        row.reasons.append(Reason("rate_differs"))
    if not found:
        small = abs(row.vs_expected) <= Decimal("0.05") or abs(row.vs_ours) <= Decimal("0.05")
        row.reasons.append(Reason("rounding" if small else "unexplained"))
