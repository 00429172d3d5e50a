"""Pages: upload a call-record file and watch its run; the sources and how their runs went."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render

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
