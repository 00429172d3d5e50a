"""Import/export of the company structure, keyed by natural keys (city name, department code)."""

from __future__ import annotations

from apps.core.resources import (
    BooleanWidget,
    ChoiceWidget,
    NaturalKeyWidget,
    PortalResource,
    TextWidget,
    column,
)

from .models import City, Department, Employee


class CityResource(PortalResource):
    required_columns = ("name", "timezone", "area_code")

    name = column("name", TextWidget("name"))
    timezone = column("timezone", TextWidget("timezone"))
    area_code = column("area_code", TextWidget("area_code"))

    class Meta(PortalResource.Meta):
        model = City
        import_id_fields = ("name",)
        fields = ("name", "timezone", "area_code")
        export_order = fields


class DepartmentResource(PortalResource):
    required_columns = ("code", "name", "city")

    code = column("code", TextWidget("code"))
    name = column("name", TextWidget("name"))
    city = column("city", NaturalKeyWidget("city", City, "name", "city"))
    kind = column("kind", ChoiceWidget("kind", Department.Kind, default=Department.Kind.SALON))
    address = column("address", TextWidget("address"))
    cost_centre = column("cost_centre", TextWidget("cost_centre"))
    is_active = column("is_active", BooleanWidget("is_active"))

    class Meta(PortalResource.Meta):
        model = Department
        import_id_fields = ("code",)
        fields = ("code", "name", "city", "kind", "address", "cost_centre", "is_active")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("city")


class EmployeeResource(PortalResource):
    """Staff are keyed by (department, name): two Ivanovs in two salons are two people."""

    required_columns = ("name", "department")

    name = column("name", TextWidget("name"))
    department = column("department", NaturalKeyWidget("department", Department, "code", "department"))
    position = column("position", TextWidget("position"))
    email = column("email", TextWidget("email"))
    is_active = column("is_active", BooleanWidget("is_active"))

    class Meta(PortalResource.Meta):
        model = Employee
        import_id_fields = ("department", "name")
        fields = ("name", "department", "position", "email", "is_active")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("department")
