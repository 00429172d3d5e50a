"""Access rows of the billing app: accounting and admin work with costs; the marketer reads the
reports (not the call-level drill-down); the lawyer has no business with costs."""

from .matrix import ACCOUNTING, ADMIN, LAWYER, MARKETER, Route, roles

REPORT_READERS = roles(ACCOUNTING, MARKETER, ADMIN)
ACCOUNTANTS = roles(ACCOUNTING, ADMIN)
# Invoices: accounting and admin work them; the lawyer reads them and writes disputes; not the marketer.
INVOICE_READERS = roles(ACCOUNTING, LAWYER, ADMIN)
MONTH = {"month": "2026-03"}


def _month():
    return dict(MONTH)


def _download():
    from apps.billing.rating import Month
    from apps.billing.services import cost_report_build

    cost_report_build(month=Month(2026, 3))
    return {"month": "2026-03", "fmt": "csv"}


def _rated_call():
    import datetime as dt

    from apps.billing.models import RatedCall
    from tests.billing.factories import CallRecordFactory

    call = CallRecordFactory()
    RatedCall.objects.create(
        call=call,
        period=dt.date(2026, 3, 1),
        started_at=call.started_at,
        status="unrated",
        rated_at=call.started_at,
    )
    return {"pk": call.pk}


def _budget():
    from tests.billing.factories import BudgetFactory

    return {"pk": BudgetFactory().pk}


def _invoice():
    import datetime as dt
    from decimal import Decimal

    from apps.billing.models import Invoice
    from tests.contracts.factories import ContractPartyFactory

    party = ContractPartyFactory()
    invoice = Invoice.objects.create(
        provider=party.provider,
        contract=party.contract,
        number="ACC-1",
        issue_date=dt.date(2026, 4, 1),
        received_date=dt.date(2026, 4, 2),
        period=dt.date(2026, 3, 1),
        net=Decimal("100.00"),
        vat=Decimal("22.00"),
        gross=Decimal("122.00"),
    )
    return invoice


def _invoice_pk():
    return {"pk": _invoice().pk}


def _invoice_line():
    from apps.billing.models import InvoiceLine

    line = InvoiceLine.objects.create(invoice=_invoice(), service="Абонентская плата", amount="100.00")
    return {"pk": line.pk}


def _dispute():
    from apps.billing.models import Dispute

    return {"pk": Dispute.objects.create(invoice=_invoice(), reason="overcharge", amount="10.00").pk}


ROUTES = [
    Route("billing:dashboard", read=REPORT_READERS),
    Route("billing:report", read=REPORT_READERS, kwargs=_month),
    Route("billing:download", read=REPORT_READERS, kwargs=_download),
    Route("billing:drilldown", read=ACCOUNTANTS, kwargs=_month),
    Route("billing:whatif", read=ACCOUNTANTS, kwargs=_month),
    Route("billing:rebuild", kwargs=_month, skip="POST-only; covered by tests/billing/test_web.py"),
    Route("billing-api:cost-report", kind="api", read=REPORT_READERS, query="?month=2026-03"),
    Route("billing-api:ratedcall-list", kind="api", read=ACCOUNTANTS),
    Route("billing-api:ratedcall-detail", kind="api", read=ACCOUNTANTS, kwargs=_rated_call),
    Route("billing-api:budget-list", kind="api", read=REPORT_READERS, write=ACCOUNTANTS),
    Route("billing-api:budget-detail", kind="api", read=REPORT_READERS, write=ACCOUNTANTS, kwargs=_budget),
    Route("billing:invoice-list", read=INVOICE_READERS),
    Route("billing:invoice-create", read=ACCOUNTANTS),
    Route("billing:invoice-calendar", read=INVOICE_READERS),
    Route("billing:invoice-detail", read=INVOICE_READERS, kwargs=_invoice_pk),
    Route(
        "billing:invoice-check",
        kwargs=_invoice_pk,
        skip="POST-only; covered by tests/billing/test_invoice_pages.py",
    ),
    Route(
        "billing:invoice-pay",
        kwargs=_invoice_pk,
        skip="POST-only; covered by tests/billing/test_invoice_pages.py",
    ),
    Route(
        "billing:invoice-dispute",
        kwargs=_invoice_pk,
        skip="POST-only; covered by tests/billing/test_invoice_pages.py",
    ),
    Route("billing:dispute-board", read=INVOICE_READERS),
    Route("billing:dispute-detail", read=INVOICE_READERS, kwargs=_dispute),
    Route(
        "billing:dispute-send",
        kwargs=_dispute,
        skip="POST-only; covered by tests/billing/test_invoice_pages.py",
    ),
    Route(
        "billing:dispute-resolve",
        kwargs=_dispute,
        skip="POST-only; covered by tests/billing/test_invoice_pages.py",
    ),
    Route("billing-api:invoice-list", kind="api", read=INVOICE_READERS, write=ACCOUNTANTS),
    Route(
        "billing-api:invoice-detail", kind="api", read=INVOICE_READERS, write=ACCOUNTANTS, kwargs=_invoice_pk
    ),
    Route("billing-api:invoice-reconciliation", kind="api", read=INVOICE_READERS, kwargs=_invoice_pk),
    Route(
        "billing-api:invoice-check", kind="api", kwargs=_invoice_pk, skip="POST action; test_invoice_pages.py"
    ),
    Route(
        "billing-api:invoice-pay", kind="api", kwargs=_invoice_pk, skip="POST action; test_invoice_pages.py"
    ),
    Route("billing-api:invoiceline-list", kind="api", read=INVOICE_READERS, write=ACCOUNTANTS),
    Route(
        "billing-api:invoiceline-detail",
        kind="api",
        read=INVOICE_READERS,
        write=ACCOUNTANTS,
        kwargs=_invoice_line,
    ),
    Route("billing-api:dispute-list", kind="api", read=INVOICE_READERS, write=INVOICE_READERS),
    Route(
        "billing-api:dispute-detail", kind="api", read=INVOICE_READERS, write=INVOICE_READERS, kwargs=_dispute
    ),
    Route("billing-api:dispute-send", kind="api", kwargs=_dispute, skip="POST action; test_invoice_pages.py"),
    Route(
        "billing-api:dispute-resolve", kind="api", kwargs=_dispute, skip="POST action; test_invoice_pages.py"
    ),
]
