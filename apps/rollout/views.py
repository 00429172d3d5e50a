"""The marketer's pages: rollout board, project page, migration plan, provider selection.

Pages read through services and post small forms back; every write goes through one service call,
and a refused write comes back as a message naming the reason."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.telecom.models import PhoneNumber

from . import analytics, charts, services, whatif
from .forms import AnalyticsFilterForm, DecideForm, PhaseCheckForm, PhaseMoveForm, ScoreForm
from .models import Candidate, MigrationItem, PhaseCheck, ProviderSelection, RolloutPhase, RolloutProject

LOAD_WINDOW_DAYS = 90  # the load order looks at three months of calls, up to the newest one


def _can_read(perm: str):
    def wrap(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return wrap


def _can_write(perm: str):
    def wrap(view):
        return login_required(permission_required(perm, raise_exception=True)(require_POST(view)))

    return wrap


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@_can_read("rollout.view_rolloutproject")
def board(request):
    projects = list(RolloutProject.objects.order_by("-start_date", "name"))
    project = None
    if projects:
        wanted = request.GET.get("project")
        project = next((p for p in projects if str(p.pk) == wanted), projects[0])
    columns = []
    if project is not None:
        phases = list(project.phases.select_related("city", "department"))
        on = services.today()
        for value, label in RolloutPhase.Status.choices:
            cards = [
                {"phase": p, "observation_over": p.observation_over(on)} for p in phases if p.status == value
            ]
            columns.append({"status": value, "label": label, "cards": cards})
    return render(
        request,
        "rollout/board.html",
        {
            "projects": projects,
            "project": project,
            "columns": columns,
            "statuses": RolloutPhase.Status.choices,
            "can_move": request.user.has_perm("rollout.change_rolloutphase"),
        },
    )


@_can_read("rollout.view_rolloutproject")
def project_detail(request, pk: int):
    project = get_object_or_404(RolloutProject.objects.select_related("owner"), pk=pk)
    on = services.today()
    phase_list = list(project.phases.select_related("city", "department", "project"))
    checklists = services.phases_checklists(phase_list, on=on)
    phases = [{"phase": p, "checklist": checklists[p.pk]} for p in phase_list]
    for row in phases:
        row["done_count"] = sum(1 for item in row["checklist"] if item.done)
    start, end = _load_window()
    load = services.phases_by_load(project=project, start=start, end=end)
    return render(
        request,
        "rollout/project.html",
        {
            "project": project,
            "phases": phases,
            "manual_items": PhaseCheck.Item.values,
            "can_edit": request.user.has_perm("rollout.change_rolloutphase"),
            "statuses": RolloutPhase.Status.choices,
            "load": load,
            "load_from": start,
            "load_to": end,
            "load_differs": [r.phase.pk for r in load] != [row["phase"].pk for row in phases],
        },
    )


@_can_write("rollout.change_rolloutphase")
def phase_move(request, pk: int):
    phase = get_object_or_404(RolloutPhase, pk=pk)
    form = PhaseMoveForm(request.POST)
    if form.is_valid():
        try:
            services.phase_move(phase=phase, status=form.cleaned_data["status"])
            messages.success(request, _("%(phase)s moved.") % {"phase": phase.scope_label})
        except ValidationError as exc:
            messages.error(request, f"{phase.scope_label}: {_error_text(exc)}")
    else:
        messages.error(request, _("Choose a status."))
    if request.POST.get("next") == "project":
        return redirect("rollout:project", pk=phase.project_id)
    return redirect(f"{reverse('rollout:board')}?project={phase.project_id}")


@_can_write("rollout.change_rolloutphase")
def phase_check(request, pk: int):
    phase = get_object_or_404(RolloutPhase, pk=pk)
    form = PhaseCheckForm(request.POST)
    if form.is_valid():
        services.phase_check_set(
            phase=phase,
            item=form.cleaned_data["item"],
            done=form.cleaned_data["done"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    else:
        messages.error(request, _("Unknown checklist item."))
    return redirect("rollout:project", pk=phase.project_id)


@_can_write("rollout.change_rolloutphase")
def phase_shift(request, pk: int):
    phase = get_object_or_404(RolloutPhase.objects.select_related("project"), pk=pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    services.phase_shift(phase=phase, step=step)
    return redirect("rollout:project", pk=phase.project_id)


@_can_read("rollout.view_migrationitem")
def migration_plan(request):
    items = list(MigrationItem.objects.with_related().order_by("number__city__name", "number__number"))
    ctx = services.migration_blocker_context(items)
    rows = [
        {
            "item": item,
            "blockers": services.migration_blockers(item, ctx),
            "break_even": services.migration_break_even(item),
        }
        for item in items
    ]
    return render(
        request,
        "rollout/migration.html",
        {
            "rows": rows,
            "progress": services.migration_plan_progress(),
            "statuses": MigrationItem.Status.choices,
            "can_edit": request.user.has_perm("rollout.change_migrationitem"),
            "unplanned": PhoneNumber.objects.at_risk().filter(migration_item__isnull=True).count(),
        },
    )


@_can_write("rollout.add_migrationitem")
def migration_sync(request):
    created = services.migration_plan_sync()
    messages.success(request, _("%(n)d numbers added to the plan.") % {"n": len(created)})
    return redirect("rollout:migration")


@_can_write("rollout.change_migrationitem")
def migration_advance(request, pk: int):
    item = get_object_or_404(MigrationItem.objects.with_related(), pk=pk)
    status = request.POST.get("status", "")
    try:
        services.migration_item_advance(item=item, status=status)
        messages.success(request, _("%(number)s: status changed.") % {"number": item.number})
    except ValidationError as exc:
        messages.error(request, f"{item.number}: {_error_text(exc)}")
    return redirect("rollout:migration")


@_can_read("rollout.view_providerselection")
def selection_list(request):
    selections = ProviderSelection.objects.select_related("city", "decision__chosen__provider")
    return render(request, "rollout/selections.html", {"selections": selections})


@_can_read("rollout.view_providerselection")
def selection_detail(request, pk: int):
    selection = get_object_or_404(
        ProviderSelection.objects.select_related(
            "city", "decision__chosen__provider", "decision__decided_by"
        ),
        pk=pk,
    )
    requirements = list(selection.requirements.all())
    standings = services.selection_standings(selection)
    for standing in standings:
        standing.form = ScoreForm(selection=selection, auto_id=f"id_c{standing.candidate.pk}_%s")
    matrix = [{"requirement": r, "cells": [s.scores.get(r.pk) for s in standings]} for r in requirements]
    # The what-if shows what departments paid: for whoever may read cost reports (not the lawyer).
    can_see_costs = request.user.has_perm("billing.view_costreport")
    if can_see_costs:
        priced = whatif.candidates_whatif([s.candidate for s in standings])
        for standing in standings:
            standing.whatif = priced[standing.candidate.pk]
    return render(
        request,
        "rollout/selection.html",
        {
            "selection": selection,
            "standings": standings,
            "matrix": matrix,
            "decision": getattr(selection, "decision", None),
            "decide_form": DecideForm(selection=selection),
            "can_edit": request.user.has_perm("rollout.change_score"),
            "can_see_costs": can_see_costs,
            "whatif_months": whatif.DEFAULT_MONTHS,
        },
    )


@_can_write("rollout.change_score")
def candidate_score(request, pk: int):
    candidate = get_object_or_404(Candidate.objects.select_related("selection"), pk=pk)
    form = ScoreForm(request.POST, selection=candidate.selection)
    if form.is_valid():
        try:
            services.candidate_score_set(candidate=candidate, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, _("Score not saved: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("rollout:selection", pk=candidate.selection_id)


@_can_write("rollout.change_decision")
def selection_decide(request, pk: int):
    selection = get_object_or_404(ProviderSelection, pk=pk)
    form = DecideForm(request.POST, selection=selection)
    if form.is_valid():
        try:
            services.selection_decide(selection=selection, by=request.user, **form.cleaned_data)
            messages.success(request, _("Decision recorded."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, _("Decision not recorded: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("rollout:selection", pk=selection.pk)


def _dashboard_context(request) -> dict:
    form = AnalyticsFilterForm(request.GET or None)
    context = {"form": form, "figures": None}
    if request.GET and not form.is_valid():
        return context
    if not request.GET:
        form = AnalyticsFilterForm({})
        form.is_valid()
        context["form"] = AnalyticsFilterForm()
    figures = analytics.call_analytics(**form.analytics_kwargs())
    d = form.cleaned_data
    scope = d.get("department") or d.get("city") or _("all salons")
    context.update(
        {
            "figures": figures,
            "scope": scope,
            "heatmap_svg": charts.heatmap_svg(
                figures["heatmap"]["inbound"],
                weekdays=[str(WEEKDAYS_ABBR[i]) for i in range(7)],  # Mon…Sun in the page's language
                title=_("Inbound calls by weekday and hour (local time), %(scope)s") % {"scope": scope},
            ),
            "daily_svg": charts.daily_svg(
                figures["daily"], title=_("Inbound calls per day, %(scope)s") % {"scope": scope}
            ),
            "query": request.GET.urlencode(),
        }
    )
    return context


@_can_read("calls.view_callrecord")
def call_dashboard(request):
    return render(request, "rollout/analytics.html", _dashboard_context(request))


@_can_read("calls.view_callrecord")
def call_dashboard_pdf(request):
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    context = _dashboard_context(request)
    if context["figures"] is None:
        return render(request, "rollout/analytics.html", context, status=400)
    html = render_to_string("rollout/analytics_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    f = context["figures"]["period"]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="calls-{f["from"]}-{f["to"]}.pdf"'
    return response


@_can_write("rollout.change_rolloutphase")
def project_load_order(request, pk: int):
    project = get_object_or_404(RolloutProject, pk=pk)
    start, end = _load_window()
    services.phases_apply_load_order(project=project, start=start, end=end)
    messages.success(request, _("Phases ordered from the least to the most calls."))
    return redirect("rollout:project", pk=project.pk)


def _load_window():
    end = analytics.default_end()
    return end - dt.timedelta(days=LOAD_WINDOW_DAYS - 1), end
