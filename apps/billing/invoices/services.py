"""Invoice workflows: enter or import an invoice, check it (reconcile + flag price changes), dispute
it, pay it; its clock (last day to dispute), penalty exposure, the calendar, and the daily alerts.

Every write goes through model `save()` of audited models (`Invoice`, `Dispute`, `PriceChange`), so the
audit trail records who changed what; invoice lines are bulk-written and recorded as one event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from apps.billing.models import Dispute, Invoice, InvoiceAlert, InvoiceLine, PriceChange
from apps.billing.rating import ZERO, Month, half_up
from apps.contracts.models import Contract
from apps.core.audit import UPDATE, record_event
from apps.telecom.models import Provider

from . import deadlines, importing
from .reconciliation import Reconciliation, reconcile

ALERT_DAYS = (5, 2, 1)


def today_local() -> dt.date:
    return timezone.localdate()


# --- Entering invoices --------------------------------------------------------------------------


def _provider_of(contract: Contract, provider: Provider | None) -> Provider:
    if provider is not None:
        return provider
    parties = list(contract.providers.all().order_by("pk"))
    if len(parties) != 1:
        raise ValidationError(
            f"contract {contract.code} has {len(parties)} providers; say which one sent the invoice"
        )
    return parties[0]


def _totals(lines: list[InvoiceLine], vat_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Net = fee + usage lines; when the invoice has only a call list, the calls' costs. VAT on the net."""
    billed = [ln for ln in lines if ln.kind != InvoiceLine.Kind.CALL]
    if not any(ln.kind == InvoiceLine.Kind.USAGE for ln in lines):
        billed += [ln for ln in lines if ln.kind == InvoiceLine.Kind.CALL]
    net = sum((ln.amount for ln in billed), ZERO)
    vat = half_up(net * vat_rate / 100)
    return net, vat, net + vat


@transaction.atomic
def invoice_create(
    *,
    contract: Contract,
    number: str,
    issue_date: dt.date,
    received_date: dt.date,
    month: Month,
    due_date: dt.date | None = None,
    provider: Provider | None = None,
    lines: list[InvoiceLine] | None = None,
    net: Decimal | None = None,
    vat: Decimal | None = None,
    gross: Decimal | None = None,
) -> Invoice:
    """Manual entry (the page, the API) and the import's last step: the invoice with its lines.

    Totals not given are computed from the lines (VAT at the contract's rate)."""
    lines = lines or []
    invoice = Invoice(
        provider=_provider_of(contract, provider),
        contract=contract,
        number=number.strip(),
        issue_date=issue_date,
        received_date=received_date,
        period=month.first_day,
        due_date=due_date,
        currency=contract.currency,
    )
    c_net, c_vat, _gross = _totals(lines, contract.vat_rate)
    invoice.net = c_net if net is None else net
    invoice.vat = c_vat if vat is None else vat
    invoice.gross = (invoice.net + invoice.vat) if gross is None else gross
    invoice.full_clean(exclude=["file"], validate_unique=False)
    if Invoice.objects.filter(provider=invoice.provider, number=invoice.number).exists():
        raise ValidationError(
            {"number": f"{invoice.provider} already has an invoice numbered {invoice.number}"}
        )
    invoice.save()
    _store_lines(invoice, lines)
    return invoice


def _store_lines(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines, batch_size=2000)
    if lines:
        record_event(
            action=UPDATE,
            model=Invoice,
            object_id=str(invoice.pk),
            object_repr=f"{invoice}: {len(lines)} lines written",
            changes={"lines": [None, len(lines)], "net": [None, str(invoice.net)]},
        )


@dataclass
class ImportResult:
    invoice: Invoice
    created: bool
    lines: int
    calls: int

    def as_dict(self) -> dict:
        inv = self.invoice
        return {
            "invoice": inv.pk,
            "number": inv.number,
            "provider": inv.provider.name,
            "contract": inv.contract.code,
            "month": f"{inv.period:%Y-%m}",
            "created": self.created,
            "lines": self.lines,
            "calls": self.calls,
            "net": str(inv.net),
            "vat": str(inv.vat),
            "gross": str(inv.gross),
            "dispute_by": inv.dispute_by.isoformat() if inv.dispute_by else None,
        }


@transaction.atomic
def invoice_import(
    *,
    stream: IO[bytes],
    name: str,
    profile_name: str,
    contract: Contract | None = None,
    number: str = "",
    issue_date: dt.date | None = None,
    received_date: dt.date | None = None,
    month: Month | None = None,
    due_date: dt.date | None = None,
    timezone_name: str = "Europe/Moscow",
    keep_file: bytes | None = None,
) -> ImportResult:
    """Import an operator's invoice file through a saved column-mapping profile.

    Invoice-level facts come from the arguments, else from the file's columns `invoice_number`,
    `issue_date`, `contract` (repeated on its rows). Re-importing the same invoice number of the same
    provider replaces its lines (refused once it is accepted or paid); a bad row refuses the whole file.
    """
    profile = importing.get_profile(profile_name)
    parsed = importing.read_invoice_file(stream, profile=profile, name=name, timezone=timezone_name)
    header = parsed.header
    if contract is None:
        code = header.get("contract", "")
        if not code:
            raise ValidationError(f"{name}: say which contract (--contract) or map a contract column")
        contract = Contract.objects.filter(code=code).first()
        if contract is None:
            raise ValidationError(f"{name}, contract: no contract with code {code!r}")
    number = number or header.get("invoice_number", "")
    if not number:
        raise ValidationError(f"{name}: say the invoice number (--number) or map an invoice_number column")
    if issue_date is None and header.get("issue_date"):
        try:
            issue_date = importing._date(header["issue_date"], "issue_date", profile)
        except ValidationError as exc:
            raise ValidationError(f"{name}, {exc.messages[0]}") from exc
    if issue_date is None:
        raise ValidationError(f"{name}: say the issue date (--issued) or map an issue_date column")
    received_date = received_date or today_local()
    if month is None:
        month = Month.of(issue_date).previous()  # operators bill a month after it ends
    provider = _provider_of(contract, None)
    existing = Invoice.objects.select_for_update().filter(provider=provider, number=number.strip()).first()
    if existing is not None:
        if existing.status in (Invoice.Status.ACCEPTED, Invoice.Status.PAID) or existing.disputes.exists():
            raise ValidationError(
                f"{name}: invoice {existing.number} is {existing.get_status_display().lower()} or disputed; "
                "its lines can no longer be replaced"
            )
        existing.lines.all().delete()
        existing.net, existing.vat, existing.gross = _totals(parsed.lines, contract.vat_rate)
        existing.issue_date, existing.received_date = issue_date, received_date
        existing.period, existing.due_date = month.first_day, due_date or existing.due_date
        existing.save()
        _store_lines(existing, parsed.lines)
        invoice, created = existing, False
    else:
        invoice = invoice_create(
            contract=contract,
            number=number,
            issue_date=issue_date,
            received_date=received_date,
            month=month,
            due_date=due_date,
            provider=provider,
            lines=parsed.lines,
        )
        created = True
    if keep_file is not None:
        invoice.original_name = name[:255]
        invoice.file.save(name.rsplit("/", 1)[-1][:100], ContentFile(keep_file), save=True)
    calls = sum(1 for ln in parsed.lines if ln.kind == InvoiceLine.Kind.CALL)
    return ImportResult(invoice, created, len(parsed.lines), calls)


# --- Checking -----------------------------------------------------------------------------------


@transaction.atomic
def invoice_check(*, invoice: Invoice) -> Reconciliation:
    """Reconcile the invoice and store what it found: suspected price changes (replaced, keeping a
    verdict already given on the same prefix), the invoice's flag, and status received → checking."""
    result = reconcile(invoice)
    previous = {p.prefix: p for p in invoice.price_changes.all()}
    found = set()
    for finding in result.price_changes:
        found.add(finding.prefix)
        change = previous.get(finding.prefix) or PriceChange(invoice=invoice, contract=invoice.contract)
        change.prefix = finding.prefix
        change.destination = finding.destination[:200]
        change.tariff_price = finding.tariff_price
        change.charged_price = finding.charged_price
        change.minutes = finding.minutes
        change.save()
    for prefix, change in previous.items():
        if prefix not in found:
            change.delete()
    invoice.price_change_suspected = invoice.price_changes.exclude(
        status=PriceChange.Status.EXPLAINED
    ).exists()
    if invoice.status == Invoice.Status.RECEIVED:
        invoice.status = Invoice.Status.CHECKING
    invoice.checked_at = timezone.now()
    invoice.save()
    return result


@transaction.atomic
def price_change_decide(*, change: PriceChange, status: str) -> PriceChange:
    if status not in PriceChange.Status.values:
        raise ValidationError({"status": f"unknown status {status!r}"})
    change.status = status
    change.save()
    invoice = change.invoice
    invoice.price_change_suspected = invoice.price_changes.exclude(
        status=PriceChange.Status.EXPLAINED
    ).exists()
    invoice.save(update_fields=["price_change_suspected", "updated_at"])
    return change


# --- Disputes -----------------------------------------------------------------------------------


def dispute_letter(invoice: Invoice, result: Reconciliation, amount: Decimal) -> str:
    """The claim letter, in Russian (it goes to a Russian operator), built from the discrepancies."""
    provider = invoice.provider
    lines = [
        f"{provider.legal_name or provider.name}",
        "",
        f"ПРЕТЕНЗИЯ по счёту № {invoice.number} от {invoice.issue_date:%d.%m.%Y}",
        f"(договор {invoice.contract.code}, период {invoice.period:%m.%Y})",
        "",
        f"Счёт получен нами {invoice.received_date:%d.%m.%Y}. Сверка счёта с условиями договора и нашими "
        "данными о звонках выявила следующие расхождения:",
        "",
    ]
    for n, row in enumerate(result.discrepancies, start=1):
        reasons = "; ".join(
            _RU_REASONS.get(r.code, r.code) + (f" ({r.detail})" if r.detail else "") for r in row.reasons
        )
        lines.append(
            f"{n}. {row.label}: выставлено {half_up(row.invoiced)}, по договору {half_up(row.expected)}, "
            f"по нашим данным {half_up(row.ours)} {invoice.currency}. Причина: {reasons}."
        )
    for change in result.price_changes:
        lines.append(
            f"— Направление {change.destination} ({change.prefix}): применена цена "
            f"{change.charged_price} за минуту "
            f"вместо {change.tariff_price} по тарифу; изменение цены с нами не согласовано."
        )
    if result.calls is not None and result.calls.theirs_only:
        lines.append(
            f"— В детализации {len(result.calls.theirs_only)} звонков, которых нет в наших данных: "
            + ", ".join(f"{c.started_at:%d.%m %H:%M} → {c.digits}" for c in result.calls.theirs_only[:20])
        )
    lines += [
        "",
        f"Оспариваемая сумма: {half_up(amount)} {invoice.currency} (без НДС). Просим произвести перерасчёт "
        "и выставить корректировочный счёт. Оспариваемая сумма не подлежит оплате до урегулирования "
        "разногласий; настоящая претензия направлена в срок, установленный договором для возражений "
        "по счёту.",
    ]
    return "\n".join(lines)


_RU_REASONS = {
    "fee_not_in_contract": "начисление, не предусмотренное договором",
    "fee_differs": "сумма отличается от договорной",
    "not_invoiced": "не выставлено",
    "missing_ours": "звонки, отсутствующие в наших данных",
    "missing_theirs": "наши звонки, отсутствующие в детализации",
    "rate_differs": "цена отличается от тарифа",
    "rounding": "округление / шаг тарификации",
    "unexplained": "причина не установлена",
}


@transaction.atomic
def dispute_open(*, invoice: Invoice, reason: str = "", amount: Decimal | None = None) -> Dispute:
    """A draft dispute with its letter generated from the invoice's discrepancies."""
    result = reconcile(invoice)
    amount = half_up(result.disputable) if amount is None else amount
    if amount <= 0 and not reason:
        raise ValidationError(_no_discrepancy())
    summary = "; ".join(f"{row.label}: {half_up(row.vs_expected)}" for row in result.discrepancies)
    dispute = Dispute(
        invoice=invoice,
        reason=reason or summary or "—",
        amount=amount,
        letter=dispute_letter(invoice, result, amount),
    )
    dispute.full_clean()
    dispute.save()
    return dispute


def _no_discrepancy() -> str:
    return "The invoice has no discrepancy to dispute; give a reason to dispute it anyway."


@transaction.atomic
def dispute_send(*, dispute: Dispute, sent_on: dt.date | None = None) -> Dispute:
    """The letter went to the operator: the invoice's clock stops (if sent by the last day)."""
    if dispute.status != Dispute.Status.DRAFT:
        raise ValidationError({"status": "only a draft dispute can be sent"})
    dispute.status = Dispute.Status.SENT
    dispute.sent_on = sent_on or today_local()
    dispute.full_clean()
    dispute.save()
    invoice = dispute.invoice
    if invoice.status != Invoice.Status.PAID:
        invoice.status = Invoice.Status.DISPUTED
        invoice.save()
    return dispute


@transaction.atomic
def dispute_resolve(
    *, dispute: Dispute, status: str, credit: Decimal = ZERO, resolved_on: dt.date | None = None
) -> Dispute:
    """The operator answered: a credit (credited), a refusal (rejected), or we withdrew it."""
    allowed = {Dispute.Status.CREDITED, Dispute.Status.REJECTED, Dispute.Status.WITHDRAWN}
    if status not in allowed:
        raise ValidationError({"status": f"a dispute is resolved as one of {sorted(allowed)}"})
    if dispute.status not in (Dispute.Status.DRAFT, Dispute.Status.SENT):
        raise ValidationError({"status": "this dispute is already resolved"})
    dispute.status = status
    dispute.credit_received = credit if status == Dispute.Status.CREDITED else ZERO
    dispute.resolved_on = resolved_on or today_local()
    dispute.full_clean()
    dispute.save()
    invoice = dispute.invoice
    if (
        invoice.status == Invoice.Status.DISPUTED
        and not invoice.disputes.filter(status=Dispute.Status.SENT).exists()
    ):
        invoice.status = Invoice.Status.ACCEPTED
        invoice.save()
    return dispute


@transaction.atomic
def invoice_pay(*, invoice: Invoice, paid_on: dt.date | None = None) -> Invoice:
    invoice.status = Invoice.Status.PAID
    invoice.paid_on = paid_on or today_local()
    invoice.full_clean(exclude=["file"], validate_unique=False)
    invoice.save()
    return invoice


# --- Clock, penalty, calendar -------------------------------------------------------------------


def disputed_on(invoice: Invoice) -> dt.date | None:
    """The day the first dispute that counts was sent (prefetch `disputes` for lists)."""
    days = [d.sent_on for d in invoice.disputes.all() if d.status in Dispute.RAISED and d.sent_on]
    return min(days) if days else None


def invoice_clock(invoice: Invoice, today: dt.date | None = None) -> deadlines.Clock:
    today = today or today_local()
    settled = invoice.status in (Invoice.Status.ACCEPTED, Invoice.Status.PAID)
    return deadlines.clock(
        dispute_by=invoice.dispute_by, today=today, disputed_on=disputed_on(invoice), settled=settled
    )


def invoice_debt(invoice: Invoice) -> Decimal:
    """What we still owe: gross, less credits received, less amounts under a dispute still pending."""
    if invoice.status == Invoice.Status.PAID:
        return ZERO
    credits = sum((d.credit_received for d in invoice.disputes.all()), ZERO)
    pending = sum((d.amount for d in invoice.disputes.all() if d.status == Dispute.Status.SENT), ZERO)
    return max(invoice.gross - credits - pending, ZERO)


def invoice_penalty(invoice: Invoice, today: dt.date | None = None) -> deadlines.Penalty:
    today = today or today_local()
    contract = invoice.contract
    return deadlines.penalty(
        debt=invoice_debt(invoice),
        due_date=invoice.due_date if invoice.due_date and invoice.due_date < today else None,
        today=today,
        rate_per_day=contract.penalty_rate_per_day,
        cap_percent=contract.penalty_cap,
    )


def invoices_for_lists():
    return Invoice.objects.select_related("provider", "contract").prefetch_related(
        Prefetch("disputes", queryset=Dispute.objects.order_by("pk"))
    )


@dataclass
class CalendarEntry:
    day: dt.date
    kind: str  # "dispute_by" or "due"
    invoice: Invoice
    amount: Decimal
    penalty_per_day: Decimal
    penalty_accrued: Decimal


def due_calendar(*, today: dt.date | None = None, days: int = 62) -> list[CalendarEntry]:
    """Last days to dispute and payment due dates from `days` ago to `days` ahead, with exposures."""
    today = today or today_local()
    start, end = today - dt.timedelta(days=days), today + dt.timedelta(days=days)
    entries = []
    for invoice in invoices_for_lists().exclude(status=Invoice.Status.PAID):
        clock = invoice_clock(invoice, today)
        if invoice.dispute_by and start <= invoice.dispute_by <= end and clock.state == "running":
            entries.append(
                CalendarEntry(invoice.dispute_by, "dispute_by", invoice, invoice.gross, ZERO, ZERO)
            )
        if invoice.due_date and start <= invoice.due_date <= end:
            fine = invoice_penalty(invoice, today)
            exposure = deadlines.penalty(
                debt=invoice_debt(invoice),
                due_date=invoice.due_date,
                today=max(today, invoice.due_date + dt.timedelta(days=1)),
                rate_per_day=invoice.contract.penalty_rate_per_day,
                cap_percent=invoice.contract.penalty_cap,
            )
            entries.append(
                CalendarEntry(
                    invoice.due_date,
                    "due",
                    invoice,
                    invoice_debt(invoice),
                    fine.per_day if fine.days_late else exposure.per_day,
                    fine.accrued,
                )
            )
    return sorted(entries, key=lambda e: (e.day, e.kind, e.invoice.number))


# --- Daily: alerts and deemed acceptance -------------------------------------------------------


def invoice_alerts_send(*, today: dt.date | None = None) -> list[InvoiceAlert]:
    """E-mail accounting about invoices whose last day to dispute is 5, 2 or 1 days away — each
    (invoice, days, last day) once; invoices whose window has passed undisputed become accepted."""
    from django.core.mail import send_mail

    from apps.billing.services import accounting_recipients

    today = today or today_local()
    for invoice in invoices_for_lists().undisputed_open().filter(dispute_by__lt=today):
        if invoice_clock(invoice, today).state == "deemed_accepted":
            invoice.status = Invoice.Status.ACCEPTED
            invoice.save()
    recipients = accounting_recipients()
    if not recipients:
        return []
    sent = []
    for days in ALERT_DAYS:
        due = today + dt.timedelta(days=days)
        for invoice in invoices_for_lists().undisputed_open().filter(dispute_by=due):
            try:
                with transaction.atomic():
                    alert = InvoiceAlert.objects.create(
                        invoice=invoice,
                        days_before=days,
                        dispute_by=due,
                        sent_at=timezone.now(),
                        recipients=", ".join(recipients),
                    )
                    result = reconcile(invoice)
                    send_mail(
                        subject=(
                            f"Invoice {invoice.number} ({invoice.provider.name}) is deemed accepted after "
                            f"{due:%d.%m.%Y}: {days} day(s) left to dispute"
                        ),
                        message=(
                            f"Invoice {invoice.number} of {invoice.provider.name}, "
                            f"contract {invoice.contract.code}, "
                            f"{invoice.period:%Y-%m}: gross {invoice.gross} {invoice.currency}.\n"
                            f"Last day to dispute: {due:%d.%m.%Y} ({days} day(s) left).\n"
                            f"Discrepancies found: {len(result.discrepancies)}, disputable "
                            f"{half_up(result.disputable)} {invoice.currency}.\n"
                        ),
                        from_email=None,
                        recipient_list=recipients,
                    )
            except IntegrityError:
                continue  # already sent (a redelivered task)
            sent.append(alert)
    return sent


def attention_counts(today: dt.date) -> tuple[int, int]:
    """(invoices whose last day to dispute is within 5 days, undisputed; unpaid invoices past due)."""
    soon = (
        Invoice.objects.undisputed_open()
        .filter(dispute_by__gte=today, dispute_by__lte=today + dt.timedelta(days=max(ALERT_DAYS)))
        .count()
    )
    overdue = Invoice.objects.unpaid().filter(due_date__lt=today).count()
    return soon, overdue
