"""API shapes of the company structure. References are written as ids and read as brief objects."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.api import BriefRelatedField, CleanModelSerializer

from ..models import City, Department, Employee


class CityBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="company-api:city-detail")

    class Meta:
        model = City
        fields = ["id", "url", "name"]


class DepartmentBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="company-api:department-detail")

    class Meta:
        model = Department
        fields = ["id", "url", "code", "name"]


class EmployeeBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="company-api:employee-detail")

    class Meta:
        model = Employee
        fields = ["id", "url", "name"]


class CitySerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="company-api:city-detail")

    class Meta:
        model = City
        fields = ["id", "url", "name", "timezone", "area_code", "created_at", "updated_at"]


class DepartmentSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="company-api:department-detail")
    city = BriefRelatedField(CityBriefSerializer, queryset=City.objects.all())

    class Meta:
        model = Department
        fields = [
            "id",
            "url",
            "code",
            "name",
            "kind",
            "city",
            "address",
            "cost_centre",
            "is_active",
            "created_at",
            "updated_at",
        ]


class EmployeeSerializer(CleanModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="company-api:employee-detail")
    department = BriefRelatedField(DepartmentBriefSerializer, queryset=Department.objects.all())

    class Meta:
        model = Employee
        fields = [
            "id",
            "url",
            "name",
            "department",
            "position",
            "email",
            "is_active",
            "created_at",
            "updated_at",
        ]
