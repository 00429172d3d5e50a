"""Pages of the contract register (server-rendered, thin: queries here, rules in models/services)."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .filtersets import ContractPageFilterSet
from .health import health_report, upcoming_events
from .models import Contract, ContractDocument, ContractParty, Tariff
from .rates_io import RatesFileError
from .services import contract_document_add, rates_import

CALENDAR_DAYS = 180


def can(codename: str):
    """Logged in (else the login page), and holding the permission (else 403)."""

    def wrap(view):
        return login_required(permission_required(f"contracts.{codename}", raise_exception=True)(view))

    return wrap


class RatesImportForm(forms.Form):
    file = forms.FileField(label=_("Price list (CSV or XLSX)"))
    replace = forms.BooleanField(label=_("Remove prefixes missing from the file"), required=False)


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, DOCX or TXT)"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


@can("view_contract")
def register(request):
    parties = Prefetch("parties", queryset=ContractParty.objects.select_related("provider"))
    contracts = Contract.objects.prefetch_related(parties).select_related("parent")
    filterset = ContractPageFilterSet(request.GET or None, queryset=contracts)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {"contract": c, "dates": c.key_dates(today), "deadline": c.next_notice_deadline(today)} for c in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filterset": filterset, "page": page, "rows": rows, "today": today, "query": query.urlencode()}
    return render(request, "contracts/register.html", context)


def _family(contract: Contract) -> list[tuple[int, Contract]]:
    """The whole family of `contract` as (depth, contract), master first, children under their parent."""
    root = contract.root()
    by_parent: dict[int | None, list[Contract]] = {}
    level = [root]
    while level:  # one query per generation; families are two or three generations deep
        children = list(Contract.objects.filter(parent__in=level).order_by("code"))
        for child in children:
            by_parent.setdefault(child.parent_id, []).append(child)
        level = children
    ordered: list[tuple[int, Contract]] = []

    def walk(node: Contract, depth: int) -> None:
        ordered.append((depth, node))
        for child in by_parent.get(node.pk, []):
            walk(child, depth + 1)

    walk(root, 0)
    return ordered


@can("view_contract")
def detail(request, pk: int):
    contract = get_object_or_404(Contract.objects.select_related("parent"), pk=pk)
    today = timezone.localdate()
    context = {
        "contract": contract,
        "today": today,
        "dates": contract.key_dates(today),
        "deadline": contract.next_notice_deadline(today),
        "parties": contract.parties.select_related("provider"),
        "family": _family(contract),
        "numbers": contract.covered_numbers.select_related("number__city", "number__carrier"),
        "lines": contract.covered_lines.select_related("line__city"),
        "documents": contract.documents.defer("text").select_related("uploaded_by"),
        "tariffs": contract.tariffs.annotate(rate_count=Count("rates")).order_by("valid_from"),
        "charges": contract.recurring_charges.select_related("line", "pbx_account", "department", "number"),
        "upload_form": DocumentUploadForm(),
        "rates_form": RatesImportForm(),
    }
    return render(request, "contracts/detail.html", context)


@require_POST
@can("add_contractdocument")
def document_upload(request, pk: int):
    contract = get_object_or_404(Contract, pk=pk)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("contracts:detail", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        document = contract_document_add(
            contract=contract,
            data=upload.read(),
            filename=upload.name,
            note=form.cleaned_data["note"],
            uploaded_by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Version %(version)s added (%(chars)s characters of text).")
            % {"version": document.version, "chars": len(document.text)},
        )
    return redirect("contracts:detail", pk=pk)


@require_POST
@can("add_rate")
def tariff_import_rates(request, pk: int):
    tariff = get_object_or_404(Tariff, pk=pk)
    form = RatesImportForm(request.POST, request.FILES)
    if not request.user.has_perms(["contracts.change_rate", "contracts.delete_rate"]):
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("contracts:detail", pk=tariff.contract_id)
    upload = form.cleaned_data["file"]
    try:
        result = rates_import(
            tariff=tariff, data=upload.read(), filename=upload.name, replace=form.cleaned_data["replace"]
        )
    except RatesFileError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(tariff)s: %(rows)s rows — %(new)s new, %(changed)s changed, %(removed)s removed.")
            % {
                "tariff": tariff.code,
                "rows": result.rows,
                "new": result.created,
                "changed": result.updated,
                "removed": result.deleted,
            },
        )
    return redirect("contracts:detail", pk=tariff.contract_id)


@can("view_contractdocument")
def document_download(request, pk: int):
    document = get_object_or_404(ContractDocument.objects.defer("text"), pk=pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@can("view_contract")
def calendar(request):
    today = timezone.localdate()
    events = upcoming_events(today, CALENDAR_DAYS)
    months = [(month, list(items)) for month, items in groupby(events, key=lambda e: e["day"].replace(day=1))]
    context = {"months": months, "today": today, "until": today + dt.timedelta(days=CALENDAR_DAYS)}
    return render(request, "contracts/calendar.html", context)


@can("view_contract")
def health(request):
    today = timezone.localdate()
    return render(request, "contracts/health.html", {"report": health_report(today), "today": today})
