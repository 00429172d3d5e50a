"""Pages: upload a call-record file and watch its run; the sources and how their runs went."""

from __future__ import annotations

import base64
import hmac

from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services, tasks
from .forms import UploadForm
from .models import ImportRun, Source


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
    return render(request, "calls/run.html", {"run": run, "quarantined": quarantined})


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
