"""Pages: the cost dashboard, the monthly report with its downloads and drill-down, what-if pricing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.contracts.models import Tariff

from . import exports, services
from .models import ChargeAllocation, CostReport, RatedCall
from .rating import Month, Status

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _month(text: str | None) -> Month:
    if not text:
        today = timezone.localdate()
        return Month(today.year, today.month).previous()
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise Http404(str(exc)) from exc


@login_required
@permission_required("billing.view_costreport", raise_exception=True)
def dashboard(request):
    month = _month(request.GET.get("month"))
    trend = services.cost_trend(month=month)
    report = CostReport.objects.filter(period=month.first_day).first()
    data = services.cost_report_data(report) if report else None
    by_city: dict[str, list] = {}
    if data:
        for line in data["departments"]:
            by_city.setdefault(line["city"], []).append(line)
    can_drill = request.user.has_perm("billing.view_ratedcall")
    top = unrated = None
    if can_drill:
        top = (
            RatedCall.objects.filter(period=month.first_day, status=Status.RATED)
            .values("prefix", "rate__destination")
            .annotate(calls=Count("pk"), cost=Sum("cost"), seconds=Sum("billed_seconds"))
            .order_by("-cost", "prefix")[:10]
        )
        unrated = (
            RatedCall.objects.filter(period=month.first_day, status=Status.UNRATED)
            .select_related("call", "department__city")
            .order_by("-started_at")[:20]
        )
    trend_labels, trend_lines = services.cost_trend_by_department(month=month)
    context = {
        "trend_labels": trend_labels,
        "trend_lines": trend_lines,
        "month": month,
        "previous": month.previous(),
        "next": month.next(),
        "chart": exports.trend_svg(trend, title=_("Net cost, last 12 months")),
        "trend": trend,
        "data": data,
        "by_city": by_city,
        "top": top,
        "unrated": unrated,
        "can_drill": can_drill,
    }
    return render(request, "billing/dashboard.html", context)


@login_required
@permission_required("billing.view_costreport", raise_exception=True)
def report(request, month: str):
    chosen = _month(month)
    report = CostReport.objects.filter(period=chosen.first_day).first()
    context = {
        "month": chosen,
        "report": report,
        "data": services.cost_report_data(report) if report else None,
        "formats": list(CONTENT_TYPES),
        "can_drill": request.user.has_perm("billing.view_ratedcall"),
        "can_rebuild": request.user.has_perm("billing.add_costreport"),
        "chart": exports.trend_svg(services.cost_trend(month=chosen), title=_("Net cost, last 12 months")),
    }
    return render(request, "billing/report.html", context)


@login_required
@require_POST
@permission_required("billing.add_costreport", raise_exception=True)
def rebuild(request, month: str):
    chosen = _month(month)
    if request.POST.get("rate"):
        run = services.calls_rate(month=chosen)
        messages.info(
            request,
            _("Rated %(calls)s calls: %(new)s new, %(changed)s changed.")
            % {"calls": run.calls, "new": run.created, "changed": run.changed},
        )
    services.cost_report_build(month=chosen)
    messages.info(request, _("The report for %(month)s was rebuilt.") % {"month": chosen})
    return redirect("billing:report", month=str(chosen))


@login_required
@permission_required("billing.view_costreport", raise_exception=True)
def download(request, month: str, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404("unknown format")
    chosen = _month(month)
    report = CostReport.objects.filter(period=chosen.first_day).first()
    if report is None:
        raise Http404(f"no report has been built for {chosen}")
    response = HttpResponse(services.cost_report_render(report, fmt=fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="telephony-costs-{chosen}.{fmt}"'
    return response


@login_required
@permission_required("billing.view_ratedcall", raise_exception=True)
def drilldown(request, month: str):
    """The calls and fees behind a figure: ?department=CODE (or `unassigned`) &type=mobile|…&status=…"""
    chosen = _month(month)
    calls = RatedCall.objects.filter(period=chosen.first_day).select_related(
        "call", "department__city", "rate"
    )
    fees = ChargeAllocation.objects.filter(period=chosen.first_day).select_related("department", "number")
    department = request.GET.get("department", "")
    if department == "unassigned":
        calls, fees = calls.filter(department__isnull=True), fees.filter(department__isnull=True)
    elif department:
        calls, fees = calls.filter(department__code=department), fees.filter(department__code=department)
    call_type = request.GET.get("type", "")
    if call_type:
        calls = calls.filter(call_type=call_type)
    status = request.GET.get("status", "")
    calls = calls.filter(status=status) if status else calls.filter(status__in=services.COUNTED)
    page = Paginator(calls.order_by("started_at", "call_id"), 100).get_page(request.GET.get("page"))
    totals = calls.aggregate(cost=Sum("cost"), seconds=Sum("billed_seconds"), n=Count("pk"))
    context = {
        "month": chosen,
        "page": page,
        "fees": fees if not call_type and status in ("", Status.RATED) else [],
        "fees_total": fees.aggregate(s=Sum("amount"))["s"],
        "totals": totals,
        "department": department,
        "call_type": call_type,
        "status": status,
        "types": RatedCall.CallType.choices,
    }
    return render(request, "billing/drilldown.html", context)


@login_required
@permission_required("billing.view_ratedcall", raise_exception=True)
def whatif(request, month: str):
    chosen = _month(month)
    tariffs = Tariff.objects.select_related("contract").order_by("contract__code", "valid_from")
    code = request.GET.get("tariff", "")
    result = None
    if code:
        tariff = tariffs.filter(code=code).first()
        if tariff is None:
            raise Http404(f"no tariff {code}")
        result = services.whatif_price(month=chosen, tariff=tariff)
    return render(
        request, "billing/whatif.html", {"month": chosen, "tariffs": tariffs, "code": code, "result": result}
    )
