"""Pages: invoices with days-left badges, the invoice page (three columns), the disputes board, the
calendar of due dates; manual entry and the workflow buttons (check, dispute, send, resolve, pay)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.billing.models import Dispute, Invoice, InvoiceLine
from apps.billing.rating import Month
from apps.contracts.models import Contract

from . import services
from .reconciliation import reconcile


def can(*codenames: str):
    def wrap(view):
        return login_required(
            permission_required([f"billing.{c}" for c in codenames], raise_exception=True)(view)
        )

    return wrap


def _badge(clock) -> tuple[str, str]:
    """(css class, text) of an invoice's days-left badge."""
    if clock.state == "stopped":
        return "ok", _("disputed in time")
    if clock.state == "settled":
        return "", _("settled")
    if clock.state == "no_window":
        return "", _("no dispute window")
    if clock.state == "deemed_accepted":
        return "", _("deemed accepted")
    if clock.days_left == 0:
        return "bad", _("last day today")
    css = "bad" if clock.days_left <= 2 else "warn" if clock.days_left <= 5 else "ok"
    return css, _("%(n)s days left") % {"n": clock.days_left}


@can("view_invoice")
def invoice_list(request):
    today = services.today_local()
    invoices = services.invoices_for_lists()
    status = request.GET.get("status", "")
    if status in Invoice.Status.values:
        invoices = invoices.filter(status=status)
    page = Paginator(invoices.order_by("-received_date", "-pk"), 50).get_page(request.GET.get("page"))
    rows = []
    for invoice in page:
        clock = services.invoice_clock(invoice, today)
        fine = services.invoice_penalty(invoice, today)
        rows.append({"invoice": invoice, "clock": clock, "badge": _badge(clock), "penalty": fine})
    context = {
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "rows": rows,
        "statuses": Invoice.Status.choices,
        "status": status,
        "today": today,
    }
    return render(request, "billing/invoice_list.html", context)


class InvoiceForm(forms.Form):
    contract = forms.ModelChoiceField(
        queryset=Contract.objects.order_by("code"), label=gettext_lazy("Contract")
    )
    number = forms.CharField(max_length=64, label=gettext_lazy("Invoice number"))
    issue_date = forms.DateField(
        label=gettext_lazy("Issue date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    received_date = forms.DateField(
        label=gettext_lazy("Received"), widget=forms.DateInput(attrs={"type": "date"})
    )
    month = forms.CharField(max_length=7, label=gettext_lazy("Billed month (YYYY-MM)"))
    due_date = forms.DateField(
        required=False, label=gettext_lazy("Payment due"), widget=forms.DateInput(attrs={"type": "date"})
    )
    lines = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label=gettext_lazy("Lines"),
        help_text=gettext_lazy(
            "One per line: service; number (optional); amount — e.g. 'Абонентская плата; ; 1000.00'."
        ),
    )

    def clean_month(self):
        try:
            return Month.parse(self.cleaned_data["month"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_lines(self):
        parsed = []
        for n, text in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not text.strip():
                continue
            parts = [p.strip() for p in text.split(";")]
            if len(parts) != 3:
                raise ValidationError(_("Line %(n)s: write service; number; amount.") % {"n": n})
            try:
                amount = Decimal(parts[2].replace(",", ".").replace(" ", ""))
            except InvalidOperation:
                raise ValidationError(
                    _("Line %(n)s, amount: %(v)s is not a number.") % {"n": n, "v": parts[2]}
                ) from None
            kind = InvoiceLine.Kind.FEE
            parsed.append(InvoiceLine(row=n, kind=kind, service=parts[0], number=parts[1], amount=amount))
        if not parsed:
            raise ValidationError(_("Enter at least one line."))
        return parsed


@can("add_invoice")
def invoice_create(request):
    form = InvoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.invoice_create(
                contract=data["contract"],
                number=data["number"],
                issue_date=data["issue_date"],
                received_date=data["received_date"],
                month=data["month"],
                due_date=data["due_date"],
                lines=data["lines"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            services.invoice_check(invoice=invoice)
            messages.success(request, _("Invoice %(n)s entered and checked.") % {"n": invoice.number})
            return redirect("billing:invoice-detail", pk=invoice.pk)
    return render(request, "billing/invoice_form.html", {"form": form})


@can("view_invoice")
def invoice_detail(request, pk: int):
    invoice = get_object_or_404(services.invoices_for_lists(), pk=pk)
    today = services.today_local()
    result = reconcile(invoice)
    clock = services.invoice_clock(invoice, today)
    context = {
        "invoice": invoice,
        "result": result,
        "data": result.as_dict(),
        "clock": clock,
        "badge": _badge(clock),
        "penalty": services.invoice_penalty(invoice, today),
        "debt": services.invoice_debt(invoice),
        "disputes": invoice.disputes.all(),
        "price_changes": invoice.price_changes.all(),
        "can_change": request.user.has_perm("billing.change_invoice"),
        "can_dispute": request.user.has_perm("billing.add_dispute"),
    }
    return render(request, "billing/invoice_detail.html", context)


@require_POST
@can("change_invoice")
def invoice_check(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    result = services.invoice_check(invoice=invoice)
    messages.info(
        request,
        _("%(d)s discrepancies, %(p)s suspected price changes.")
        % {"d": len(result.discrepancies), "p": len(result.price_changes)},
    )
    return redirect("billing:invoice-detail", pk=pk)


@require_POST
@can("change_invoice")
def invoice_pay(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    try:
        paid_on = dt.date.fromisoformat(request.POST.get("paid_on") or services.today_local().isoformat())
        services.invoice_pay(invoice=invoice, paid_on=paid_on)
    except (ValueError, ValidationError) as exc:
        messages.error(request, str(exc))
    return redirect("billing:invoice-detail", pk=pk)


@require_POST
@can("add_dispute")
def invoice_dispute(request, pk: int):
    invoice = get_object_or_404(Invoice, pk=pk)
    try:
        dispute = services.dispute_open(invoice=invoice, reason=request.POST.get("reason", "").strip())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("billing:invoice-detail", pk=pk)
    return redirect("billing:dispute-detail", pk=dispute.pk)


@can("view_dispute")
def dispute_board(request):
    disputes = Dispute.objects.select_related("invoice__provider", "invoice__contract").order_by(
        "-created_at"
    )
    columns = [
        (value, label, [d for d in disputes if d.status == value]) for value, label in Dispute.Status.choices
    ]
    return render(request, "billing/invoice_disputes.html", {"columns": columns})


@can("view_dispute")
def dispute_detail(request, pk: int):
    dispute = get_object_or_404(
        Dispute.objects.select_related("invoice__provider", "invoice__contract"), pk=pk
    )
    context = {
        "dispute": dispute,
        "can_change": request.user.has_perm("billing.change_dispute"),
        "resolutions": [
            (s.value, s.label)
            for s in (Dispute.Status.CREDITED, Dispute.Status.REJECTED, Dispute.Status.WITHDRAWN)
        ],
    }
    return render(request, "billing/invoice_dispute.html", context)


@require_POST
@can("change_dispute")
def dispute_send(request, pk: int):
    dispute = get_object_or_404(Dispute, pk=pk)
    try:
        sent_on = dt.date.fromisoformat(request.POST.get("sent_on") or services.today_local().isoformat())
        services.dispute_send(dispute=dispute, sent_on=sent_on)
    except (ValueError, ValidationError) as exc:
        messages.error(request, str(exc))
    return redirect("billing:dispute-detail", pk=pk)


@require_POST
@can("change_dispute")
def dispute_resolve(request, pk: int):
    dispute = get_object_or_404(Dispute, pk=pk)
    try:
        credit = Decimal((request.POST.get("credit") or "0").replace(",", "."))
        services.dispute_resolve(dispute=dispute, status=request.POST.get("status", ""), credit=credit)
    except (InvalidOperation, ValidationError) as exc:
        messages.error(request, str(exc))
    return redirect("billing:dispute-detail", pk=pk)


@can("view_invoice")
def invoice_calendar(request):
    today = services.today_local()
    entries = services.due_calendar(today=today)
    return render(request, "billing/invoice_calendar.html", {"entries": entries, "today": today})
