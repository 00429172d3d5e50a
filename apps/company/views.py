"""Pages of the company structure: cities (with everything telephony has there), salons, staff."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from apps.core.dates import in_zone
from apps.core.pages import PortalDetailView, PortalListView

from .models import City, Department, Employee
from .page_filters import CityPageFilter, DepartmentPageFilter, EmployeePageFilter


def cities_with_counts():
    """Cities with how many salons/offices and how many numbers in use each has (one query)."""
    return City.objects.annotate(
        department_count=Count("departments", filter=Q(departments__is_active=True), distinct=True),
        number_count=Count("phone_numbers", filter=~Q(phone_numbers__status="released"), distinct=True),
    ).order_by("name")


class CityListView(PortalListView):
    permission_required = "company.view_city"
    template_name = "company/city_list.html"
    filterset_class = CityPageFilter

    def get_queryset(self):
        return cities_with_counts()


class CityDetailView(PortalDetailView):
    """One city: its salons, numbers and who holds them today, phones and lines — in the city's clock."""

    permission_required = "company.view_city"
    template_name = "company/city_detail.html"
    model = City

    def get_context_data(self, **kwargs):
        # Imported here: telecom is a later app than company; the page reads it, the models do not.
        from apps.telecom.models import Device, Line, NumberAssignment, PhoneNumber

        context = super().get_context_data(**kwargs)
        city = self.object
        user = self.request.user
        # "Today" is the city's own date: near midnight Novosibirsk is a day ahead of Moscow.
        context["local_now"] = local_now = in_zone(timezone.now(), city.timezone)
        today = local_now.date()
        context["today"] = today
        context["departments"] = city.departments.annotate(
            staff_count=Count("employees", filter=Q(employees__is_active=True), distinct=True)
        ).order_by("code")
        if user.has_perm("telecom.view_phonenumber"):
            context["numbers"] = (
                PhoneNumber.objects.filter(city=city)
                .select_related("carrier", "intermediary", "pbx_account")
                .prefetch_related(
                    Prefetch(
                        "assignments",
                        queryset=NumberAssignment.objects.effective_on(today).select_related("department"),
                        to_attr="current_assignments",
                    )
                )
                .order_by("number")
            )
        if user.has_perm("telecom.view_device"):
            context["devices"] = (
                Device.objects.filter(department__city=city)
                .select_related("department", "employee")
                .order_by("department__code", "kind", "model")
            )
        if user.has_perm("telecom.view_line"):
            context["lines"] = (
                Line.objects.filter(city=city).select_related("provider", "department").order_by("name")
            )
        return context


class DepartmentListView(PortalListView):
    permission_required = "company.view_department"
    template_name = "company/department_list.html"
    filterset_class = DepartmentPageFilter

    def get_queryset(self):
        return (
            Department.objects.select_related("city")
            .annotate(staff_count=Count("employees", filter=Q(employees__is_active=True), distinct=True))
            .order_by("city__name", "code")
        )


class EmployeeListView(PortalListView):
    permission_required = "company.view_employee"
    template_name = "company/employee_list.html"
    filterset_class = EmployeePageFilter

    def get_queryset(self):
        return Employee.objects.select_related("department__city").order_by("name", "pk")
