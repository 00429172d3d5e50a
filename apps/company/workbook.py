"""Sheets of the inventory workbook owned by the company app, in dependency order."""

from .resources import CityResource, DepartmentResource, EmployeeResource

SHEETS = [
    ("cities", CityResource),
    ("departments", DepartmentResource),
    ("employees", EmployeeResource),
]
