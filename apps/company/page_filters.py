"""Filters of the company pages (the API keeps its own FilterSets in filtersets.py)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.pages import search_q

from .models import City, Department, Employee


class CityPageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = City
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(search_q(["name"], value) | Q(area_code__startswith=value.strip()))


class DepartmentPageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    city = django_filters.ModelChoiceFilter(queryset=City.objects.all(), label=_("City"))
    kind = django_filters.ChoiceFilter(choices=Department.Kind.choices, label=_("Kind"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Department
        fields = ["q", "city", "kind", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(search_q(["code", "name", "address", "cost_centre"], value))


class EmployeePageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    city = django_filters.ModelChoiceFilter(
        field_name="department__city", queryset=City.objects.all(), label=_("City")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.select_related("city"), label=_("Department")
    )

    class Meta:
        model = Employee
        fields = ["q", "city", "department"]

    def search(self, queryset, name, value):
        return queryset.filter(search_q(["name", "position", "email"], value))
