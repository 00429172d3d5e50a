"""Sheets of the inventory workbook owned by the telecom app, in dependency order."""

from .resources import (
    DeviceResource,
    ExtensionResource,
    LineResource,
    NumberAssignmentResource,
    PhoneNumberResource,
    ProviderResource,
)

SHEETS = [
    ("providers", ProviderResource),
    ("numbers", PhoneNumberResource),
    ("number_assignments", NumberAssignmentResource),
    ("extensions", ExtensionResource),
    ("lines", LineResource),
    ("devices", DeviceResource),
]
