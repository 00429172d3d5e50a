"""Risk review: what the scanner found in a contract's text, and what the lawyer decided about it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from apps.contracts.models import ContractDocument
from apps.core.audit import audited
from apps.core.models import TimeStampedModel

from . import policy as P


class Severity(models.TextChoices):
    INFO = P.INFO, _("info")
    LOW = P.LOW, _("low")
    MEDIUM = P.MEDIUM, _("medium")
    HIGH = P.HIGH, _("high")
    CRITICAL = P.CRITICAL, _("critical")


class Direction(models.TextChoices):
    AGAINST_US = P.AGAINST_US, _("against us")
    MUTUAL = P.MUTUAL, _("mutual")
    IN_OUR_FAVOUR = P.IN_OUR_FAVOUR, _("in our favour")
    UNCLEAR = P.UNCLEAR, _("unclear")


RiskCode = models.TextChoices("RiskCode", [(code, code) for code in P.CODES])

# Severities that stop a contract from being approved while their finding is open (issue 6, item 3).
BLOCKING = (P.HIGH, P.CRITICAL)


def severity_rank():
    """An SQL expression ranking severity (critical = 4), so lists sort worst first in the database."""
    return Case(
        *[When(severity=name, then=Value(rank)) for name, rank in P.RANK.items()],
        default=Value(-1),
        output_field=IntegerField(),
    )


class DocumentScan(TimeStampedModel):
    """One run of the clause scanner over the text of one contract document version.

    The row is the job (claimed with a conditional UPDATE) and its natural key is the text's SHA-256:
    scanning the same text again finds the row done and adds nothing.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    document = models.ForeignKey(
        "contracts.ContractDocument",
        on_delete=models.CASCADE,
        related_name="risk_scans",
        verbose_name=_("document version"),
    )
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    detector_version = models.CharField(_("detector version"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    finding_count = models.PositiveIntegerField(_("findings"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document scan")
        verbose_name_plural = _("document scans")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "text_sha256"], name="%(app_label)s_%(class)s_unique_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} — {self.get_status_display()}"


class RiskFindingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=RiskFinding.Status.OPEN)

    def risks(self):
        """Findings that are risks at all: not mere information, not clauses in our favour."""
        return self.exclude(severity=P.INFO).exclude(direction=P.IN_OUR_FAVOUR)

    def blocking(self):
        return self.open().filter(severity__in=BLOCKING)

    def current(self):
        """Findings in the latest document version of their contract (older versions are history)."""
        latest = (
            ContractDocument.objects.filter(contract=models.OuterRef("document__contract"))
            .order_by("-version")
            .values("pk")[:1]
        )
        return self.filter(document=models.Subquery(latest))

    def worst_first(self):
        return self.alias(rank=severity_rank()).order_by("-rank", "document__contract__code", "start")


class RiskFinding(TimeStampedModel):
    """A clause of one contract version that the scanner reports as a risk to us, with its evidence
    (clause number, character span, quote), its grade and what to ask for instead; and the lawyer's
    current verdict on it (the history of verdicts is FindingDecision)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED_RISK = "accepted_risk", _("accepted risk")
        NEGOTIATED = "negotiated", _("negotiated")
        NOT_APPLICABLE = "not_applicable", _("not applicable")
        FALSE_POSITIVE = "false_positive", _("false positive")

    # The scan that produced it is kept: the same text scanned twice is the same findings.
    document = models.ForeignKey(
        "contracts.ContractDocument",
        on_delete=models.CASCADE,
        related_name="risk_findings",
        verbose_name=_("document version"),
    )
    scan = models.ForeignKey(
        DocumentScan, on_delete=models.CASCADE, related_name="findings", verbose_name=_("scan")
    )
    code = models.CharField(_("risk code"), max_length=32, choices=RiskCode.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    confidence = models.DecimalField(_("confidence"), max_digits=4, decimal_places=3)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    clause = models.CharField(_("clause"), max_length=32)
    start = models.PositiveIntegerField(_("start (character)"))
    end = models.PositiveIntegerField(_("end (character)"))
    quote = models.TextField(_("quote"))
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    suggestion = models.JSONField(_("suggestion"), default=dict, blank=True)
    rule_id = models.CharField(_("rule"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)

    objects = RiskFindingQuerySet.as_manager()

    class Meta:
        ordering = ["document", "start"]
        verbose_name = _("risk finding")
        verbose_name_plural = _("risk findings")
        constraints = [
            # The scanner keeps one finding per (clause, code): the worst.
            models.UniqueConstraint(
                fields=["document", "clause", "code"], name="%(app_label)s_%(class)s_one_per_clause_code"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="%(app_label)s_%(class)s_span"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="%(app_label)s_%(class)s_severity_known"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["open", "accepted_risk", "negotiated", "not_applicable", "false_positive"]
                ),
                name="%(app_label)s_%(class)s_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.severity}) п. {self.clause}"

    @property
    def is_blocking(self) -> bool:
        return self.status == self.Status.OPEN and self.severity in BLOCKING


class FindingDecision(TimeStampedModel):
    """One verdict of the lawyer on a finding (who, when, which status, why). Rows are only added,
    never edited: the latest is the finding's status, the rest is the history."""

    finding = models.ForeignKey(
        RiskFinding, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("finding")
    )
    status = models.CharField(_("status"), max_length=16, choices=RiskFinding.Status.choices)
    comment = models.TextField(_("comment"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="risk_decisions",
        verbose_name=_("decided by"),
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried over from"),
        help_text=_("The decision on the same clause in an earlier version of the text."),
    )

    class Meta:
        ordering = ["finding", "created_at", "pk"]
        verbose_name = _("finding decision")
        verbose_name_plural = _("finding decisions")

    def __str__(self) -> str:
        return f"{self.finding}: {self.get_status_display()} ({self.decided_by})"


@audited()
class RiskPolicySetting(TimeStampedModel):
    """The lawyer's override of one risk code's severity thresholds (`apps.risk.policy.DEFAULT_POLICY`),
    e.g. PENALTY's highest 'high' rate. Codes without a row use the defaults."""

    code = models.CharField(_("risk code"), max_length=32, choices=RiskCode.choices, unique=True)
    values = models.JSONField(_("thresholds"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("risk policy setting")
        verbose_name_plural = _("risk policy settings")

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        super().clean()
        known = P.DEFAULT_POLICY.get(self.code, {})
        if not isinstance(self.values, dict):
            raise ValidationError({"values": _("Thresholds are a mapping of name to number.")})
        for key, value in self.values.items():
            if key not in known:
                raise ValidationError(
                    {"values": _("%(code)s has no threshold %(key)s.") % {"code": self.code, "key": key}}
                )
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValidationError(
                    {"values": _("%(code)s.%(key)s must be a number ≥ 0.") % {"code": self.code, "key": key}}
                )


class ExtractedTerm(TimeStampedModel):
    """A contract term (dispute window, penalty rate or cap, notice period) read from a finding's
    parameters, waiting for the lawyer to confirm it. `applied` says it filled an empty field of the
    contract; otherwise the contract already held a value and the text says something else."""

    class Field(models.TextChoices):
        DISPUTE_WINDOW_DAYS = "dispute_window_days", _("invoice dispute window, days")
        PENALTY_RATE_PER_DAY = "penalty_rate_per_day", _("late penalty, % per day")
        PENALTY_CAP = "penalty_cap", _("late penalty cap, % of the debt")
        NOTICE_DAYS = "notice_days", _("notice period, days")

    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="extracted_terms",
        verbose_name=_("contract"),
    )
    finding = models.ForeignKey(
        RiskFinding, on_delete=models.CASCADE, related_name="extracted_terms", verbose_name=_("finding")
    )
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=3)
    applied = models.BooleanField(_("filled the contract"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["contract", "field"]
        verbose_name = _("extracted term")
        verbose_name_plural = _("extracted terms")
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "field"], name="%(app_label)s_%(class)s_one_per_finding"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code}: {self.field} = {self.value}"

    @property
    def contract_value(self):
        """What the contract's register holds for this term now."""
        return getattr(self.contract, self.field)

    @property
    def matches_register(self) -> bool:
        return self.contract_value is not None and self.contract_value == self.value
