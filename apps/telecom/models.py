"""Telecom inventory: who provides what, which numbers we hold, lines, PBX, extensions and phones."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.audit import audited
from apps.core.models import EffectiveDatedModel, TimeStampedModel
from apps.core.money import currency_field, money_field
from apps.core.phones import E164Field, format_phone

inn_validator = RegexValidator(r"^(\d{10}|\d{12})$", _("An INN is 10 digits (company) or 12 (person)."))
extension_validator = RegexValidator(r"^\d{2,6}$", _("An extension is 2 to 6 digits."))
mac_validator = RegexValidator(
    r"^([0-9A-F]{2}:){5}[0-9A-F]{2}$", _("A MAC address looks like 00:1A:2B:3C:4D:5E.")
)


class Provider(TimeStampedModel):
    """A company we buy telephony from: an operator, a cloud-PBX provider or a reseller."""

    class Kind(models.TextChoices):
        OPERATOR = "operator", _("Operator")
        PBX_PROVIDER = "pbx_provider", _("PBX provider")
        RESELLER = "reseller", _("Reseller")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    legal_name = models.CharField(_("legal name"), max_length=300, blank=True)
    inn = models.CharField(_("tax id (INN)"), max_length=12, blank=True, validators=[inn_validator])
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name


class PbxAccount(TimeStampedModel):
    """Our account with a PBX (cloud or on-premises) that numbers are routed to."""

    provider = models.ForeignKey(
        "telecom.Provider",
        on_delete=models.PROTECT,
        related_name="pbx_accounts",
        verbose_name=_("PBX provider"),
    )
    account_id = models.CharField(_("account id"), max_length=100)
    name = models.CharField(_("name"), max_length=200, blank=True)
    portal_url = models.URLField(_("portal URL"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["provider__name", "account_id"]
        verbose_name = _("PBX account")
        verbose_name_plural = _("PBX accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "account_id"], name="%(app_label)s_%(class)s_unique_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} / {self.name or self.account_id}"


class PhoneNumberQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=PhoneNumber.Status.RELEASED)

    def at_risk(self):
        """Numbers held through an intermediary: lost if we leave that provider."""
        return self.active().filter(intermediary__isnull=False)

    def visible_to(self, user):
        return self


@audited()
class PhoneNumber(TimeStampedModel):
    """A telephone number (DID) we hold, who owns its range, and who we rent it through."""

    class Kind(models.TextChoices):
        GEOGRAPHIC = "geographic", _("Geographic")
        MOBILE = "mobile", _("Mobile")
        TOLL_FREE = "toll_free", _("Toll-free (8-800)")

    class Status(models.TextChoices):
        RESERVED = "reserved", _("Reserved")
        ACTIVE = "active", _("Active")
        PORTING = "porting", _("Porting")
        RELEASED = "released", _("Released")

    number = E164Field(_("number"), unique=True, help_text="E.164; 8 (843) 200-00-00 is accepted")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GEOGRAPHIC)
    city = models.ForeignKey(
        "company.City", on_delete=models.PROTECT, related_name="phone_numbers", verbose_name=_("city")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    reserved_on = models.DateField(_("reserved on"), null=True, blank=True)
    activated_on = models.DateField(_("activated on"), null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    carrier = models.ForeignKey(
        "telecom.Provider",
        on_delete=models.PROTECT,
        related_name="carried_numbers",
        verbose_name=_("carrier of record"),
        help_text=_("The operator that owns the number range."),
    )
    intermediary = models.ForeignKey(
        "telecom.Provider",
        on_delete=models.PROTECT,
        related_name="intermediated_numbers",
        null=True,
        blank=True,
        verbose_name=_("intermediary"),
        help_text=_("Who we rent the number through (e.g. the PBX provider); blank = direct."),
    )
    pbx_account = models.ForeignKey(
        "telecom.PbxAccount",
        on_delete=models.PROTECT,
        related_name="numbers",
        null=True,
        blank=True,
        verbose_name=_("routed to PBX account"),
    )
    monthly_fee = money_field(_("monthly fee"), validators=[MinValueValidator(Decimal("0"))])
    currency = currency_field()
    notes = models.TextField(_("notes"), blank=True)

    objects = PhoneNumberQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(carrier=models.F("intermediary")) | Q(intermediary__isnull=True),
                name="%(app_label)s_%(class)s_intermediary_not_carrier",
            ),
            models.CheckConstraint(
                condition=Q(monthly_fee__gte=0), name="%(app_label)s_%(class)s_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return format_phone(self.number)

    @property
    def display(self) -> str:
        return format_phone(self.number)

    @property
    def is_at_risk(self) -> bool:
        return self.intermediary_id is not None and self.status != self.Status.RELEASED

    def clean(self) -> None:
        super().clean()
        if self.intermediary_id and self.intermediary_id == self.carrier_id:
            raise ValidationError({"intermediary": _("The intermediary cannot be the carrier itself.")})
        if self.status == self.Status.RELEASED and not self.released_on:
            raise ValidationError({"released_on": _("A released number needs its release date.")})


@audited()
class NumberAssignment(EffectiveDatedModel):
    """Which department uses a number, for a half-open period of days."""

    overlap_scope = ("number",)

    number = models.ForeignKey(
        "telecom.PhoneNumber",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("number"),
    )
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.PROTECT,
        related_name="number_assignments",
        verbose_name=_("department"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["number__number", "valid_from"]
        verbose_name = _("number assignment")
        verbose_name_plural = _("number assignments")
        constraints = [
            EffectiveDatedModel.period_constraint("%(app_label)s_%(class)s_period_order"),
            models.UniqueConstraint(
                fields=["number", "valid_from"], name="%(app_label)s_%(class)s_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} → {self.department.code} ({self.period_label()})"


class Line(TimeStampedModel):
    """A SIP trunk or an analogue line from a provider; `trunk_id` is how the PBX names it in CDRs."""

    class Kind(models.TextChoices):
        SIP_TRUNK = "sip_trunk", _("SIP trunk")
        ANALOGUE = "analogue", _("Analogue line")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SIP_TRUNK)
    provider = models.ForeignKey(
        "telecom.Provider", on_delete=models.PROTECT, related_name="lines", verbose_name=_("provider")
    )
    city = models.ForeignKey(
        "company.City", on_delete=models.PROTECT, related_name="lines", verbose_name=_("city")
    )
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.PROTECT,
        related_name="lines",
        null=True,
        blank=True,
        verbose_name=_("department"),
        help_text=_("For a line that ends at one salon."),
    )
    trunk_id = models.CharField(
        _("trunk id"),
        max_length=100,
        blank=True,
        help_text=_("The name in call records, e.g. trunk-kzn in PJSIP/trunk-kzn-0000001b."),
    )
    channels = models.PositiveIntegerField(_("channels"), default=1)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["city__name", "name"]
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        constraints = [
            models.UniqueConstraint(
                fields=["trunk_id"],
                condition=~Q(trunk_id=""),
                name="%(app_label)s_%(class)s_unique_trunk_id",
            ),
            models.CheckConstraint(condition=Q(channels__gte=1), name="%(app_label)s_%(class)s_channels"),
        ]

    def __str__(self) -> str:
        return self.name


class Extension(EffectiveDatedModel):
    """An internal number on a PBX, used by an employee (or a shared phone) of a department."""

    overlap_scope = ("pbx_account", "extension")

    extension = models.CharField(_("extension"), max_length=6, validators=[extension_validator])
    pbx_account = models.ForeignKey(
        "telecom.PbxAccount",
        on_delete=models.PROTECT,
        related_name="extensions",
        null=True,
        blank=True,
        verbose_name=_("PBX account"),
    )
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.PROTECT,
        related_name="extensions",
        verbose_name=_("department"),
    )
    employee = models.ForeignKey(
        "company.Employee",
        on_delete=models.PROTECT,
        related_name="extensions",
        null=True,
        blank=True,
        verbose_name=_("employee"),
    )

    class Meta:
        ordering = ["extension", "valid_from"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            EffectiveDatedModel.period_constraint("%(app_label)s_%(class)s_period_order"),
        ]

    def __str__(self) -> str:
        return f"ext. {self.extension}"

    def clean(self) -> None:
        super().clean()
        if self.employee_id and self.department_id and self.employee.department_id != self.department_id:
            raise ValidationError({"employee": _("The employee works in another department.")})


class Device(TimeStampedModel):
    """A phone or gateway we bought: IP phone, analogue landline phone, softphone licence, gateway."""

    class Kind(models.TextChoices):
        IP_PHONE = "ip_phone", _("IP phone")
        ANALOGUE_PHONE = "analogue_phone", _("Analogue phone")
        SOFTPHONE = "softphone", _("Softphone")
        GATEWAY = "gateway", _("Gateway")

    class Status(models.TextChoices):
        IN_STOCK = "in_stock", _("In stock")
        INSTALLED = "installed", _("Installed")
        REPAIR = "repair", _("In repair")
        RETIRED = "retired", _("Retired")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    model = models.CharField(_("model"), max_length=100)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    mac = models.CharField(_("MAC address"), max_length=17, blank=True, validators=[mac_validator])
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name=_("department"),
    )
    employee = models.ForeignKey(
        "company.Employee",
        on_delete=models.PROTECT,
        related_name="devices",
        null=True,
        blank=True,
        verbose_name=_("employee"),
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    purchase_cost = money_field(_("purchase cost"), null=True, blank=True, default=None)
    currency = currency_field()
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.INSTALLED)

    class Meta:
        ordering = ["department__code", "kind", "model"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        constraints = [
            models.UniqueConstraint(
                fields=["serial"], condition=~Q(serial=""), name="%(app_label)s_%(class)s_unique_serial"
            ),
            models.UniqueConstraint(
                fields=["mac"], condition=~Q(mac=""), name="%(app_label)s_%(class)s_unique_mac"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.model} {self.serial}".strip()

    def clean(self) -> None:
        super().clean()
        if self.mac:
            self.mac = self.mac.upper().replace("-", ":")


class CallRoute(TimeStampedModel):
    """How calls to one of our numbers are answered: straight to a phone, a ring group, a queue, an IVR."""

    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct to an extension")
        RING_GROUP = "ring_group", _("Ring group")
        QUEUE = "queue", _("Queue")
        IVR = "ivr", _("Voice menu (IVR)")

    class Strategy(models.TextChoices):
        RING_ALL = "ring_all", _("Ring all at once")
        SEQUENTIAL = "sequential", _("One after another")
        ROUND_ROBIN = "round_robin", _("Round robin")

    number = models.OneToOneField(
        "telecom.PhoneNumber", on_delete=models.PROTECT, related_name="route", verbose_name=_("number")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.RING_GROUP)
    strategy = models.CharField(
        _("ring strategy"), max_length=16, choices=Strategy.choices, default=Strategy.RING_ALL
    )
    members = models.ManyToManyField(
        "telecom.Extension", related_name="call_routes", blank=True, verbose_name=_("members")
    )
    ring_seconds = models.PositiveIntegerField(_("ring time, seconds"), default=30)
    schedule = models.CharField(
        _("working hours"), max_length=200, blank=True, help_text=_("e.g. Mon–Sat 09:00–20:00")
    )
    after_hours = models.CharField(
        _("after hours"), max_length=200, blank=True, help_text=_("e.g. voicemail, forward to +7…")
    )

    class Meta:
        ordering = ["number__number"]
        verbose_name = _("call route")
        verbose_name_plural = _("call routes")

    def __str__(self) -> str:
        return f"{self.number}: {self.get_kind_display()}"
