"""Building blocks for server-rendered pages: permission-guarded list and detail views."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Q
from django.forms import NullBooleanSelect
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView


class PortalPageMixin(PermissionRequiredMixin):
    """Login required (anonymous → login page) and the model's view permission (otherwise 403)."""

    raise_exception = False  # anonymous users are sent to the login page; signed-in users get 403


BLANK = frozenset({"", "unknown"})  # a filter left at "any" ("unknown" is the yes/no filters' "any")


class StickyFiltersMixin:
    """Remember a list's last filters in the session, so coming back to the list shows them again.

    A GET with filters stores them (the page number is not a filter); a bare GET restores the stored
    ones by a redirect; `?clear=1` forgets them. The key is the URL name, so each list has its own.
    """

    clear_parameter = "clear"

    def _sticky_key(self) -> str:
        return f"filters:{self.request.resolver_match.view_name}"

    def get(self, request, *args, **kwargs):
        key = self._sticky_key()
        if self.clear_parameter in request.GET:
            request.session.pop(key, None)
            return HttpResponseRedirect(request.path)
        filters = request.GET.copy()
        filters.pop("page", None)
        if any(v not in BLANK for v in filters.values()):
            request.session[key] = filters.urlencode()
        elif not request.GET and request.session.get(key):
            return HttpResponseRedirect(f"{request.path}?{request.session[key]}")
        return super().get(request, *args, **kwargs)


class PortalListView(StickyFiltersMixin, PortalPageMixin, FilterView):
    """A searchable, filterable, paginated list; `filterset_class` defines the filters."""

    paginate_by = 50
    strict = False  # an invalid filter value shows the error and keeps the list unfiltered

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        yes_no_any(filterset.form)
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filtered"] = any(v not in BLANK for k, v in self.request.GET.items() if k != "page")
        return context


class PortalDetailView(PortalPageMixin, DetailView):
    pass


class PortalTemplateView(PortalPageMixin, TemplateView):
    pass


def yes_no_any(form) -> None:
    """Yes/no filters offer "Any · Yes · No" rather than Django's "Unknown · Yes · No"."""
    for field in form.fields.values():
        if isinstance(field.widget, NullBooleanSelect):
            # "unknown" (not ""): NullBooleanSelect compares by substring, and "" is in every value.
            field.widget.choices = [("unknown", _("Any")), ("true", _("Yes")), ("false", _("No"))]


def local_today() -> dt.date:
    """Today in the portal's zone: the day whose assignments count as "current"."""
    return timezone.localdate()


def search_q(fields: list[str], value: str) -> Q:
    """`value` in any of `fields`, ignoring case — Cyrillic included.

    SQLite folds case only for ASCII, so "алсу" would miss "Алсу" on the embedded database; the usual
    spellings of the term (as typed, lower, upper, capitalised, title) are looked for as well.
    """
    value = value.strip()
    variants = {value, value.lower(), value.upper(), value.capitalize(), value.title()}
    condition = Q()
    for field in fields:
        for variant in variants:
            condition |= Q(**{f"{field}__icontains": variant})
    return condition
