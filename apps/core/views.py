"""Views shared by every app."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.urls import get_resolver, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .forms import WorkbookImportForm
from .workbook import workbook_import


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def api_root(request):
    """Index of the API: every list endpoint under /api/v1/ by name."""
    names = sorted(key for key in url_names(get_resolver()) if key.endswith("-list") and "-api:" in key)
    return Response({name: request.build_absolute_uri(reverse(name)) for name in names})


def url_names(resolver, prefix=""):
    """Every named route below `resolver`, with its namespaces (`company-api:city-list`)."""
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from url_names(pattern, ns)
        elif pattern.name:
            yield prefix + pattern.name


class WorkbookImportView(UserPassesTestMixin, FormView):
    """The admin uploads the inventory workbook; everything is written, or nothing (apps.core.workbook)."""

    template_name = "core/workbook_import.html"
    form_class = WorkbookImportForm

    def test_func(self) -> bool:
        user = self.request.user
        return user.is_authenticated and hasattr(user, "has_role") and user.has_role("admin")

    def form_valid(self, form):
        upload = form.cleaned_data["workbook"]
        dry_run = form.cleaned_data["dry_run"]
        # workbook_import reads a path; the file keeps its own name so that errors name the user's file.
        with tempfile.TemporaryDirectory(prefix="workbook-") as folder:
            path = Path(folder) / Path(upload.name).name
            with path.open("wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            result = workbook_import(path=path, dry_run=dry_run)
        if result.written:
            messages.success(
                self.request,
                _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
        elif result.ok:
            messages.info(
                self.request,
                _("The file is valid: it would add %(created)s and change %(updated)s. Nothing was written.")
                % {"created": result.created, "updated": result.updated},
            )
        else:
            messages.error(
                self.request,
                ngettext(
                    "%(n)s error: nothing was written.",
                    "%(n)s errors: nothing was written.",
                    len(result.errors),
                )
                % {"n": len(result.errors)},
            )
        return self.render_to_response(self.get_context_data(form=form, result=result))
