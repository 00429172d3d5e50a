"""The shared CRUD, refusal and query-count checks (tests/api_crud.py) over every contracts resource."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.contracts.models import (
    Contract,
    ContractLine,
    ContractNumber,
    ContractParty,
    Rate,
    RecurringCharge,
    Tariff,
)
from tests import factories as f
from tests.api_crud import ApiResource, check_crud_cycle, check_list_queries, check_refusal

from . import factories as cf


def contract_with_party():
    contract = cf.ContractFactory()
    cf.ContractPartyFactory(contract=contract)
    ContractParty.objects.create(contract=contract, role="customer")
    return contract


RESOURCES = [
    ApiResource(
        "contracts-api:contract",
        Contract,
        create=lambda: {
            "code": "RT-2026/15",
            "title": "Договор об оказании услуг связи",
            "kind": "service",
            "status": "signed",
            "signed_on": "2025-12-20",
            "start_date": "2026-01-01",
            "initial_term_months": 12,
            "renewal": "tacit",
            "notice_days": 30,
            "vat_rate": "22.00",
            "penalty_rate_per_day": "0.100",
        },
        update={"notice_days": 60},
        invalid=lambda: ({"code": "X-1", "start_date": "2026-05-01", "end_date": "2026-04-01"}, "end_date"),
        make=contract_with_party,
    ),
    ApiResource(
        "contracts-api:contractparty",
        ContractParty,
        create=lambda: {
            "contract": cf.ContractFactory().pk,
            "provider": f.ProviderFactory().pk,
            "role": "operator",
        },
        update={"role": "pbx_provider"},
        invalid=lambda: ({"contract": cf.ContractFactory().pk, "role": "operator"}, "provider"),
        make=cf.ContractPartyFactory,
    ),
    ApiResource(
        "contracts-api:contractnumber",
        ContractNumber,
        create=lambda: {
            "contract": cf.ContractFactory().pk,
            "number": f.PhoneNumberFactory().pk,
            "valid_from": "2026-01-01",
        },
        update={"valid_to": "2027-01-01"},
        invalid=lambda: (
            {"contract": cf.ContractFactory().pk, "number": f.PhoneNumberFactory().pk, "valid_from": "x"},
            "valid_from",
        ),
        make=cf.ContractNumberFactory,
    ),
    ApiResource(
        "contracts-api:contractline",
        ContractLine,
        create=lambda: {
            "contract": cf.ContractFactory().pk,
            "line": f.LineFactory().pk,
            "valid_from": "2026-01-01",
        },
        update={"valid_to": "2027-01-01"},
        invalid=lambda: (
            {
                "contract": cf.ContractFactory().pk,
                "line": f.LineFactory().pk,
                "valid_from": "2026-02-01",
                "valid_to": "2026-01-01",
            },
            "valid_to",
        ),
        make=cf.ContractLineFactory,
    ),
    ApiResource(
        "contracts-api:tariff",
        Tariff,
        create=lambda: {
            "code": "RT-2026-BIZ",
            "contract": cf.ContractFactory().pk,
            "name": "Бизнес",
            "valid_from": "2026-01-01",
            "increment": "30/6",
            "free_seconds": 3,
        },
        update={"increment": "1/1"},
        invalid=lambda: (
            {
                "code": "T",
                "contract": cf.ContractFactory().pk,
                "name": "T",
                "valid_from": "2026-01-01",
                "increment": "60",
            },
            "increment",
        ),
        make=cf.RateFactory,  # a tariff with a rate, so the rate count is exercised
    ),
    ApiResource(
        "contracts-api:rate",
        Rate,
        create=lambda: {
            "tariff": cf.TariffFactory().pk,
            "prefix": "7843",
            "destination": "Казань",
            "price_per_minute": "0.9500",
            "connection_fee": "0.0000",
        },
        update={"price_per_minute": "1.0500"},
        invalid=lambda: (
            {
                "tariff": cf.TariffFactory().pk,
                "prefix": "+7 843",
                "destination": "Казань",
                "price_per_minute": "1",
            },
            "prefix",
        ),
        make=cf.RateFactory,
    ),
    ApiResource(
        "contracts-api:recurringcharge",
        RecurringCharge,
        create=lambda: {
            "contract": cf.ContractFactory().pk,
            "name": "Рабочие места АТС",
            "kind": "pbx_seat",
            "amount": "1290.00",
            "period": "monthly",
            "pbx_account": f.PbxAccountFactory().pk,
            "valid_from": "2026-01-01",
        },
        update={"amount": "1390.00"},
        invalid=lambda: (
            {"contract": cf.ContractFactory().pk, "name": "x", "amount": "-1", "valid_from": "2026-01-01"},
            "amount",
        ),
        make=lambda: cf.RecurringChargeFactory(valid_from=dt.date(2026, 1, 1)),
    ),
]
IDS = [str(r) for r in RESOURCES]


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_admin_creates_reads_updates_and_deletes_a_row(resource, admin_api):
    check_crud_cycle(resource, admin_api)


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_invalid_input_is_refused_naming_the_field_and_nothing_is_saved(resource, admin_api):
    check_refusal(resource, admin_api)


@pytest.mark.parametrize("resource", RESOURCES, ids=IDS)
def test_list_is_paginated_and_its_query_count_does_not_grow_with_rows(resource, admin_api):
    check_list_queries(resource, admin_api)
