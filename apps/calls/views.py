"""Pages: upload a call-record file and watch its run; the runs, the sources and how their runs went."""

from __future__ import annotations

import base64
import hmac

import django_filters
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.core.pages import PortalListView
from apps.core.progress import DONE, FAILED, PENDING, RUNNING, JobProgress, JobProgressView

from . import services, tasks
from .forms import UploadForm
from .models import ImportRun, Source

ERRORS_SHOWN = 20  # rejected rows listed in the progress summary; the run page lists up to 200


@login_required
@permission_required("calls.add_importrun", raise_exception=True)
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run, created = services.run_create_for_file(
            source=form.cleaned_data["source"], stream=upload, name=upload.name, user=request.user
        )
        if created:
            transaction.on_commit(lambda: tasks.run_process.delay(run.pk))
        return redirect("calls:run", pk=run.pk)
    return render(request, "calls/upload.html", {"form": form})


@login_required
@permission_required("calls.view_importrun", raise_exception=True)
def run_detail(request, pk: int):
    run = get_object_or_404(ImportRun.objects.select_related("source"), pk=pk)
    quarantined = run.quarantined.order_by("line")[:200]
    context = {
        "run": run,
        "quarantined": quarantined,
        "progress": run_progress(run),
        "status_url": reverse("calls:run-progress", args=[run.pk]),
    }
    return render(request, "calls/run.html", context)


_JOB_STATUS = {
    ImportRun.Status.PENDING: PENDING,
    ImportRun.Status.RUNNING: RUNNING,
    ImportRun.Status.SUCCEEDED: DONE,
    ImportRun.Status.FAILED: FAILED,
}


def run_progress(run: ImportRun) -> JobProgress:
    """The run as the shared progress bar shows it: bytes read of the file (rows for a pull or push),
    the counts, and the first rejected rows, each naming the file and line."""
    if run.bytes_total:  # a file: how much of it is read, in kB (rows are not counted before reading)
        done, total = run.bytes_done // 1024, -(-run.bytes_total // 1024)
    else:
        done, total = run.read, None
    message = ""
    if not run.is_finished and run.read:
        message = _("%(read)s records read") % {"read": run.read}
    if run.error:
        message = run.error
    errors = []
    if run.is_finished:
        where = run.file_name or run.get_kind_display()
        errors = [
            _("%(file)s line %(line)s: %(reason)s") % {"file": where, "line": row.line, "reason": row.reason}
            for row in run.quarantined.order_by("line")[:ERRORS_SHOWN]
        ]
        if run.rejected > ERRORS_SHOWN:
            errors.append(_("… and %(n)s more rejected rows below") % {"n": run.rejected - ERRORS_SHOWN})
    summary = {
        _("read"): run.read,
        _("inserted"): run.inserted,
        _("duplicates"): run.duplicates,
        _("rejected"): run.rejected,
    }
    if run.seconds is not None:
        summary[_("seconds")] = round(run.seconds, 1)
    return JobProgress(
        status=_JOB_STATUS[run.status],
        done=done,
        total=total,
        message=message,
        summary=summary,
        errors=errors,
    )


class RunProgressView(JobProgressView):
    """JSON polled by the run page's progress bar (apps/core/progress.py)."""

    permission_required = "calls.view_importrun"
    model = ImportRun

    def get_progress(self, run) -> JobProgress:
        return run_progress(run)


class RunFilterSet(django_filters.FilterSet):
    """Filters of the runs page; `problem` is what the dashboard's attention items link to."""

    PROBLEMS = (("failed", gettext_lazy("failed")), ("rejected", gettext_lazy("with rejected rows")))

    source = django_filters.ModelChoiceFilter(queryset=Source.objects.all(), label=gettext_lazy("Source"))
    status = django_filters.ChoiceFilter(choices=ImportRun.Status.choices, label=gettext_lazy("Status"))
    problem = django_filters.ChoiceFilter(
        choices=PROBLEMS, method="filter_problem", label=gettext_lazy("Problem")
    )
    since = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=gettext_lazy("Since (date)")
    )

    class Meta:
        model = ImportRun
        fields = ["source", "status", "problem", "since"]

    def filter_problem(self, queryset, name, value):
        if value == "failed":
            return queryset.filter(status=ImportRun.Status.FAILED)
        if value == "rejected":
            return queryset.filter(rejected__gt=0)
        return queryset


class RunListView(PortalListView):
    """Every import run, newest first: the place to find failed runs and runs with rejected rows."""

    permission_required = "calls.view_importrun"
    model = ImportRun
    filterset_class = RunFilterSet
    template_name = "calls/run_list.html"

    def get_queryset(self):
        return ImportRun.objects.select_related("source").order_by("-created_at", "-pk")


@login_required
@permission_required("calls.view_source", raise_exception=True)
def source_list(request):
    sources = Source.objects.annotate(
        failed_runs=Count("runs", filter=Q(runs__status=ImportRun.Status.FAILED)), run_count=Count("runs")
    )
    return render(request, "calls/sources.html", {"sources": sources})


@login_required
@permission_required("calls.view_source", raise_exception=True)
def source_detail(request, slug: str):
    source = get_object_or_404(Source, slug=slug)
    runs = source.runs.order_by("-created_at", "-pk")[:50]
    return render(request, "calls/source.html", {"source": source, "runs": runs})


@csrf_exempt
@require_POST
def freeswitch_push(request, slug: str):
    """mod_json_cdr posts each leg here, authenticated with the source's login and secret (Basic)."""
    source = Source.objects.filter(slug=slug, connector="freeswitch_json", enabled=True).first()
    if source is None or not _basic_auth_ok(request, source):
        response = JsonResponse({"error": "authentication required"}, status=401)
        response["WWW-Authenticate"] = 'Basic realm="call records"'
        return response
    run, inserted, reason = services.push_receive(
        source=source, body=request.body, content_type=request.content_type or ""
    )
    if reason:
        return JsonResponse({"error": reason, "run": run.pk}, status=400)
    return JsonResponse({"inserted": inserted, "run": run.pk})


def _basic_auth_ok(request, source: Source) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Basic ") or not source.login or not source.has_secret:
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return hmac.compare_digest(user, source.login) & hmac.compare_digest(password, source.secret)
