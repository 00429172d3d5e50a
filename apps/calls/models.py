"""Calls in: where call records come from, the records themselves, and every run that brought them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core import crypto
from apps.core.audit import audited
from apps.core.dates import validate_timezone
from apps.core.models import TimeStampedModel
from apps.core.netguard import validate_outbound_url


def _default_timezone() -> str:
    return settings.TIME_ZONE


class SourceQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(enabled=True)


@audited()
@crypto.ciphertext_fields("secret_encrypted", "ssh_key_encrypted")
class Source(TimeStampedModel):
    """One place call records come from: a PBX, an operator account or a file drop, read by one connector.

    `connector` is a stable slug from apps.calls.connectors (e.g. `asterisk_csv`, `zadarma`); `settings`
    holds what that connector needs (file layout, trunk names, API options). The secret (API key, DB
    password) is stored encrypted and never shown back. `watermark` is the start time of the newest call
    stored by a pull; the next pull starts `overlap_minutes` before it.
    """

    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    connector = models.CharField(_("connector"), max_length=32)
    settings = models.JSONField(_("connector settings"), default=dict, blank=True)
    timezone = models.CharField(
        _("PBX time zone"),
        max_length=64,
        default=_default_timezone,
        validators=[validate_timezone],
        help_text=_("The clock the PBX writes local times in, e.g. Europe/Moscow."),
    )
    url = models.CharField(
        _("URL"),
        max_length=200,
        blank=True,
        help_text=_(
            "The vendor's API: a public https:// address (internal and private addresses are refused). "
            "For an Asterisk cdr table: postgresql:// or mysql://user@host:port/database. "
            "For files on the PBX: sftp://host[:port]/directory (settings.host_key required)."
        ),
    )
    login = models.CharField(_("login / key id"), max_length=200, blank=True)
    secret_encrypted = models.TextField(_("secret (encrypted)"), blank=True, editable=False)
    # An SFTP source's private key (apps/calls/sftp.py), kept like the secret: encrypted, write-only.
    ssh_key_encrypted = models.TextField(_("SSH private key (encrypted)"), blank=True, editable=False)
    pbx_account = models.ForeignKey(
        "telecom.PbxAccount",
        on_delete=models.PROTECT,
        related_name="call_sources",
        null=True,
        blank=True,
        verbose_name=_("PBX account"),
        help_text=_("Extensions are looked up on this account; blank = any account."),
    )
    schedule_minutes = models.PositiveIntegerField(
        _("pull every (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Blank = not pulled on a schedule (file uploads, pushes)."),
    )
    overlap_minutes = models.PositiveIntegerField(
        _("re-fetch overlap (minutes)"),
        default=60,
        help_text=_("Late records are caught by re-reading this much before the watermark."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    watermark = models.DateTimeField(_("watermark"), null=True, blank=True)
    last_pull_at = models.DateTimeField(_("last pull"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("call source")
        verbose_name_plural = _("call sources")

    def __str__(self) -> str:
        return self.name or self.slug

    def clean(self):
        super().clean()
        if not self.url:
            return
        from .sftp import is_sftp_url, location_problem

        if is_sftp_url(self.url):
            from .connectors import REGISTRY

            problems = location_problem(self.url, self.settings or {})
            connector = REGISTRY.get(self.connector)
            if connector is not None and (connector.can_pull or not _reads_files(connector)):
                problems.setdefault("connector", f"{self.connector} does not read files; SFTP fetches files")
            if problems:
                raise ValidationError(problems)
            return
        if self.connector == "asterisk_db":
            from .connectors.asterisk_db import database_url_problem

            problem = database_url_problem(self.url)
            if problem:
                raise ValidationError({"url": problem})
            return
        try:
            validate_outbound_url(self.url)  # https, a public address: checked again at every connection
        except ValidationError as exc:
            raise ValidationError({"url": exc.messages}) from exc

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value or "")

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    @property
    def ssh_key(self) -> str:
        return crypto.decrypt(self.ssh_key_encrypted)

    @ssh_key.setter
    def ssh_key(self, value: str) -> None:
        self.ssh_key_encrypted = crypto.encrypt(value or "")


def _reads_files(connector) -> bool:
    from .connectors.base import Connector

    return connector.read_file is not Connector.read_file


class StatementProfile(TimeStampedModel):
    """How to read one operator's detailed billing file ("детализация"): its columns, encoding and units."""

    class DurationFormat(models.TextChoices):
        SECONDS = "seconds", _("Seconds (125)")
        MMSS = "mm:ss", _("Minutes:seconds (2:05)")
        AUTO = "auto", _("Either, told per value")

    name = models.CharField(_("name"), max_length=100, unique=True)
    encoding = models.CharField(_("encoding"), max_length=32, default="cp1251")
    delimiter = models.CharField(_("delimiter"), max_length=1, default=";")
    header_row = models.PositiveIntegerField(
        _("header row"), default=1, validators=[MinValueValidator(1)], help_text=_("1 = first line")
    )
    decimal_comma = models.BooleanField(_("decimal comma"), default=True)
    datetime_format = models.CharField(
        _("date-time format"),
        max_length=64,
        default="%d.%m.%Y %H:%M:%S",
        help_text=_("strftime format of the start column (or of date + ' ' + time when split)."),
    )
    duration_format = models.CharField(
        _("duration format"), max_length=8, choices=DurationFormat.choices, default=DurationFormat.AUTO
    )
    columns = models.JSONField(
        _("column mapping"),
        default=dict,
        help_text=_(
            'Our field → the file\'s header, e.g. {"start": "Дата и время", "callee": "Номер", '
            '"duration": "Длительность", "cost": "Стоимость"}. Fields: start (or date + time), '
            "caller, callee, our_number, duration, billsec, cost, direction, id."
        ),
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")

    class Meta:
        ordering = ["name"]
        verbose_name = _("operator statement profile")
        verbose_name_plural = _("operator statement profiles")

    def __str__(self) -> str:
        return self.name


class ImportRun(TimeStampedModel):
    """One import of a file, one pull from an API, or one batch of pushes: a job row with its counts."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        PULL = "pull", _("Pull")
        PUSH = "push", _("Push")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(
        "calls.Source", on_delete=models.PROTECT, related_name="runs", verbose_name=_("source")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.FILE)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    connector = models.CharField(_("format"), max_length=32, help_text=_("Connector that reads this run."))
    file = models.FileField(_("file"), upload_to="calls/imports/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(_("file name"), max_length=300, blank=True)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True)
    bytes_total = models.BigIntegerField(_("bytes total"), default=0)
    # An SFTP file's modification time on the server (its own clock), so an unchanged file is not
    # downloaded again at every pull (apps/calls/sftp.py).
    remote_mtime = models.BigIntegerField(_("remote modification time"), null=True, blank=True)
    bytes_done = models.BigIntegerField(_("bytes done"), default=0)
    window_start = models.DateTimeField(_("window start"), null=True, blank=True)
    window_end = models.DateTimeField(_("window end"), null=True, blank=True)
    read = models.PositiveIntegerField(_("read"), default=0)
    inserted = models.PositiveIntegerField(_("inserted"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="call_import_runs",
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "file_sha256"],
                condition=~Q(file_sha256=""),
                name="%(app_label)s_%(class)s_unique_file_per_source",
            ),
            models.CheckConstraint(
                condition=Q(bytes_done__lte=models.F("bytes_total")) | Q(bytes_total=0),
                name="%(app_label)s_%(class)s_progress_within_total",
            ),
        ]
        indexes = [models.Index(fields=["source", "status"], name="calls_run_source_status")]

    def __str__(self) -> str:
        what = self.file_name or self.get_kind_display()
        return f"#{self.pk} {self.source} {what}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.bytes_total:
            return 0
        return min(100, int(100 * self.bytes_done / self.bytes_total))

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class QuarantinedRow(models.Model):
    """A record a run could not accept, kept with its line number, the reason and its raw text."""

    run = models.ForeignKey(
        "calls.ImportRun", on_delete=models.CASCADE, related_name="quarantined", verbose_name=_("run")
    )
    line = models.PositiveIntegerField(_("line"))
    reason = models.TextField(_("reason"))
    raw = models.TextField(_("raw text"), blank=True)

    class Meta:
        ordering = ["run", "line"]
        verbose_name = _("quarantined row")
        verbose_name_plural = _("quarantined rows")

    def __str__(self) -> str:
        return f"{self.run_id}:{self.line} {self.reason}"


class CallRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self

    def for_list(self):
        return self.select_related("source", "department", "our_number", "line")


class CallRecord(models.Model):
    """One call detail record (CDR) as a PBX or operator wrote it, normalised: who called whom, when.

    A call that rang several phones or was transferred may have several records sharing
    `call_group_id`. Times are UTC. `department` is the salon the call belonged to on its day
    (through the extension, else our number); blank = unassigned, never dropped.
    """

    class Direction(models.TextChoices):
        IN = "in", _("Incoming")
        OUT = "out", _("Outgoing")
        INTERNAL = "internal", _("Internal")

    class Disposition(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        NO_ANSWER = "no_answer", _("No answer")
        BUSY = "busy", _("Busy")
        FAILED = "failed", _("Failed")
        CONGESTION = "congestion", _("Congestion")
        CANCELLED = "cancelled", _("Cancelled")

    # No single-column indexes on source, our_number, department: the composite unique constraint and
    # indexes below lead with them, and every extra index costs the ingest (see docs/calls.md, Speed).
    # No database-level foreign keys on the four links either: their values come from rows the import
    # has just read from those tables, Django still refuses (PROTECT) to delete a referenced row, and a
    # per-row constraint check was a quarter of the server's work in the ingest (docs/calls.md, Speed).
    source = models.ForeignKey(
        "calls.Source",
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("source"),
        db_index=False,
        db_constraint=False,
    )
    external_id = models.CharField(_("external id"), max_length=160)
    call_group_id = models.CharField(_("call group id"), max_length=160, blank=True)
    started_at = models.DateTimeField(_("started"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"))
    duration = models.PositiveIntegerField(_("duration, s"))
    billsec = models.PositiveIntegerField(_("billable, s"))
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    caller = models.CharField(_("caller"), max_length=80, blank=True)
    callee = models.CharField(_("callee"), max_length=80, blank=True)
    our_number = models.ForeignKey(
        "telecom.PhoneNumber",
        on_delete=models.PROTECT,
        related_name="call_records",
        null=True,
        blank=True,
        verbose_name=_("our number"),
        db_index=False,
        db_constraint=False,
    )
    extension = models.CharField(_("extension"), max_length=16, blank=True)
    line = models.ForeignKey(
        "telecom.Line",
        on_delete=models.PROTECT,
        related_name="call_records",
        null=True,
        blank=True,
        verbose_name=_("line"),
        db_constraint=False,
    )
    trunk = models.CharField(_("trunk / channel"), max_length=100, blank=True)
    disposition = models.CharField(_("disposition"), max_length=12, choices=Disposition.choices)
    raw_disposition = models.CharField(_("raw disposition"), max_length=64, blank=True)
    provider_cost = models.DecimalField(
        _("provider's cost"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    department = models.ForeignKey(
        "company.Department",
        on_delete=models.PROTECT,
        related_name="call_records",
        null=True,
        blank=True,
        verbose_name=_("department"),
        db_index=False,
        db_constraint=False,
    )
    # Which run brought the record: forensic metadata, so no database-level foreign key (a check per
    # inserted row, a measurable share of the ingest); Django still nulls it when a run is deleted.
    run = models.ForeignKey(
        "calls.ImportRun",
        on_delete=models.SET_NULL,
        related_name="call_records",
        null=True,
        blank=True,
        verbose_name=_("run"),
        db_constraint=False,
    )
    raw = models.TextField(
        _("raw record"),
        blank=True,
        help_text=_(
            "The record as the source wrote it (its CSV line, or the JSON of an API item), to re-process."
        ),
    )

    objects = CallRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("call record")
        verbose_name_plural = _("call records")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="%(app_label)s_%(class)s_unique_external_id"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "started_at"], name="calls_record_dept_started"),
            models.Index(fields=["our_number", "started_at"], name="calls_record_number_started"),
        ]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.caller} → {self.callee}"
