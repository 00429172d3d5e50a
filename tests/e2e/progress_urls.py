"""The portal's URLs plus a fake long job, to drive the generic progress bar in a real browser."""

from __future__ import annotations

from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import include, path, reverse

from apps.company.models import City
from apps.core.pages import PortalDetailView
from apps.core.progress import JobProgress, JobProgressView

POLLS: dict[int, int] = {}  # job id → how many times the bar asked; the job advances on each poll


class FakeJobProgress(JobProgressView):
    permission_required = "company.view_city"
    model = City

    def get_progress(self, city) -> JobProgress:
        polls = POLLS[city.pk] = POLLS.get(city.pk, 0) + 1
        if polls >= 4:
            return JobProgress(
                status="done",
                done=300,
                total=300,
                summary={"imported": 297, "duplicates": 3},
                errors=["calls.csv row 17: duration -5 is negative"],
            )
        return JobProgress(status="running", done=polls * 75, total=300, message=f"row {polls * 75}")


PAGE = Template(
    '{% extends "base.html" %}{% block content %}<h1>Import</h1>'
    '{% include "includes/progress.html" with status_url=status_url label="Importing calls" '
    'done_url="/" done_label="Open the cost report" interval=200 %}{% endblock %}'
)


class FakeJobPage(PortalDetailView):
    permission_required = "company.view_city"
    model = City

    def get(self, request, *args, **kwargs):
        city = self.get_object()
        context = RequestContext(request, {"status_url": reverse("e2e-job-progress", args=[city.pk])})
        return HttpResponse(PAGE.render(context))


urlpatterns = [
    path("e2e/jobs/<int:pk>/", FakeJobPage.as_view(), name="e2e-job"),
    path("e2e/jobs/<int:pk>/progress/", FakeJobProgress.as_view(), name="e2e-job-progress"),
    path("", include("telephony_portal.urls")),
]
