"""Access rows of the billing app: accounting and admin work with costs; the marketer reads the
reports (not the call-level drill-down); the lawyer has no business with costs."""

from .matrix import ACCOUNTING, ADMIN, MARKETER, Route, roles

REPORT_READERS = roles(ACCOUNTING, MARKETER, ADMIN)
ACCOUNTANTS = roles(ACCOUNTING, ADMIN)
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
]
