"""Billing: what each call cost, how fixed fees are shared out, monthly cost reports and budgets."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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

    Status = models.TextChoices("Status", [(s.name, s.value) for s in rating.Status])
    CallType = models.TextChoices("CallType", [(t.name, t.value) for t in rating.CallType])

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
            # The report groups one stored month by department, call type, status and VAT rate and sums
            # cost and billed seconds: all of it is in this index, so over 10 M stored calls the month is
            # an index-only range scan instead of a scan of the whole table (docs/billing.md, Speed). It
            # also serves every "this month, this department" lookup.
            models.Index(
                fields=["period", "department", "call_type", "status", "vat_rate", "cost", "billed_seconds"],
                name="billing_rated_report",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"call {self.call_id}: {self.get_status_display()} {self.cost if self.cost is not None else '—'}"
        )


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
