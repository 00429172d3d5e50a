"""Access rows of the contracts app: everyone with a role reads; the lawyer edits the paperwork,
accounting edits the money (tariffs, rates, recurring charges); the admin edits all."""

from .matrix import ACCOUNTING, ADMIN, LAWYER, Route, roles

LEGAL = roles(LAWYER, ADMIN)
MONEY = roles(ACCOUNTING, ADMIN)


def _contract():
    from tests.contracts.factories import ContractFactory

    return {"pk": ContractFactory().pk}


def _factory_pk(name):
    def make():
        from tests.contracts import factories

        return {"pk": getattr(factories, name)().pk}

    return make


API = [
    ("contract", LEGAL, _contract),
    ("contractparty", LEGAL, _factory_pk("ContractPartyFactory")),
    ("contractdocument", LEGAL, None),
    ("contractnumber", LEGAL, _factory_pk("ContractNumberFactory")),
    ("contractline", LEGAL, _factory_pk("ContractLineFactory")),
    ("tariff", MONEY, _factory_pk("TariffFactory")),
    ("rate", MONEY, _factory_pk("RateFactory")),
    ("recurringcharge", MONEY, _factory_pk("RecurringChargeFactory")),
]

ROUTES = []
for basename, writers, detail_kwargs in API:
    ROUTES.append(Route(f"contracts-api:{basename}-list", kind="api", write=writers))
    if detail_kwargs is None:
        ROUTES.append(
            Route(
                f"contracts-api:{basename}-detail",
                kind="api",
                skip="needs a stored file; covered by tests/contracts/test_api.py",
            )
        )
    else:
        ROUTES.append(
            Route(f"contracts-api:{basename}-detail", kind="api", write=writers, kwargs=detail_kwargs)
        )

ROUTES += [
    Route(
        "contracts-api:contractdocument-download",
        kind="api",
        skip="needs a stored file; covered by tests/contracts/test_api.py",
    ),
    Route(
        "contracts-api:tariff-import-rates",
        kind="api",
        skip="POST-only; covered by tests/contracts/test_api.py",
    ),
]

# Pages: every role reads the register (accounting prices by it, the marketer plans migrations with it).
ROUTES += [
    Route("contracts:register", query="?status=signed&expiring_within=90&in_notice_window=true"),
    Route("contracts:calendar"),
    Route("contracts:health"),
    Route("contracts:detail", kwargs=_contract),
    Route("contracts:document-upload", skip="POST-only; covered by tests/contracts/test_pages.py"),
    Route(
        "contracts:document-download", skip="needs a stored file; covered by tests/contracts/test_pages.py"
    ),
]
ROUTES += [Route("contracts:tariff-import-rates", skip="POST-only; covered by tests/contracts/test_pages.py")]
