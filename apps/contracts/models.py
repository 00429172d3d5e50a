"""Contracts: the register of agreements with providers, their documents, tariffs and charges."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from apps.core.audit import audited
from apps.core.models import EffectiveDatedModel, EffectiveDatedQuerySet, TimeStampedModel
from apps.core.money import currency_field, money_field

from . import dates

prefix_validator = RegexValidator(r"^\d{1,15}$", _("A prefix is 1 to 15 digits of E.164, without the plus."))
INCREMENT_RE = re.compile(r"^\s*(\d{1,4})\s*/\s*(\d{1,4})\s*$")
MAX_INCREMENT_SECONDS = 3600


def parse_increment(text: str) -> tuple[int, int]:
    """`"60/60"` → (60, 60): the first billed block and every next block, in seconds."""
    match = INCREMENT_RE.match(text or "")
    if not match:
        raise ValidationError(
            _("%(value)s is not a billing increment; write it as A/B seconds, e.g. 60/60, 1/1 or 30/6."),
            params={"value": text},
        )
    first, step = int(match[1]), int(match[2])
    for value in (first, step):
        if not 1 <= value <= MAX_INCREMENT_SECONDS:
            raise ValidationError(
                _("Billing increment %(value)s: each part must be 1 to %(max)s seconds."),
                params={"value": text, "max": MAX_INCREMENT_SECONDS},
            )
    return first, step


def validate_increment(value: str) -> None:
    parse_increment(value)


class ContractQuerySet(models.QuerySet):
    """The register's vocabulary. Key dates are computed in Python (month arithmetic is not portable
    SQL), on a pre-filtered set of signed contracts, and handed back as a queryset."""

    def in_force(self):
        return self.filter(status=Contract.Status.SIGNED)

    def _matching(self, on: dt.date, test):
        candidates = self.in_force().filter(start_date__lte=on + dt.timedelta(days=3660))
        candidates = candidates.select_related(None).prefetch_related(None).only(*Contract.DATE_FIELDS)
        pks = [c.pk for c in candidates if test(c)]
        return self.filter(pk__in=pks)

    def expiring_within(self, *, days: int, on: dt.date | None = None):
        """Signed contracts whose current term ends within `days` days from `on` (inclusive)."""
        on = on or timezone.localdate()
        horizon = on + dt.timedelta(days=days)

        def test(contract):
            end = contract.key_dates(on).term_end
            return end is not None and on <= end <= horizon

        return self._matching(on, test)

    def in_notice_window(self, *, on: dt.date | None = None, days: int | None = None):
        """Signed contracts whose last day to give notice falls within `days` days from `on` (inclusive)."""
        on = on or timezone.localdate()
        days = settings.PORTAL_NOTICE_WINDOW_DAYS if days is None else days
        horizon = on + dt.timedelta(days=days)

        def test(contract):
            deadline = contract.next_notice_deadline(on)
            return deadline is not None and on <= deadline <= horizon

        return self._matching(on, test)


@audited()
class Contract(TimeStampedModel):
    """A signed (or drafted) agreement with one or more providers: a service contract, a supplementary
    agreement for a number, a tariff appendix, a PBX service or equipment contract."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service contract")
        SUPPLEMENTARY = "supplementary", _("Supplementary agreement")
        TARIFF_APPENDIX = "tariff_appendix", _("Tariff appendix")
        PBX_SERVICE = "pbx_service", _("PBX service")
        EQUIPMENT = "equipment", _("Equipment")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        SIGNED = "signed", _("Signed")
        TERMINATED = "terminated", _("Terminated")

    class Renewal(models.TextChoices):
        NONE = dates.NONE, _("No renewal")
        TACIT = dates.TACIT, _("Tacit (automatic)")
        EXPRESS = dates.EXPRESS, _("Express (by agreement)")

    DATE_FIELDS = (
        "pk",
        "start_date",
        "end_date",
        "initial_term_months",
        "renewal",
        "renewal_term_months",
        "notice_days",
        "status",
    )

    code = models.CharField(_("number / code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SERVICE)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("parent contract"),
        help_text=_("The master contract of an agreement, or the agreement of an appendix."),
    )
    providers = models.ManyToManyField(
        "telecom.Provider",
        through="contracts.ContractParty",
        related_name="contracts",
        blank=True,
        verbose_name=_("providers"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Last day of the initial term, if the text states it."),
    )
    initial_term_months = models.PositiveSmallIntegerField(
        _("initial term, months"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    renewal = models.CharField(_("renewal"), max_length=8, choices=Renewal.choices, default=Renewal.NONE)
    renewal_term_months = models.PositiveSmallIntegerField(
        _("renewal term, months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Blank = the same length as the initial term."),
    )
    notice_days = models.PositiveSmallIntegerField(_("notice period, days"), null=True, blank=True)
    currency = currency_field()
    vat_rate = models.DecimalField(
        _("VAT rate, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("22.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    payment_terms = models.CharField(_("payment terms"), max_length=300, blank=True)
    dispute_window_days = models.PositiveSmallIntegerField(
        _("invoice dispute window, days"), null=True, blank=True
    )
    penalty_rate_per_day = models.DecimalField(
        _("late penalty, % per day"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    penalty_cap = models.DecimalField(
        _("late penalty cap, % of the debt"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0) & Q(vat_rate__lte=100), name="%(app_label)s_%(class)s_vat_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
        if self.renewal != self.Renewal.NONE and not (self.end_date or self.initial_term_months):
            raise ValidationError(
                {"renewal": _("A renewing contract needs an end date or an initial term in months.")}
            )
        if (
            self.renewal == self.Renewal.TACIT
            and self.start_date
            and (self.end_date or self.initial_term_months)
            and not dates.renewal_months(self.terms)
        ):
            raise ValidationError({"renewal_term_months": _("Say how many months each renewal lasts.")})
        if self.status == self.Status.SIGNED and not self.signed_on:
            raise ValidationError({"signed_on": _("A signed contract needs its signing date.")})
        self._check_parent_chain()
        # Later apps (risk) veto a status change through settings, so contracts never imports them.
        for check in settings.PORTAL_CONTRACT_APPROVAL_CHECKS:
            import_string(check)(self)

    def _check_parent_chain(self) -> None:
        seen = {self.pk} if self.pk else set()
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("A contract cannot be its own ancestor.")})
            seen.add(node.pk)
            node = node.parent

    # Key dates ----------------------------------------------------------------------------------

    @property
    def terms(self) -> dates.Terms:
        return dates.Terms(
            start=self.start_date,
            end_date=self.end_date,
            initial_term_months=self.initial_term_months,
            renewal=self.renewal,
            renewal_term_months=self.renewal_term_months,
            notice_days=self.notice_days,
        )

    def key_dates(self, on: dt.date | None = None) -> dates.KeyDates:
        return dates.key_dates(self.terms, on or timezone.localdate())

    def next_notice_deadline(self, on: dt.date | None = None) -> dt.date | None:
        return dates.next_notice_deadline(self.terms, on or timezone.localdate())

    @property
    def today_key_dates(self) -> dates.KeyDates:
        return self.key_dates()

    def root(self) -> Contract:
        node = self
        while node.parent_id is not None:
            node = node.parent
        return node


@audited()
class ContractParty(TimeStampedModel):
    """One side of a contract and the part it plays; a three-party agreement has three rows.

    The customer is our own company; its row has no provider.
    """

    class Role(models.TextChoices):
        OPERATOR = "operator", _("Operator")
        PBX_PROVIDER = "pbx_provider", _("PBX provider")
        CUSTOMER = "customer", _("Customer (our company)")

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="parties", verbose_name=_("contract")
    )
    provider = models.ForeignKey(
        "telecom.Provider",
        on_delete=models.PROTECT,
        related_name="contract_parties",
        null=True,
        blank=True,
        verbose_name=_("provider"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        ordering = ["contract__code", "role"]
        verbose_name = _("contract party")
        verbose_name_plural = _("contract parties")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="customer") & Q(provider__isnull=True))
                | (~Q(role="customer") & Q(provider__isnull=False)),
                name="%(app_label)s_%(class)s_provider_unless_customer",
            ),
            models.UniqueConstraint(
                fields=["contract", "provider", "role"], name="%(app_label)s_%(class)s_unique_party"
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(role="customer"),
                name="%(app_label)s_%(class)s_one_customer",
            ),
        ]

    def __str__(self) -> str:
        who = self.provider.name if self.provider_id else settings.PORTAL_COMPANY_NAME
        return f"{who} ({self.get_role_display()})"

    def clean(self) -> None:
        super().clean()
        if self.role == self.Role.CUSTOMER and self.provider_id:
            raise ValidationError({"provider": _("The customer is our company: leave the provider blank.")})
        if self.role and self.role != self.Role.CUSTOMER and not self.provider_id:
            raise ValidationError({"provider": _("An operator or PBX provider party needs its provider.")})


class ContractNumber(EffectiveDatedModel):
    """A phone number a contract covers, for a half-open period of days."""

    overlap_scope = ("contract", "number")

    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="covered_numbers",
        verbose_name=_("contract"),
    )
    number = models.ForeignKey(
        "telecom.PhoneNumber",
        on_delete=models.PROTECT,
        related_name="contract_coverage",
        verbose_name=_("number"),
    )

    class Meta:
        ordering = ["contract__code", "number__number", "valid_from"]
        verbose_name = _("number covered")
        verbose_name_plural = _("numbers covered")
        constraints = [
            EffectiveDatedModel.period_constraint("%(app_label)s_%(class)s_period_order"),
            models.UniqueConstraint(
                fields=["contract", "number", "valid_from"], name="%(app_label)s_%(class)s_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code}: {self.number} ({self.period_label()})"


class ContractLine(EffectiveDatedModel):
    """A line (SIP trunk or analogue line) a contract covers, for a half-open period of days."""

    overlap_scope = ("contract", "line")

    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="covered_lines",
        verbose_name=_("contract"),
    )
    line = models.ForeignKey(
        "telecom.Line", on_delete=models.PROTECT, related_name="contract_coverage", verbose_name=_("line")
    )

    class Meta:
        ordering = ["contract__code", "line__name", "valid_from"]
        verbose_name = _("line covered")
        verbose_name_plural = _("lines covered")
        constraints = [
            EffectiveDatedModel.period_constraint("%(app_label)s_%(class)s_period_order"),
            models.UniqueConstraint(
                fields=["contract", "line", "valid_from"], name="%(app_label)s_%(class)s_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code}: {self.line} ({self.period_label()})"


def document_upload_to(instance: ContractDocument, filename: str) -> str:
    # The stored name is the checksum: a user-supplied name never becomes a path on our disk.
    return f"contracts/{instance.sha256[:2]}/{instance.sha256}.{instance.kind}"


class ContractDocument(TimeStampedModel):
    """One version of a contract's text as a file (PDF, DOCX or plain text) and the text extracted from it.

    Findings of the risk scanner point at character offsets in `text`, so a version is never edited:
    a corrected file is a new version.
    """

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        TXT = "txt", _("Text")

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="documents", verbose_name=_("contract")
    )
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    text = models.TextField(_("extracted text"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="contract_documents",
        null=True,
        blank=True,
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["contract__code", "-version"]
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "version"], name="%(app_label)s_%(class)s_unique_version"
            ),
            models.UniqueConstraint(
                fields=["contract", "sha256"], name="%(app_label)s_%(class)s_unique_file"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="%(app_label)s_%(class)s_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} v{self.version} ({self.original_name})"


class TariffQuerySet(EffectiveDatedQuerySet):
    pass


@audited()
class Tariff(EffectiveDatedModel):
    """A price list agreed in a contract (usually its tariff appendix), valid for a period of days.

    Periods of one contract never overlap: on any day at most one tariff of a contract applies.
    """

    overlap_scope = ("contract",)

    code = models.CharField(_("code"), max_length=64, unique=True)
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="tariffs", verbose_name=_("contract")
    )
    name = models.CharField(_("name"), max_length=200)
    increment = models.CharField(
        _("billing increment"),
        max_length=9,
        default="60/60",
        validators=[validate_increment],
        help_text=_("A/B seconds: the first block billed, then each next block, e.g. 60/60, 1/1, 30/6."),
    )
    free_seconds = models.PositiveSmallIntegerField(
        _("free seconds"), default=0, help_text=_("Calls up to this long are not billed.")
    )
    included_minutes = models.PositiveIntegerField(_("included minutes per month"), null=True, blank=True)
    currency = currency_field()

    objects = TariffQuerySet.as_manager()

    class Meta:
        ordering = ["contract__code", "valid_from"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [
            EffectiveDatedModel.period_constraint("%(app_label)s_%(class)s_period_order"),
            models.UniqueConstraint(
                fields=["contract", "valid_from"], name="%(app_label)s_%(class)s_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.increment:
            try:
                first, step = parse_increment(self.increment)
            except ValidationError as exc:
                raise ValidationError({"increment": exc.messages}) from exc
            self.increment = f"{first}/{step}"
        super().clean()

    @property
    def first_increment(self) -> int:
        return parse_increment(self.increment)[0]

    @property
    def next_increment(self) -> int:
        return parse_increment(self.increment)[1]


@audited()
class Rate(TimeStampedModel):
    """The price of a minute to destinations starting with a prefix, under one tariff."""

    tariff = models.ForeignKey(
        "contracts.Tariff", on_delete=models.CASCADE, related_name="rates", verbose_name=_("tariff")
    )
    prefix = models.CharField(_("prefix"), max_length=15, validators=[prefix_validator])
    destination = models.CharField(_("destination"), max_length=200)
    price_per_minute = models.DecimalField(
        _("price per minute"), max_digits=12, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    connection_fee = models.DecimalField(
        _("connection fee"),
        max_digits=12,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        ordering = ["tariff__code", "prefix"]
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        constraints = [
            models.UniqueConstraint(
                fields=["tariff", "prefix"], name="%(app_label)s_%(class)s_unique_prefix"
            ),
            models.CheckConstraint(
                condition=Q(price_per_minute__gte=0) & Q(connection_fee__gte=0),
                name="%(app_label)s_%(class)s_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.destination}"


@audited()
class RecurringCharge(EffectiveDatedModel):
    """A fee a contract charges regularly (or once) for one thing we use: a PBX seat, a line or its
    channels, equipment, a service. A number's own rent is its monthly fee in the inventory, not here."""

    class Kind(models.TextChoices):
        PBX_SEAT = "pbx_seat", _("PBX seats")
        LINE = "line", _("Line / channels")
        EQUIPMENT = "equipment", _("Equipment")
        SERVICE = "service", _("Service")

    class Period(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        YEARLY = "yearly", _("Yearly")
        ONE_OFF = "one_off", _("One-off")

    TARGETS = ("line", "pbx_account", "department", "number")

    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.PROTECT,
        related_name="recurring_charges",
        verbose_name=_("contract"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SERVICE)
    amount = money_field(_("amount"), validators=[MinValueValidator(Decimal("0"))])
    currency = currency_field()
    period = models.CharField(_("period"), max_length=8, choices=Period.choices, default=Period.MONTHLY)
    line = models.ForeignKey(
        "telecom.Line",
        on_delete=models.PROTECT,
        related_name="recurring_charges",
        null=True,
        blank=True,
        verbose_name=_("line"),
    )
    pbx_account = models.ForeignKey(
        "telecom.PbxAccount",
        on_delete=models.PROTECT,
        related_name="recurring_charges",
        null=True,
        blank=True,
        verbose_name=_("PBX account"),
    )
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.PROTECT,
        related_name="recurring_charges",
        null=True,
        blank=True,
        verbose_name=_("department"),
    )
    number = models.ForeignKey(
        "telecom.PhoneNumber",
        on_delete=models.PROTECT,
        related_name="recurring_charges",
        null=True,
        blank=True,
        verbose_name=_("number"),
    )

    class Meta:
        ordering = ["contract__code", "name", "valid_from"]
        verbose_name = _("recurring charge")
        verbose_name_plural = _("recurring charges")
        constraints = [
            EffectiveDatedModel.period_constraint("%(app_label)s_%(class)s_period_order"),
            models.CheckConstraint(
                condition=(
                    Q(
                        line__isnull=False,
                        pbx_account__isnull=True,
                        department__isnull=True,
                        number__isnull=True,
                    )
                    | Q(
                        line__isnull=True,
                        pbx_account__isnull=False,
                        department__isnull=True,
                        number__isnull=True,
                    )
                    | Q(
                        line__isnull=True,
                        pbx_account__isnull=True,
                        department__isnull=False,
                        number__isnull=True,
                    )
                    | Q(
                        line__isnull=True,
                        pbx_account__isnull=True,
                        department__isnull=True,
                        number__isnull=False,
                    )
                ),
                name="%(app_label)s_%(class)s_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount_not_negative"
            ),
            models.UniqueConstraint(
                fields=["contract", "name", "valid_from"], name="%(app_label)s_%(class)s_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount} {self.currency} {self.get_period_display().lower()}"

    @property
    def target(self):
        for name in self.TARGETS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        return None

    def clean(self) -> None:
        super().clean()
        chosen = [name for name in self.TARGETS if getattr(self, f"{name}_id") is not None]
        if len(chosen) != 1:
            raise ValidationError(
                _(
                    "Say what the charge is for: exactly one of line, PBX account, department or number "
                    "(got %(n)s)."
                )
                % {"n": len(chosen)}
            )


class NoticeDigest(TimeStampedModel):
    """The daily e-mail of notice deadlines, one row per day, so a redelivered task does not send twice."""

    day = models.DateField(_("day"), unique=True)
    recipients = models.TextField(_("recipients"), blank=True)
    contract_count = models.PositiveIntegerField(_("contracts listed"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("notice digest")
        verbose_name_plural = _("notice digests")

    def __str__(self) -> str:
        return f"{self.day}: {self.contract_count}"
