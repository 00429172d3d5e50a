"""Billing: what each call cost, how fixed fees are shared out, monthly cost reports and budgets."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from apps.core.audit import audited
from apps.core.models import TimeStampedModel
from apps.core.money import currency_field, money_field

from . import rating


def validate_first_of_month(value) -> None:
    if value is not None and value.day != 1:
        raise ValidationError(_("A billing period is a month: use its first day (e.g. 2026-03-01)."))


def period_field(**kwargs) -> models.DateField:
    return models.DateField(
        _("month"), validators=[validate_first_of_month], help_text="YYYY-MM-01", **kwargs
    )


class RatingRun(TimeStampedModel):
    """One run of the rating engine over a month (optionally one contract): a job row with its counts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    period = period_field()
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.PROTECT,
        related_name="rating_runs",
        null=True,
        blank=True,
        verbose_name=_("only contract"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    calls = models.PositiveIntegerField(_("calls looked at"), default=0)
    created = models.PositiveIntegerField(_("newly rated"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    unrated = models.PositiveIntegerField(_("unrated"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rating run")
        verbose_name_plural = _("rating runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.period:%Y-%m} {self.get_status_display()}"


# Labels of the rating engine's outcomes, translated (the English text is the one in migration 0001).
STATUS_LABELS = {
    rating.Status.RATED: _("Rated"),
    rating.Status.FREE: _("Free"),
    rating.Status.INTERNAL: _("Internal"),
    rating.Status.UNRATED: _("Unrated"),
    rating.Status.NOT_BILLABLE: _("Not Billable"),
}
CALL_TYPE_LABELS = {
    rating.CallType.LOCAL: _("Local"),
    rating.CallType.LONG_DISTANCE: _("Long Distance"),
    rating.CallType.MOBILE: _("Mobile"),
    rating.CallType.INTERNATIONAL: _("International"),
    rating.CallType.TOLL_FREE: _("Toll Free"),
    rating.CallType.INTERNAL: _("Internal"),
}


class RatedCall(models.Model):
    """What one call record cost us: the rate that priced it, billed seconds and cost, as last rated.

    One row per call record of a rated month (not-billable calls too, so "not yet rated" is simply
    "no row"). `cost` is empty exactly when the call is unrated. A re-run rewrites only rows whose
    outcome changed, and stamps those with the time of that run.

    Every reference here is derived (the rating engine writes ids it has just read, and re-rating
    rewrites them), so none carries a database FK constraint: PostgreSQL would otherwise fire five
    deferred trigger checks per row at commit, which doubled the time to rate a month. Django still
    refuses to delete a tariff or department in use (PROTECT) and deletes the rating with its call
    (CASCADE); a re-run also deletes ratings of calls that are gone. Department, tariff and rate have
    no index of their own either: every reader goes through the month (period, department) or the
    contract, and each index costs the rating of a month a pass of a million entries.
    """

    Status = models.TextChoices("Status", [(s.name, (s.value, STATUS_LABELS[s])) for s in rating.Status])
    CallType = models.TextChoices(
        "CallType", [(t.name, (t.value, CALL_TYPE_LABELS[t])) for t in rating.CallType]
    )

    call = models.OneToOneField(
        "calls.CallRecord",
        on_delete=models.CASCADE,
        db_constraint=False,
        primary_key=True,
        related_name="rating",
        verbose_name=_("call record"),
    )
    period = period_field()
    started_at = models.DateTimeField(_("started"))
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.PROTECT,
        related_name="rated_calls",
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        verbose_name=_("department"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    call_type = models.CharField(_("call type"), max_length=16, choices=CallType.choices, blank=True)
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.PROTECT,
        related_name="rated_calls",
        db_constraint=False,
        null=True,
        blank=True,
        verbose_name=_("contract"),
    )
    tariff = models.ForeignKey(
        "contracts.Tariff",
        on_delete=models.PROTECT,
        related_name="rated_calls",
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        verbose_name=_("tariff"),
    )
    rate = models.ForeignKey(
        "contracts.Rate",
        on_delete=models.SET_NULL,
        related_name="rated_calls",
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        verbose_name=_("rate"),
    )
    destination = models.CharField(_("destination digits"), max_length=20, blank=True)
    prefix = models.CharField(_("matched prefix"), max_length=15, blank=True)
    billed_seconds = models.PositiveIntegerField(_("billed seconds"), default=0)
    included_seconds = models.PositiveIntegerField(_("seconds from included minutes"), default=0)
    cost = models.DecimalField(_("cost, net"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = currency_field()
    vat_rate = models.DecimalField(_("VAT rate, %"), max_digits=5, decimal_places=2, default=Decimal("0"))
    reason = models.CharField(_("why unrated"), max_length=200, blank=True)
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ["-started_at", "-call_id"]
        verbose_name = _("rated call")
        verbose_name_plural = _("rated calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True, status="unrated")
                | (Q(cost__isnull=False) & ~Q(status="unrated")),
                name="%(app_label)s_%(class)s_cost_empty_iff_unrated",
            ),
            models.CheckConstraint(
                condition=Q(included_seconds__lte=models.F("billed_seconds")),
                name="%(app_label)s_%(class)s_included_within_billed",
            ),
        ]
        indexes = [
            # Every reader goes through the month (drill-down, "this month, this department", the rating's
            # own checks) or the contract. The report reads RatedCallSummary, not this table, so the index
            # stays narrow: each index costs every rating a pass over a month of entries (docs/billing.md).
            models.Index(fields=["period", "department"], name="billing_rated_period_dept"),
        ]

    def __str__(self) -> str:
        return (
            f"call {self.call_id}: {self.get_status_display()} {self.cost if self.cost is not None else '—'}"
        )


class RatedCallSummary(models.Model):
    """The month's rated calls summed per department, call type, status and VAT rate: what the monthly
    report reads, so its cost follows the number of groups (a few hundred), not the number of calls.

    Kept exact by database triggers on `billing_ratedcall` (migration 0004), in the transaction of every
    write whatever wrote it: both rating engines, re-rating one contract, the cascade when calls are
    deleted, a hand-made UPDATE. PostgreSQL: statement-level triggers that add the inserted rows and
    subtract the deleted ones from their transition tables, one grouped upsert per statement; SQLite:
    row-level triggers. A group whose calls drop to 0 is deleted, so the table always equals
    `GROUP BY period, department, call_type, status, vat_rate` over `billing_ratedcall` (tested).
    """

    period = period_field()
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.DO_NOTHING,  # mirrors the ratings, which already protect the department
        related_name="+",
        null=True,
        blank=True,
        db_constraint=False,
        db_index=False,
        verbose_name=_("department"),
    )
    call_type = models.CharField(_("call type"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=16)
    vat_rate = models.DecimalField(_("VAT rate, %"), max_digits=5, decimal_places=2)
    calls = models.BigIntegerField(_("calls"))
    billed_seconds = models.BigIntegerField(_("billed seconds"))
    cost = models.DecimalField(_("cost, net"), max_digits=18, decimal_places=2)  # unrated calls add 0

    class Meta:
        verbose_name = _("rated calls summary")
        verbose_name_plural = _("rated calls summaries")
        constraints = [
            # One row per group; Unassigned (no department) is a group too, hence the COALESCE (the
            # triggers' upsert names this same expression as its conflict target).
            models.UniqueConstraint(
                models.F("period"),
                Coalesce(models.F("department_id"), models.Value(0), output_field=models.IntegerField()),
                models.F("call_type"),
                models.F("status"),
                models.F("vat_rate"),
                name="%(app_label)s_%(class)s_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.department_id or '-'} {self.call_type} {self.status}: {self.calls}"


class ChargeAllocation(models.Model):
    """A share of a fixed fee landed on a department (or Unassigned) for a month: number rent,
    a recurring charge of a contract, or a one-off fee. Rebuilt for the month on every allocation."""

    class Kind(models.TextChoices):
        NUMBER_FEE = "number_fee", _("Number rent")
        RECURRING = "recurring", _("Recurring charge")
        ONE_OFF = "one_off", _("One-off charge")

    period = period_field()
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.PROTECT,
        related_name="charge_allocations",
        null=True,
        blank=True,
        verbose_name=_("department"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.ForeignKey(
        "telecom.PhoneNumber",
        on_delete=models.PROTECT,
        related_name="charge_allocations",
        null=True,
        blank=True,
        verbose_name=_("number"),
    )
    charge = models.ForeignKey(
        "contracts.RecurringCharge",
        on_delete=models.PROTECT,
        related_name="allocations",
        null=True,
        blank=True,
        verbose_name=_("charge"),
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.PROTECT,
        related_name="charge_allocations",
        null=True,
        blank=True,
        verbose_name=_("contract"),
    )
    description = models.CharField(_("description"), max_length=300)
    days = models.PositiveSmallIntegerField(_("days"), default=0)
    amount = money_field(_("amount, net"))
    currency = currency_field()
    vat_rate = models.DecimalField(_("VAT rate, %"), max_digits=5, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["period", "department__code", "kind", "pk"]
        verbose_name = _("charge allocation")
        verbose_name_plural = _("charge allocations")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__isnull=False) | Q(charge__isnull=False),
                name="%(app_label)s_%(class)s_has_source",
            ),
        ]
        indexes = [models.Index(fields=["period", "department"], name="billing_alloc_period_dept")]

    def __str__(self) -> str:
        who = self.department.code if self.department_id else _("Unassigned")
        return f"{self.period:%Y-%m} {who}: {self.description} {self.amount}"


class CostReport(TimeStampedModel):
    """The monthly cost report as last built: one per month, replaced (never appended) on rebuild."""

    period = period_field(unique=True)
    currency = currency_field()
    rated_at = models.DateTimeField(_("calls last rated"), null=True, blank=True)
    rerated = models.BooleanField(
        _("re-rated"), default=False, help_text=_("Calls were rated more than once.")
    )
    built_at = models.DateTimeField(_("built at"))
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("cost report")
        verbose_name_plural = _("cost reports")

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"


class CostReportLine(models.Model):
    """One department's figures in a monthly cost report (no department: the Unassigned line)."""

    report = models.ForeignKey(
        "billing.CostReport", on_delete=models.CASCADE, related_name="lines", verbose_name=_("report")
    )
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.PROTECT,
        related_name="cost_report_lines",
        null=True,
        blank=True,
        verbose_name=_("department"),
    )
    local = money_field(_("local"))
    long_distance = money_field(_("long distance"))
    mobile = money_field(_("mobile"))
    international = money_field(_("international"))
    toll_free = money_field(_("toll-free"))
    recurring = money_field(_("recurring"))
    one_time = money_field(_("one-off"))
    vat = money_field(_("VAT"))
    calls = models.PositiveIntegerField(_("calls"), default=0)
    billed_seconds = models.PositiveBigIntegerField(_("billed seconds"), default=0)
    unrated_calls = models.PositiveIntegerField(_("unrated calls"), default=0)
    budget = money_field(_("budget"), null=True, blank=True, default=None)

    USAGE_FIELDS = ("local", "long_distance", "mobile", "international", "toll_free")

    class Meta:
        ordering = ["report", "department__city__name", "department__code"]
        verbose_name = _("cost report line")
        verbose_name_plural = _("cost report lines")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "department"], name="%(app_label)s_%(class)s_unique_dept"
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(department__isnull=True),
                name="%(app_label)s_%(class)s_one_unassigned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.department or _('Unassigned')}"

    @property
    def usage(self) -> Decimal:
        return sum((getattr(self, f) for f in self.USAGE_FIELDS), Decimal("0.00"))

    @property
    def net(self) -> Decimal:
        return self.usage + self.recurring + self.one_time

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.net > self.budget


class Budget(TimeStampedModel):
    """How much a department may spend on telephony in a month (net of VAT)."""

    department = models.ForeignKey(
        "company.Department", on_delete=models.PROTECT, related_name="budgets", verbose_name=_("department")
    )
    period = period_field()
    amount = money_field(_("amount, net"), validators=[MinValueValidator(Decimal("0"))])
    currency = currency_field()
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-period", "department__code"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "period"], name="%(app_label)s_%(class)s_unique_month"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} {self.period:%Y-%m}: {self.amount} {self.currency}"


# --- Operator invoices (issue 7) ----------------------------------------------------------------


@audited()
class InvoiceTerms(TimeStampedModel):
    """How accounting checks one contract's invoices: whether its dispute window counts working or
    calendar days (the number of days is the contract's `dispute_window_days`), and how far a figure
    may differ before it is a discrepancy. No row = calendar days and the default tolerances."""

    class DayKind(models.TextChoices):
        CALENDAR = "calendar", _("Calendar days")
        WORKING = "working", _("Working days (Russian production calendar)")

    contract = models.OneToOneField(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="invoice_terms",
        verbose_name=_("contract"),
    )
    window_day_kind = models.CharField(
        _("dispute window counts"), max_length=8, choices=DayKind.choices, default=DayKind.CALENDAR
    )
    tolerance_amount = money_field(
        _("tolerance, amount"), default=Decimal("0.10"), validators=[MinValueValidator(Decimal("0"))]
    )
    tolerance_percent = models.DecimalField(
        _("tolerance, % of the invoiced amount"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    match_seconds = models.PositiveSmallIntegerField(_("call matching: start time tolerance, s"), default=120)

    class Meta:
        verbose_name = _("invoice terms")
        verbose_name_plural = _("invoice terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(tolerance_amount__gte=0) & Q(tolerance_percent__gte=0),
                name="%(app_label)s_%(class)s_tolerance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code}: {self.get_window_day_kind_display()}"


class InvoiceQuerySet(models.QuerySet):
    def open(self):
        """Invoices still to be settled: not accepted or paid."""
        return self.exclude(status__in=[Invoice.Status.ACCEPTED, Invoice.Status.PAID])

    def undisputed_open(self):
        return self.filter(status__in=[Invoice.Status.RECEIVED, Invoice.Status.CHECKING])

    def unpaid(self):
        return self.exclude(status=Invoice.Status.PAID)

    def visible_to(self, user):
        return self


def invoice_upload_to(instance, filename: str) -> str:
    return f"invoices/{instance.provider_id or 'unknown'}/{filename}"


@audited()
class Invoice(TimeStampedModel):
    """A bill an operator sent us for one month of service under one contract."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CHECKING = "checking", _("Checking")
        DISPUTED = "disputed", _("Disputed")
        ACCEPTED = "accepted", _("Accepted")
        PAID = "paid", _("Paid")

    provider = models.ForeignKey(
        "telecom.Provider", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("provider")
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("contract")
    )
    number = models.CharField(_("invoice number"), max_length=64)
    issue_date = models.DateField(_("issue date"))
    received_date = models.DateField(_("received"))
    period = period_field()
    due_date = models.DateField(_("payment due"), null=True, blank=True)
    currency = currency_field()
    net = money_field(_("net"))
    vat = money_field(_("VAT"))
    gross = money_field(_("gross"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    file = models.FileField(_("file"), upload_to=invoice_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    dispute_by = models.DateField(
        _("last day to dispute"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Received date + the contract's dispute window; empty when the contract sets none."),
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    price_change_suspected = models.BooleanField(_("suspected price change"), default=False)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-received_date", "-pk"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(received_date__gte=models.F("issue_date")),
                name="%(app_label)s_%(class)s_received_after_issue",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False),
                name="%(app_label)s_%(class)s_paid_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "dispute_by"], name="billing_invoice_status_by")]

    def __str__(self) -> str:
        return f"{self.number} ({self.period:%Y-%m})"

    def clean(self) -> None:
        super().clean()
        if self.issue_date and self.received_date and self.received_date < self.issue_date:
            raise ValidationError({"received_date": _("An invoice cannot be received before it is issued.")})
        if self.status == self.Status.PAID and not self.paid_on:
            raise ValidationError({"paid_on": _("A paid invoice needs the date it was paid.")})
        if self.contract_id and self.provider_id:
            parties = set(self.contract.parties.values_list("provider_id", flat=True))
            if parties and self.provider_id not in parties:
                raise ValidationError({"contract": _("The provider is not a party to this contract.")})

    def save(self, *args, **kwargs):
        from .invoices.deadlines import invoice_dispute_by

        self.dispute_by = invoice_dispute_by(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "dispute_by"}
        super().save(*args, **kwargs)


class InvoiceLine(models.Model):
    """One line of an operator invoice: a service charge, usage of a number, or one call of the
    statement attached to it (calls carry their start, the number dialled and the duration).

    Not audited row by row: a statement has thousands of call lines, written with bulk_create; the
    import records one audit event on its invoice instead (`invoices.services`)."""

    class Kind(models.TextChoices):
        USAGE = "usage", _("Usage (minutes)")
        FEE = "fee", _("Fee")
        CALL = "call", _("Call (statement)")

    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
    )
    row = models.PositiveIntegerField(_("row in the file"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.FEE)
    service = models.CharField(_("service"), max_length=300, blank=True)
    number = models.CharField(
        _("number or line"), max_length=80, blank=True, help_text=_("Our number (E.164) or line id.")
    )
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    started_at = models.DateTimeField(_("call started"), null=True, blank=True)
    callee = models.CharField(_("number dialled"), max_length=80, blank=True)
    duration = models.PositiveIntegerField(_("duration, s"), null=True, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, null=True, blank=True, help_text=_("minutes, units")
    )
    amount = money_field(_("amount, net"))

    class Meta:
        ordering = ["invoice", "kind", "row", "pk"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="call") | (Q(started_at__isnull=False) & Q(duration__isnull=False)),
                name="%(app_label)s_%(class)s_call_has_start_and_duration",
            ),
        ]
        indexes = [models.Index(fields=["invoice", "kind"], name="billing_invline_kind")]

    def __str__(self) -> str:
        return f"{self.invoice.number}: {self.service or self.get_kind_display()} {self.number} {self.amount}"

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.CALL and (self.started_at is None or self.duration is None):
            raise ValidationError(_("A call line needs its start time and duration."))
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The line's period ends before it starts.")})


@audited()
class Dispute(TimeStampedModel):
    """Our written objection to an invoice: what we contest and why. Sent within the window, it stops
    the deemed-acceptance clock; it ends with a credit from the operator, a rejection or a withdrawal."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        CREDITED = "credited", _("Credit received")
        REJECTED = "rejected", _("Rejected by the operator")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Statuses in which the dispute was raised in time and still counts as raised.
    RAISED = (Status.SENT, Status.CREDITED, Status.REJECTED)

    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.PROTECT, related_name="disputes", verbose_name=_("invoice")
    )
    reason = models.TextField(_("reason"))
    amount = money_field(_("amount disputed"), validators=[MinValueValidator(Decimal("0"))])
    letter = models.TextField(_("letter text"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    credit_received = money_field(_("credit received"), validators=[MinValueValidator(Decimal("0"))])
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(credit_received__gte=0),
                name="%(app_label)s_%(class)s_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="withdrawn") | Q(sent_on__isnull=False),
                name="%(app_label)s_%(class)s_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice.number}: {self.amount} ({self.get_status_display()})"

    def clean(self) -> None:
        super().clean()
        if self.status in self.RAISED and not self.sent_on:
            raise ValidationError({"sent_on": _("Say when the dispute was sent to the operator.")})
        if self.credit_received and self.credit_received > self.amount:
            raise ValidationError({"credit_received": _("The credit is more than the amount disputed.")})


@audited()
class PriceChange(TimeStampedModel):
    """A suspected unilateral price change: on an invoice the operator charged a per-minute price for a
    destination that no tariff of the contract in force explains. Rebuilt on every check of the invoice;
    the lawyer's and accounting's view of it lives in `status`."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        EXPLAINED = "explained", _("explained")
        CONFIRMED = "confirmed", _("confirmed unilateral change")

    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.CASCADE, related_name="price_changes", verbose_name=_("invoice")
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="suspected_price_changes",
        verbose_name=_("contract"),
    )
    prefix = models.CharField(_("prefix"), max_length=15)
    destination = models.CharField(_("destination"), max_length=200)
    tariff_price = models.DecimalField(_("tariff price per minute"), max_digits=12, decimal_places=4)
    charged_price = models.DecimalField(_("charged price per minute"), max_digits=12, decimal_places=4)
    minutes = models.DecimalField(_("minutes charged"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["-invoice__received_date", "prefix"]
        verbose_name = _("suspected price change")
        verbose_name_plural = _("suspected price changes")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "prefix"], name="%(app_label)s_%(class)s_one_per_prefix"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} {self.prefix}: {self.tariff_price} → {self.charged_price}"

    @property
    def change_percent(self) -> Decimal:
        if not self.tariff_price:
            return Decimal("100")
        return ((self.charged_price - self.tariff_price) / self.tariff_price * 100).quantize(Decimal("0.1"))


class InvoiceAlert(models.Model):
    """One alert sent to accounting about an invoice nearing deemed acceptance (5, 2 or 1 days before):
    the natural key makes a redelivered daily task send nothing twice."""

    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.CASCADE, related_name="alerts", verbose_name=_("invoice")
    )
    days_before = models.PositiveSmallIntegerField(_("days before"))
    dispute_by = models.DateField(_("last day to dispute"))
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.TextField(_("recipients"), blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("invoice alert")
        verbose_name_plural = _("invoice alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "days_before", "dispute_by"], name="%(app_label)s_%(class)s_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice}: {self.days_before} d"
