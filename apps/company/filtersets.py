"""Filters for company lists (API and pages): `?city=3&kind=salon&is_active=true`."""

from __future__ import annotations

import django_filters

from .models import City, Department, Employee


class CityFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = City
        fields = ["name", "timezone", "area_code"]


class DepartmentFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(lookup_expr="iexact")
    city = django_filters.ModelMultipleChoiceFilter(queryset=City.objects.all())

    class Meta:
        model = Department
        fields = ["code", "kind", "city", "is_active", "cost_centre"]


class EmployeeFilterSet(django_filters.FilterSet):
    department = django_filters.ModelMultipleChoiceFilter(queryset=Department.objects.all())
    city = django_filters.ModelMultipleChoiceFilter(
        field_name="department__city", queryset=City.objects.all(), label="City"
    )

    class Meta:
        model = Employee
        fields = ["department", "city", "is_active"]
