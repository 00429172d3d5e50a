"""Import/export of the telecom inventory, keyed by natural keys.

Providers by name, numbers by the number itself (any usual national or E.164 form, stored as E.164),
lines by name, devices by serial, assignments and extensions by (number/extension, valid_from).
"""

from __future__ import annotations

from apps.company.models import City, Department, Employee
from apps.core.resources import (
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    MoneyWidget,
    NaturalKeyWidget,
    PhoneReferenceWidget,
    PhoneWidget,
    PortalResource,
    TextWidget,
    cell_text,
    column,
)

from .models import CallRoute, Device, Extension, Line, NumberAssignment, PbxAccount, PhoneNumber, Provider


def city_ref(name: str = "city") -> NaturalKeyWidget:
    return NaturalKeyWidget(name, City, "name", "city")


def department_ref(name: str = "department") -> NaturalKeyWidget:
    return NaturalKeyWidget(name, Department, "code", "department")


def provider_ref(name: str) -> NaturalKeyWidget:
    return NaturalKeyWidget(name, Provider, "name", "provider")


class EmployeeInDepartmentWidget(NaturalKeyWidget):
    """An employee by name, looked up in the department of the same row (names repeat across salons)."""

    def __init__(self, column: str = "employee"):
        super().__init__(column, Employee, "name", "employee")

    def queryset(self, row):
        return Employee.objects.filter(department__code=cell_text((row or {}).get("department")))

    def cache_scope(self, row) -> tuple:
        return (cell_text((row or {}).get("department")),)

    def unknown_message(self, key, row) -> str:
        department = cell_text((row or {}).get("department"))
        return f"Unknown employee '{key}' in department '{department}'."


class ProviderResource(PortalResource):
    required_columns = ("name", "kind")

    name = column("name", TextWidget("name"))
    kind = column("kind", ChoiceWidget("kind", Provider.Kind))
    legal_name = column("legal_name", TextWidget("legal_name"))
    inn = column("inn", TextWidget("inn"))
    contact_name = column("contact_name", TextWidget("contact_name"))
    contact_email = column("contact_email", TextWidget("contact_email"))
    contact_phone = column("contact_phone", TextWidget("contact_phone"))
    website = column("website", TextWidget("website"))
    notes = column("notes", TextWidget("notes"))

    class Meta(PortalResource.Meta):
        model = Provider
        import_id_fields = ("name",)
        fields = (
            "name",
            "kind",
            "legal_name",
            "inn",
            "contact_name",
            "contact_email",
            "contact_phone",
            "website",
            "notes",
        )
        export_order = fields


class PbxAccountResource(PortalResource):
    required_columns = ("provider", "account_id")

    provider = column("provider", provider_ref("provider"))
    account_id = column("account_id", TextWidget("account_id"))
    name = column("name", TextWidget("name"))
    portal_url = column("portal_url", TextWidget("portal_url"))
    notes = column("notes", TextWidget("notes"))

    class Meta(PortalResource.Meta):
        model = PbxAccount
        import_id_fields = ("provider", "account_id")
        fields = ("provider", "account_id", "name", "portal_url", "notes")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("provider")


class PhoneNumberResource(PortalResource):
    required_columns = ("number", "kind", "city", "carrier", "intermediary", "monthly_fee", "status")

    number = column("number", PhoneWidget("number"))
    kind = column("kind", ChoiceWidget("kind", PhoneNumber.Kind))
    city = column("city", city_ref())
    carrier = column("carrier", provider_ref("carrier"))
    intermediary = column("intermediary", provider_ref("intermediary"))
    monthly_fee = column("monthly_fee", MoneyWidget("monthly_fee"))
    currency = column("currency", TextWidget("currency", default="RUB"))
    status = column("status", ChoiceWidget("status", PhoneNumber.Status))
    reserved_on = column("reserved_on", DateWidget("reserved_on"))
    activated_on = column("activated_on", DateWidget("activated_on"))
    released_on = column("released_on", DateWidget("released_on"))
    notes = column("notes", TextWidget("notes"))

    class Meta(PortalResource.Meta):
        model = PhoneNumber
        import_id_fields = ("number",)
        fields = (
            "number",
            "kind",
            "city",
            "carrier",
            "intermediary",
            "monthly_fee",
            "currency",
            "status",
            "reserved_on",
            "activated_on",
            "released_on",
            "notes",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("city", "carrier", "intermediary")


class NumberAssignmentResource(PortalResource):
    required_columns = ("number", "department", "valid_from", "valid_to")

    number = column("number", PhoneReferenceWidget("number", PhoneNumber, "number", "number"))
    department = column("department", department_ref())
    valid_from = column("valid_from", DateWidget("valid_from"))
    valid_to = column("valid_to", DateWidget("valid_to"))
    note = column("note", TextWidget("note"))

    class Meta(PortalResource.Meta):
        model = NumberAssignment
        import_id_fields = ("number", "valid_from")
        fields = ("number", "department", "valid_from", "valid_to", "note")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("number", "department")


class ExtensionResource(PortalResource):
    required_columns = ("extension", "department", "employee", "valid_from", "valid_to")

    extension = column("extension", TextWidget("extension"))
    department = column("department", department_ref())
    employee = column("employee", EmployeeInDepartmentWidget())
    valid_from = column("valid_from", DateWidget("valid_from"))
    valid_to = column("valid_to", DateWidget("valid_to"))

    class Meta(PortalResource.Meta):
        model = Extension
        import_id_fields = ("extension", "valid_from")
        fields = ("extension", "department", "employee", "valid_from", "valid_to")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("department", "employee")


class LineResource(PortalResource):
    required_columns = ("name", "provider", "city", "trunk_id", "channels")

    name = column("name", TextWidget("name"))
    kind = column("kind", ChoiceWidget("kind", Line.Kind, default=Line.Kind.SIP_TRUNK))
    provider = column("provider", provider_ref("provider"))
    city = column("city", city_ref())
    department = column("department", department_ref())
    trunk_id = column("trunk_id", TextWidget("trunk_id"))
    channels = column("channels", IntegerWidget("channels"))
    notes = column("notes", TextWidget("notes"))

    class Meta(PortalResource.Meta):
        model = Line
        import_id_fields = ("name",)
        fields = ("name", "kind", "provider", "city", "department", "trunk_id", "channels", "notes")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("provider", "city", "department")


class DeviceResource(PortalResource):
    """Devices are keyed by serial number, so the workbook requires one for every device."""

    required_columns = ("kind", "model", "serial", "department")

    serial = column("serial", TextWidget("serial"))
    kind = column("kind", ChoiceWidget("kind", Device.Kind))
    model = column("model", TextWidget("model"))
    mac = column("mac", TextWidget("mac"))
    department = column("department", department_ref())
    employee = column("employee", EmployeeInDepartmentWidget())
    purchase_date = column("purchase_date", DateWidget("purchase_date"))
    purchase_cost = column("purchase_cost", MoneyWidget("purchase_cost"))
    currency = column("currency", TextWidget("currency", default="RUB"))
    status = column("status", ChoiceWidget("status", Device.Status, default=Device.Status.INSTALLED))

    class Meta(PortalResource.Meta):
        model = Device
        import_id_fields = ("serial",)
        fields = (
            "serial",
            "kind",
            "model",
            "mac",
            "department",
            "employee",
            "purchase_date",
            "purchase_cost",
            "currency",
            "status",
        )
        export_order = fields

    def get_queryset(self):
        # Two devices of one model in one salon tie on the model's ordering; the serial breaks the tie,
        # so an export is the same file every time.
        return (
            super()
            .get_queryset()
            .select_related("department", "employee")
            .order_by("department__code", "kind", "model", "serial")
        )


class CallRouteResource(PortalResource):
    """Call routes per number (admin import/export only; members are edited in the admin)."""

    required_columns = ("number", "kind")

    number = column("number", PhoneReferenceWidget("number", PhoneNumber, "number", "number"))
    kind = column("kind", ChoiceWidget("kind", CallRoute.Kind))
    strategy = column("strategy", ChoiceWidget("strategy", CallRoute.Strategy, default="ring_all"))
    ring_seconds = column("ring_seconds", IntegerWidget("ring_seconds"))
    schedule = column("schedule", TextWidget("schedule"))
    after_hours = column("after_hours", TextWidget("after_hours"))

    class Meta(PortalResource.Meta):
        model = CallRoute
        import_id_fields = ("number",)
        fields = ("number", "kind", "strategy", "ring_seconds", "schedule", "after_hours")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("number")
