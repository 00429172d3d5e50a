"""Sheets this app adds to the inventory workbook, in dependency order (see import_inventory)."""

from .resources import (
    ContractLineResource,
    ContractNumberResource,
    ContractResource,
    RateResource,
    RecurringChargeResource,
    TariffResource,
)

SHEETS = [
    ("contracts", ContractResource),
    ("contract_numbers", ContractNumberResource),
    ("contract_lines", ContractLineResource),
    ("tariffs", TariffResource),
    ("rates", RateResource),
    ("recurring_charges", RecurringChargeResource),
]
