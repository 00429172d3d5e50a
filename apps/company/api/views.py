"""REST endpoints of the company structure: /api/v1/cities/, departments/, employees/."""

from __future__ import annotations

from apps.core.api import PortalModelViewSet

from ..filtersets import CityFilterSet, DepartmentFilterSet, EmployeeFilterSet
from ..models import City, Department, Employee
from .serializers import CitySerializer, DepartmentSerializer, EmployeeSerializer


class CityViewSet(PortalModelViewSet):
    queryset = City.objects.all()
    serializer_class = CitySerializer
    filterset_class = CityFilterSet
    search_fields = ["name", "area_code"]
    ordering_fields = ["name", "timezone", "area_code", "created_at"]


class DepartmentViewSet(PortalModelViewSet):
    queryset = Department.objects.select_related("city")
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    search_fields = ["code", "name", "address", "cost_centre", "city__name"]
    ordering_fields = ["code", "name", "kind", "city__name", "created_at"]


class EmployeeViewSet(PortalModelViewSet):
    queryset = Employee.objects.select_related("department")
    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilterSet
    search_fields = ["name", "position", "email", "department__code", "department__name"]
    ordering_fields = ["name", "position", "department__code", "created_at"]
