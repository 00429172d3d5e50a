"""Server-rendered pages of the inventory: dashboard, numbers, numbers at risk, providers, lines, phones."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.company.views import cities_with_counts
from apps.core.attention import attention_items
from apps.core.charts import PALETTE, bar_chart, heatmap
from apps.core.dates import in_zone
from apps.core.pages import (
    PortalDetailView,
    PortalListView,
    PortalTemplateView,
    StickyFiltersMixin,
    local_today,
)

from .at_risk import numbers_at_risk_report
from .models import CallRoute, Device, Extension, Line, NumberAssignment, PhoneNumber, Provider
from .page_filters import (
    AtRiskPageFilter,
    DevicePageFilter,
    LinePageFilter,
    NumberPageFilter,
    ProviderPageFilter,
)


def dashboard_charts(cities, at_risk) -> dict:
    """Numbers per city, at-risk numbers per intermediary, and who each city's numbers depend on."""
    direct = _("direct")
    per_city = [(city.name, city.number_count) for city in cities if city.number_count]
    dependence = (
        PhoneNumber.objects.active()
        .values_list("city__name", "intermediary__name")
        .annotate(n=Count("pk"))
        .order_by("city__name", "intermediary__name")
    )
    columns = sorted({name or direct for _city, name, _n in dependence}, key=lambda c: (c != direct, c))
    rows = sorted({city for city, _name, _n in dependence})
    grid = {(city, name or direct): n for city, name, n in dependence}
    return {
        "per_city": bar_chart(
            title=_("Numbers in use per city"),
            items=per_city,
            empty_text=_("No numbers in use yet."),
        ),
        "at_risk": bar_chart(
            title=_("Numbers at risk per intermediary"),
            description=_("Numbers we would lose if we left each intermediary."),
            items=[(s.intermediary.name, s.count) for s in at_risk.by_intermediary],
            colour=PALETTE[1],
            empty_text=_("No number is held through an intermediary."),
        ),
        "dependence": heatmap(
            title=_("Whom each city's numbers depend on"),
            description=_("Numbers in use per city: direct from the operator, or per intermediary."),
            rows=rows,
            columns=columns,
            values=[[grid.get((row, column)) for column in columns] for row in rows],
            empty_text=_("No numbers in use yet."),
        ),
    }


class DashboardView(PortalTemplateView):
    """What needs attention today, then the portal at a glance: counts, charts, the cities."""

    permission_required = "company.view_city"
    template_name = "telecom/dashboard.html"

    def get_context_data(self, **kwargs):
        from apps.company.models import Department

        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["cities"] = list(cities_with_counts())
        context["department_count"] = Department.objects.active().count()
        context["attention"] = attention_items(user)
        if user.has_perm("telecom.view_phonenumber"):
            numbers = PhoneNumber.objects.active()
            context["number_count"] = numbers.count()
            context["direct_count"] = numbers.filter(intermediary__isnull=True).count()
            context["at_risk"] = at_risk = numbers_at_risk_report()
            context["charts"] = dashboard_charts(context["cities"], at_risk)
        if user.has_perm("telecom.view_device"):
            context["device_count"] = Device.objects.exclude(status=Device.Status.RETIRED).count()
        if user.has_perm("telecom.view_line"):
            context["line_count"] = Line.objects.count()
        return context


class NumberListView(PortalListView):
    permission_required = "telecom.view_phonenumber"
    template_name = "telecom/number_list.html"
    filterset_class = NumberPageFilter

    def get_queryset(self):
        return (
            PhoneNumber.objects.select_related("city", "carrier", "intermediary")
            .prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=NumberAssignment.objects.effective_on(local_today()).select_related(
                        "department"
                    ),
                    to_attr="current_assignments",
                )
            )
            .order_by("number")
        )


class NumberDetailView(PortalDetailView):
    """One number: how it is written, who owns and who rents it, who held it when, how calls ring."""

    permission_required = "telecom.view_phonenumber"
    template_name = "telecom/number_detail.html"

    def get_queryset(self):
        return PhoneNumber.objects.select_related("city", "carrier", "intermediary", "pbx_account__provider")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number = self.object
        user = self.request.user
        today = in_zone(timezone.now(), number.city.timezone).date()  # the number's city's date
        if user.has_perm("telecom.view_numberassignment"):
            assignments = list(number.assignments.select_related("department__city").order_by("-valid_from"))
            context["assignments"] = assignments
            context["current_assignment"] = next((a for a in assignments if a.covers(today)), None)
        if user.has_perm("telecom.view_callroute"):
            context["route"] = (
                CallRoute.objects.filter(number=number)
                .prefetch_related(
                    Prefetch(
                        "members",
                        queryset=Extension.objects.select_related("employee", "department").order_by(
                            "extension"
                        ),
                    )
                )
                .first()
            )
        return context


class NumbersAtRiskView(StickyFiltersMixin, PortalTemplateView):
    """Every active number rented through an intermediary, by city and intermediary, with fees."""

    permission_required = "telecom.view_phonenumber"
    template_name = "telecom/numbers_at_risk.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = AtRiskPageFilter(self.request.GET or None, queryset=PhoneNumber.objects.all())
        context["filter"] = filterset
        context["filtered"] = filterset.is_bound and any(self.request.GET.values())
        context["report"] = numbers_at_risk_report(filterset.qs)
        return context


class ProviderListView(PortalListView):
    permission_required = "telecom.view_provider"
    template_name = "telecom/provider_list.html"
    filterset_class = ProviderPageFilter

    def get_queryset(self):
        active = ~Q(carried_numbers__status=PhoneNumber.Status.RELEASED)
        return Provider.objects.annotate(
            carried_count=Count("carried_numbers", filter=active, distinct=True),
            intermediated_count=Count(
                "intermediated_numbers",
                filter=~Q(intermediated_numbers__status=PhoneNumber.Status.RELEASED),
                distinct=True,
            ),
            line_count=Count("lines", distinct=True),
        ).order_by("name")


class LineListView(PortalListView):
    permission_required = "telecom.view_line"
    template_name = "telecom/line_list.html"
    filterset_class = LinePageFilter

    def get_queryset(self):
        return Line.objects.select_related("provider", "city", "department").order_by("city__name", "name")


class DeviceListView(PortalListView):
    permission_required = "telecom.view_device"
    template_name = "telecom/device_list.html"
    filterset_class = DevicePageFilter

    def get_queryset(self):
        return Device.objects.select_related("department__city", "employee").order_by(
            "department__city__name", "department__code", "kind", "model", "pk"
        )
