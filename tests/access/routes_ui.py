"""Pages added for issue 11 (UI): the inventory workbook upload is the admin's alone."""

from .matrix import ADMIN, Route, roles

ROUTES = [
    Route("core:workbook-import", read=roles(ADMIN), write=roles(ADMIN)),
]
