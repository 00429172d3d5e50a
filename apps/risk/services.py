"""Writes of the risk review: scanning a document version, the lawyer's decisions, the terms feed,
the severity settings, and the approval check the contracts app calls."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.contracts.models import Contract, ContractDocument
from apps.core import audit

from . import policy as P
from .models import DocumentScan, ExtractedTerm, FindingDecision, RiskFinding, RiskPolicySetting
from .rules import DETECTOR_VERSION, Finding, regrade, scan

# A scan claimed this long ago and still "running" belongs to a worker that died: it may be claimed again.
STALE_SCAN = dt.timedelta(minutes=15)

# Which finding parameter fills which structured term of the contract (issue 6, item 4).
TERM_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("INVOICE_DEEMED_ACCEPTED", "window_days", ExtractedTerm.Field.DISPUTE_WINDOW_DAYS),
    ("PENALTY", "rate_pct_per_day", ExtractedTerm.Field.PENALTY_RATE_PER_DAY),
    ("PENALTY", "cap_pct", ExtractedTerm.Field.PENALTY_CAP),
    ("AUTO_RENEWAL", "renewal_notice_days", ExtractedTerm.Field.NOTICE_DAYS),
)
# The largest value each contract field holds (its DecimalField / PositiveSmallIntegerField limits).
TERM_LIMITS = {
    ExtractedTerm.Field.DISPUTE_WINDOW_DAYS: (Decimal("32767"), Decimal("1")),
    ExtractedTerm.Field.NOTICE_DAYS: (Decimal("32767"), Decimal("1")),
    ExtractedTerm.Field.PENALTY_RATE_PER_DAY: (Decimal("999.999"), Decimal("0.001")),
    ExtractedTerm.Field.PENALTY_CAP: (Decimal("9999.99"), Decimal("0.01")),
}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current_policy() -> dict:
    """The severity policy in force: the defaults with the lawyer's settings laid over them."""
    return P.merged_policy({row.code: row.values for row in RiskPolicySetting.objects.all()})


def _home_city(contract: Contract) -> str | None:
    """Our city for the JURISDICTION grade: the city of the numbers the contract covers, if only one."""
    cities = set(contract.covered_numbers.values_list("number__city__name", flat=True))
    return cities.pop() if len(cities) == 1 else None


def _claim(document: ContractDocument, digest: str) -> DocumentScan | None:
    """The scan row of this text, claimed for us; None when it is done or another worker has it."""
    row, _created = DocumentScan.objects.get_or_create(document=document, text_sha256=digest)
    now = timezone.now()
    claimable = Q(status__in=[DocumentScan.Status.PENDING, DocumentScan.Status.FAILED]) | Q(
        status=DocumentScan.Status.RUNNING, started_at__lt=now - STALE_SCAN
    )
    claimed = DocumentScan.objects.filter(claimable, pk=row.pk).update(
        status=DocumentScan.Status.RUNNING, started_at=now, error="", detector_version=DETECTOR_VERSION
    )
    return row if claimed == 1 else None


def document_scan(*, document: ContractDocument) -> DocumentScan:
    """Scan one document version and store its findings, once per text (SHA-256).

    Scanning the same text again adds nothing and returns the existing scan. Decisions the lawyer made on
    the same clause (same code, same wording) in an earlier version are carried over, and the extracted
    terms feed the contract's empty structured terms. A failure is recorded on the scan row and re-raised.
    """
    digest = text_sha256(document.text)
    row = _claim(document, digest)
    if row is None:
        return DocumentScan.objects.get(document=document, text_sha256=digest)
    try:
        with transaction.atomic():
            contract = document.contract
            found = scan(document.text, policy=current_policy(), home_city=_home_city(contract))
            created = RiskFinding.objects.bulk_create([_finding_row(document, row, f) for f in found])
            audit.record_created(RiskFinding, created)  # bulk_create skips the model signals
            findings = list(RiskFinding.objects.filter(scan=row).order_by("start"))
            _carry_decisions(document, findings)
            _feed_terms(document, findings)
            DocumentScan.objects.filter(pk=row.pk).update(
                status=DocumentScan.Status.DONE, finding_count=len(findings), finished_at=timezone.now()
            )
    except Exception as exc:
        DocumentScan.objects.filter(pk=row.pk).update(
            status=DocumentScan.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        raise
    row.refresh_from_db()
    return row


def _finding_row(document: ContractDocument, row: DocumentScan, f: Finding) -> RiskFinding:
    return RiskFinding(
        document=document,
        scan=row,
        code=f.code,
        severity=f.severity,
        confidence=Decimal(str(f.confidence)).quantize(Decimal("0.001")),
        direction=f.direction,
        clause=f.clause[:32],
        start=f.start,
        end=f.end,
        quote=f.quote,
        parameters=f.parameters,
        legal_basis=list(f.legal_basis),
        suggestion=f.suggestion,
        rule_id=f.rule_id[:64],
    )


def _wording(quote: str) -> str:
    return " ".join(quote.split()).casefold()


def _carry_decisions(document: ContractDocument, findings: list[RiskFinding]) -> None:
    """A clause the lawyer already decided on, unchanged in the new version, keeps that decision."""
    earlier = (
        RiskFinding.objects.filter(
            document__contract_id=document.contract_id, document__version__lt=document.version
        )
        .exclude(status=RiskFinding.Status.OPEN)
        .order_by("-document__version")
        .prefetch_related("decisions")
    )
    decided: dict[tuple[str, str], RiskFinding] = {}
    for old in earlier:
        decided.setdefault((old.code, _wording(old.quote)), old)
    for finding in findings:
        old = decided.get((finding.code, _wording(finding.quote)))
        if old is None or not old.decisions.all():
            continue
        last = list(old.decisions.all())[-1]
        FindingDecision.objects.create(
            finding=finding,
            status=last.status,
            comment=last.comment,
            decided_by=last.decided_by,
            carried_from=last,
        )
        finding.status = last.status
        finding.save(update_fields=["status", "updated_at"])


def _term_value(field: str, raw) -> Decimal | None:
    if raw is None or isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None
    top, step = TERM_LIMITS[field]
    if not value.is_finite() or value < 0 or value > top:
        return None
    value = value.quantize(step)
    return value if step != Decimal("1") or value >= 1 else None


def _feed_terms(document: ContractDocument, findings: list[RiskFinding]) -> None:
    """Record the terms the text states; fill the contract's empty ones from the latest version only."""
    contract = Contract.objects.select_for_update().get(pk=document.contract_id)
    latest = not ContractDocument.objects.filter(contract=contract, version__gt=document.version).exists()
    before = audit.snapshot([contract])
    for code, key, field in TERM_SOURCES:
        for finding in findings:
            if finding.code != code:
                continue
            value = _term_value(field, finding.parameters.get(key))
            if value is None:
                continue
            applied = latest and getattr(contract, field) is None
            if applied:
                setattr(contract, field, int(value) if field.endswith("_days") else value)
                Contract.objects.filter(pk=contract.pk).update(
                    **{field: getattr(contract, field)}, updated_at=timezone.now()
                )
            ExtractedTerm.objects.create(
                contract=contract, finding=finding, field=field, value=value, applied=applied
            )
    audit.record_updated(Contract, [contract], before)  # the update() above skips the model signals


@transaction.atomic
def finding_decide(*, finding: RiskFinding, status: str, comment: str, user) -> FindingDecision:
    """Record the lawyer's verdict on a finding: a new history row, and the finding's current status."""
    comment = (comment or "").strip()
    if status not in RiskFinding.Status.values:
        raise ValidationError({"status": _("%(status)s is not a review status.") % {"status": status}})
    if not comment:
        raise ValidationError({"comment": _("Say why: a decision needs a comment.")})
    locked = RiskFinding.objects.select_for_update().get(pk=finding.pk)
    decision = FindingDecision.objects.create(finding=locked, status=status, comment=comment, decided_by=user)
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    finding.status = status
    return decision


@transaction.atomic
def extracted_term_confirm(*, term: ExtractedTerm, user) -> ExtractedTerm:
    """The lawyer confirms a term read from the text; a term that did not fill the contract (the field held
    another value) now replaces it."""
    term = ExtractedTerm.objects.select_for_update().select_related("contract").get(pk=term.pk)
    contract = term.contract
    value = int(term.value) if term.field.endswith("_days") else term.value
    if getattr(contract, term.field) != value:
        setattr(contract, term.field, value)
        contract.full_clean()
        contract.save(update_fields=[term.field, "updated_at"])
        term.applied = True
    term.confirmed_by = user
    term.confirmed_at = timezone.now()
    term.save(update_fields=["applied", "confirmed_by", "confirmed_at", "updated_at"])
    return term


@transaction.atomic
def policy_update(*, values: dict[str, dict], user, regrade_findings: bool = True) -> list[RiskPolicySetting]:
    """Store the lawyer's thresholds (a code whose numbers equal the defaults keeps no row) and regrade
    every stored finding under the new policy in the same transaction, so the approval block follows the
    new grades at once (`findings_regrade`)."""
    saved = []
    for code, numbers in values.items():
        overrides = {k: v for k, v in numbers.items() if P.DEFAULT_POLICY[code].get(k) != v}
        if not overrides:
            RiskPolicySetting.objects.filter(code=code).delete()
            continue
        setting = RiskPolicySetting.objects.filter(code=code).first() or RiskPolicySetting(code=code)
        setting.values = overrides
        setting.updated_by = user
        setting.full_clean()
        setting.save()
        saved.append(setting)
    if regrade_findings:
        findings_regrade()
    return saved


@dataclass
class RegradeReport:
    """What a regrade changed: findings looked at, findings whose grade moved, and how."""

    documents: int = 0
    findings: int = 0
    changed: int = 0
    moves: Counter = dc_field(default_factory=Counter)  # ("critical", "high") -> how many
    decided_changed: int = 0  # changed findings that keep a lawyer's decision
    contracts: set = dc_field(default_factory=set)  # contract ids with a changed finding

    def summary(self) -> str:
        moves = ", ".join(f"{old}→{new}: {n}" for (old, new), n in sorted(self.moves.items()))
        return (
            f"{self.findings} finding(s) in {self.documents} document version(s) regraded; "
            f"{self.changed} changed ({self.decided_changed} of them already decided)"
            + (f": {moves}" if moves else "")
        )


def _as_finding(row: RiskFinding) -> Finding:
    return Finding(
        code=row.code,
        severity=row.severity,
        confidence=float(row.confidence),
        direction=row.direction,
        clause=row.clause,
        start=row.start,
        end=row.end,
        quote=row.quote,
        parameters=dict(row.parameters or {}),
        legal_basis=list(row.legal_basis or []),
        suggestion=dict(row.suggestion or {}),
        rule_id=row.rule_id,
    )


def findings_regrade(*, policy: dict | None = None, documents=None, dry_run: bool = False) -> RegradeReport:
    """Grade every stored finding again under `policy` (default: the policy in force), from the
    parameters the scanner stored — what a scan of the same text under that policy would say.

    Open and decided findings alike take the new severity; a decision is never touched (a finding the
    lawyer accepted stays accepted, it just shows its new grade), and since the approval block reads
    open findings' severity, it follows at once. Each changed finding is recorded in the audit trail
    (severity old → new, and the LIABILITY_LIMITATION `our_liability_unlimited` flag when it moves).
    One document version at a time, rows locked; running it twice changes nothing the second time.
    `documents`: a queryset/iterable of ContractDocument ids to limit it to (default: all).
    """
    policy = policy if policy is not None else current_policy()
    report = RegradeReport()
    ids = RiskFinding.objects.order_by("document_id").values_list("document_id", flat=True).distinct()
    if documents is not None:
        ids = ids.filter(document_id__in=documents)
    for document_id in list(ids):
        with transaction.atomic():
            rows = list(
                RiskFinding.objects.select_for_update()
                .filter(document_id=document_id)
                .select_related("document")
                .order_by("pk")
            )
            if not rows:
                continue
            report.documents += 1
            report.findings += len(rows)
            for row, new in zip(rows, regrade([_as_finding(r) for r in rows], policy), strict=True):
                if new.severity == row.severity and new.parameters == row.parameters:
                    continue
                if new.severity != row.severity:
                    report.changed += 1
                    report.moves[(row.severity, new.severity)] += 1
                    report.contracts.add(row.document.contract_id)
                    if row.status != RiskFinding.Status.OPEN:
                        report.decided_changed += 1
                if dry_run:
                    continue
                row.severity = new.severity
                row.parameters = new.parameters
                # RiskFinding is @audited: this save records the severity change (who, when, from where).
                row.save(update_fields=["severity", "parameters", "updated_at"])
    return report


def open_blocking_findings(contract: Contract) -> QuerySet[RiskFinding]:
    """Open high/critical findings in the latest document version of `contract`."""
    return (
        RiskFinding.objects.current()
        .blocking()
        .filter(document__contract=contract)
        .select_related("document")
        .order_by("start")
    )


def unscanned_latest_document(contract: Contract) -> ContractDocument | None:
    """The latest document version of `contract` if it has not been scanned successfully yet."""
    latest = contract.documents.defer("text").order_by("-version").first()
    if latest is None or latest.risk_scans.filter(status=DocumentScan.Status.DONE).exists():
        return None
    return latest


def contract_approval_check(contract: Contract) -> None:
    """Refuse to move `contract` to approved (or from draft/review straight to signed) while its current
    text has an open high or critical finding, or has not been scanned yet.

    A model-level hook: the contracts app calls it from `Contract.clean()` (see docs/risk.md), so the
    admin, the API and imports all obey it. A contract already approved or signed is not re-checked.
    """
    if contract.pk is None or contract.status not in (Contract.Status.APPROVED, Contract.Status.SIGNED):
        return
    before = Contract.objects.filter(pk=contract.pk).values_list("status", flat=True).first()
    if before not in (Contract.Status.DRAFT, Contract.Status.UNDER_REVIEW):
        return
    pending = unscanned_latest_document(contract)
    if pending is not None:
        raise ValidationError(
            {
                "status": _(
                    "%(contract)s cannot be approved yet: version %(version)s has not been scanned for risks."
                )
                % {"contract": contract.code, "version": pending.version}
            }
        )
    blocking = list(open_blocking_findings(contract))
    if blocking:
        listed = ", ".join(f"{f.code} (п. {f.clause}, {f.severity})" for f in blocking)
        raise ValidationError(
            {
                "status": _(
                    "%(contract)s cannot be approved while %(n)s high or critical risk finding(s) are open: "
                    "%(list)s. Decide on each on the contract's risk page first."
                )
                % {"contract": contract.code, "n": len(blocking), "list": listed}
            }
        )


def documents_to_scan() -> QuerySet[ContractDocument]:
    """Document versions the scanner has not finished (nor failed on): the periodic sweep's work list."""
    finished = DocumentScan.objects.filter(
        status__in=[DocumentScan.Status.DONE, DocumentScan.Status.FAILED]
    ).values("document_id")
    return ContractDocument.objects.exclude(pk__in=finished).order_by("pk")
