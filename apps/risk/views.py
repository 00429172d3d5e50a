"""Pages of the risk review (server-rendered, thin: queries here, rules in services)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.contracts.models import Contract, ContractDocument, ContractParty

from . import policy as P
from .filtersets import RiskFindingFilterSet
from .forms import DecisionForm, PolicyForm, ProtocolHeaderForm, ProtocolRowFormSet
from .highlight import Span, highlight
from .models import DocumentScan, ExtractedTerm, FindingDecision, RiskFinding, severity_rank
from .protocol import ProtocolHeader, ProtocolRow, clause_sort_key, default_row, protocol_docx, protocol_pdf
from .services import (
    current_policy,
    extracted_term_confirm,
    finding_decide,
    findings_regrade,
    open_blocking_findings,
    policy_update,
)
from .tasks import scan_document

SEVERITY_COLUMNS = (P.CRITICAL, P.HIGH, P.MEDIUM, P.LOW)


def can(*codenames: str):
    """Logged in (else the login page), and holding every permission (else 403)."""

    def wrap(view):
        perms = [f"risk.{c}" for c in codenames]
        return login_required(permission_required(perms, raise_exception=True)(view))

    return wrap


def _register_queryset():
    parties = Prefetch(
        "document__contract__parties", queryset=ContractParty.objects.select_related("provider")
    )
    return (
        RiskFinding.objects.risks()
        .select_related("document__contract")
        .prefetch_related(parties)
        .alias(rank=severity_rank())
        .order_by("-rank", "document__contract__code", "start", "pk")
    )


def _provider_summary(findings) -> list[dict]:
    """Per provider: how many risks of each severity, worst providers first."""
    rows = (
        findings.filter(document__contract__parties__provider__isnull=False)
        .values("document__contract__parties__provider__name", "severity")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    by_provider: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SEVERITY_COLUMNS, 0))
    for row in rows:
        if row["severity"] in SEVERITY_COLUMNS:
            by_provider[row["document__contract__parties__provider__name"]][row["severity"]] += row["n"]
    summary = [
        {"provider": name, "counts": [counts[s] for s in SEVERITY_COLUMNS]}
        for name, counts in by_provider.items()
    ]
    return sorted(summary, key=lambda r: ([-n for n in r["counts"]], r["provider"]))


@can("view_riskfinding")
def register(request):
    """Every open risk across contracts (latest versions), worst first, with a per-provider summary."""
    data = request.GET.copy()
    if "status" not in data:
        data.setlist("status", [RiskFinding.Status.OPEN])
    filterset = RiskFindingFilterSet(data, queryset=_register_queryset())
    findings = filterset.qs
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "summary": _provider_summary(findings),
        "severity_columns": SEVERITY_COLUMNS,
        "query": query.urlencode(),
    }
    return render(request, "risk/register.html", context)


def _document_of(contract: Contract, version: str | None) -> ContractDocument | None:
    documents = contract.documents.order_by("-version")
    if version:
        if not version.isdigit():
            raise Http404
        return get_object_or_404(documents, version=int(version))
    return documents.first()


@can("view_riskfinding")
def contract_review(request, pk: int):
    """One contract's text with the risky clauses marked, the findings, decisions and extracted terms."""
    contract = get_object_or_404(Contract, pk=pk)
    document = _document_of(contract, request.GET.get("version"))
    findings, text_html, scan = [], "", None
    if document is not None:
        scan = document.risk_scans.order_by("-created_at").first()
        findings = list(
            document.risk_findings.prefetch_related(
                Prefetch(
                    "decisions", queryset=FindingDecision.objects.select_related("decided_by", "carried_from")
                )
            )
            .alias(rank=severity_rank())
            .order_by("-rank", "start")
        )
        text_html = highlight(document.text, [Span(f.start, f.end, f.pk, f.severity) for f in findings])
    can_decide = request.user.has_perms(["risk.change_riskfinding", "risk.add_findingdecision"])
    context = {
        "contract": contract,
        "document": document,
        "versions": contract.documents.defer("text").order_by("-version"),
        "scan": scan,
        "findings": [(f, DecisionForm(initial={"status": f.status}, prefix=f"f{f.pk}")) for f in findings],
        "text_html": text_html,
        "blocking": list(open_blocking_findings(contract)),
        "terms": contract.extracted_terms.select_related("finding__document", "confirmed_by")
        .filter(finding__document=document)
        .order_by("field", "finding__start"),
        "can_decide": can_decide,
        "can_see_decisions": request.user.has_perm("risk.view_findingdecision"),
        "can_scan": request.user.has_perm("risk.add_documentscan"),
        "can_confirm": request.user.has_perm("risk.change_extractedterm"),
    }
    return render(request, "risk/contract.html", context)


@require_POST
@can("view_riskfinding", "change_riskfinding", "add_findingdecision")
def finding_decide_view(request, pk: int):
    finding = get_object_or_404(RiskFinding.objects.select_related("document__contract"), pk=pk)
    form = DecisionForm(request.POST, prefix=f"f{finding.pk}")
    back = reverse("risk:contract", args=[finding.document.contract_id])
    back += f"?version={finding.document.version}#finding-{finding.pk}"
    if not form.is_valid():
        messages.error(
            request,
            _("Finding %(code)s, clause %(clause)s: %(errors)s")
            % {
                "code": finding.code,
                "clause": finding.clause,
                "errors": "; ".join(e for errors in form.errors.values() for e in errors),
            },
        )
        return redirect(back)
    try:
        finding_decide(finding=finding, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(code)s, clause %(clause)s: %(status)s.")
            % {"code": finding.code, "clause": finding.clause, "status": finding.get_status_display()},
        )
    return redirect(back)


@require_POST
@can("add_documentscan")
def contract_scan(request, pk: int):
    """Queue a scan of the latest version now (the periodic sweep would pick it up within a minute)."""
    contract = get_object_or_404(Contract, pk=pk)
    document = contract.documents.defer("text").order_by("-version").first()
    if document is None:
        messages.error(request, _("%(contract)s has no document to scan.") % {"contract": contract.code})
    elif document.risk_scans.filter(status=DocumentScan.Status.DONE).exists():
        messages.info(
            request,
            _("Version %(v)s is already scanned; its text has not changed.") % {"v": document.version},
        )
    else:
        transaction.on_commit(lambda: scan_document.delay(document.pk))
        messages.success(request, _("Version %(v)s is queued for scanning.") % {"v": document.version})
    return redirect("risk:contract", pk=pk)


@require_POST
@can("view_riskfinding", "change_extractedterm")
def term_confirm(request, pk: int):
    term = get_object_or_404(ExtractedTerm.objects.select_related("contract"), pk=pk)
    try:
        extracted_term_confirm(term=term, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(field)s confirmed.") % {"field": term.get_field_display()})
    return redirect("risk:contract", pk=term.contract_id)


def _operator_names(contract: Contract) -> str:
    names = [p.provider.name for p in contract.parties.select_related("provider") if p.provider_id]
    return ", ".join(sorted(set(names)))


@can("view_riskfinding", "change_riskfinding")
def protocol(request, pk: int):
    """The protocol of disagreements from the open findings, edited in a form, exported as DOCX or PDF."""
    contract = get_object_or_404(Contract, pk=pk)
    document = contract.documents.defer("text").order_by("-version").first()
    if request.method == "POST":
        header_form = ProtocolHeaderForm(request.POST)
        rows_formset = ProtocolRowFormSet(request.POST, prefix="rows")
        if header_form.is_valid() and rows_formset.is_valid():
            rows = [
                ProtocolRow(
                    clause=f.cleaned_data["clause"].strip(),
                    operator_wording=f.cleaned_data["operator_wording"].strip(),
                    our_wording=f.cleaned_data["our_wording"].strip(),
                    reason=f.cleaned_data["reason"].strip(),
                )
                for f in rows_formset.forms
                if f.exported
            ]
            if rows:
                return _protocol_file(contract, document, header_form.cleaned_data, rows)
            messages.error(request, _("The protocol has no rows: tick at least one finding or add a row."))
    else:
        open_findings = []
        if document is not None:
            open_findings = sorted(
                document.risk_findings.open().risks(), key=lambda f: (clause_sort_key(f.clause), f.start)
            )
        initial = [
            {
                "include": True,
                **default_row(
                    code=f.code,
                    severity=f.severity,
                    clause=f.clause,
                    quote=f.quote,
                    suggestion=f.suggestion,
                    legal_basis=f.legal_basis,
                ).__dict__,
            }
            for f in open_findings
        ]
        rows_formset = ProtocolRowFormSet(initial=initial, prefix="rows")
        header_form = ProtocolHeaderForm(
            initial={
                "operator": _operator_names(contract),
                "customer": settings.PORTAL_COMPANY_NAME,
                "day": timezone.localdate(),
            }
        )
    context = {"contract": contract, "document": document, "header_form": header_form, "rows": rows_formset}
    return render(request, "risk/protocol.html", context)


def _protocol_file(contract, document, data: dict, rows: list[ProtocolRow]) -> HttpResponse:
    header = ProtocolHeader(
        contract_code=contract.code,
        contract_title=contract.title,
        operator=data["operator"],
        customer=data["customer"],
        day=data["day"],
        version=document.version if document else None,
    )
    stem = f"protocol-{contract.code}".replace("/", "-")
    if data["format"] == "pdf":
        response = HttpResponse(protocol_pdf(header, rows), content_type="application/pdf")
        name = f"{stem}.pdf"
    else:
        response = HttpResponse(
            protocol_docx(header, rows),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        name = f"{stem}.docx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@can("view_riskpolicysetting")
def policy_settings(request):
    """The severity thresholds, editable by the lawyer; blank rows mean the defaults of issue 6."""
    current = current_policy()
    editable = request.user.has_perms(["risk.add_riskpolicysetting", "risk.change_riskpolicysetting"])
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = PolicyForm(request.POST, current=current)
        if form.is_valid():
            try:
                with transaction.atomic():
                    policy_update(values=form.values(), user=request.user, regrade_findings=False)
                    report = findings_regrade()
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _(
                        "Severity thresholds saved; new scans use them. %(changed)s of %(total)s stored "
                        "finding(s) changed grade (%(decided)s of them already decided; decisions are kept)."
                    )
                    % {
                        "changed": report.changed,
                        "total": report.findings,
                        "decided": report.decided_changed,
                    },
                )
                return redirect("risk:policy")
    else:
        form = PolicyForm(current=current)
    return render(request, "risk/policy.html", {"form": form, "editable": editable})
