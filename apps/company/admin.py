from django.contrib import admin

from apps.core.admin import PortalImportExportAdmin

from .models import City, Department, Employee
from .resources import CityResource, DepartmentResource, EmployeeResource


@admin.register(City)
class CityAdmin(PortalImportExportAdmin):
    resource_classes = [CityResource]
    list_display = ("name", "timezone", "area_code")
    list_filter = ("timezone",)
    search_fields = ("name", "area_code")


@admin.register(Department)
class DepartmentAdmin(PortalImportExportAdmin):
    resource_classes = [DepartmentResource]
    list_display = ("code", "name", "city", "kind", "cost_centre", "is_active")
    list_filter = ("kind", "is_active", "city")
    list_select_related = ("city",)
    search_fields = ("code", "name", "address", "cost_centre", "city__name")
    autocomplete_fields = ("city",)


@admin.register(Employee)
class EmployeeAdmin(PortalImportExportAdmin):
    resource_classes = [EmployeeResource]
    list_display = ("name", "department", "position", "email", "is_active")
    list_filter = ("is_active", "department__city")
    list_select_related = ("department",)
    search_fields = ("name", "email", "position", "department__code", "department__name")
    autocomplete_fields = ("department",)
