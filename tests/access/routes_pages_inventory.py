"""Inventory pages: who may open each (view permission of the model shown; lawyers see no staff/phones)."""

from .matrix import ACCOUNTING, ADMIN, MARKETER, Route, roles


def _city():
    from tests.factories import CityFactory

    return {"pk": CityFactory().pk}


def _number():
    from tests.factories import PhoneNumberFactory

    return {"pk": PhoneNumberFactory().pk}


NOT_LAWYER = roles(ACCOUNTING, MARKETER, ADMIN)

ROUTES = [
    Route("company:city-list"),
    Route("company:city-detail", kwargs=_city),
    Route("company:department-list"),
    Route("company:employee-list", read=NOT_LAWYER),
    Route("telecom:number-list"),
    Route("telecom:number-detail", kwargs=_number),
    Route("telecom:numbers-at-risk"),
    Route("telecom:provider-list"),
    Route("telecom:line-list"),
    Route("telecom:device-list", read=NOT_LAWYER),
]
