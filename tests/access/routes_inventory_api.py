"""Matrix rows for the company and telecom REST API (roles from the apps' `role_permissions`)."""

from tests import factories as f

from .matrix import ACCOUNTING, ADMIN, EVERYONE, MARKETER, Route, roles

STAFF = roles(ACCOUNTING, MARKETER, ADMIN)  # everyone but the lawyer
ADMIN_ONLY = roles(ADMIN)


def _pk(factory):
    return lambda: {"pk": factory().pk}


def _resource(name: str, factory, read=EVERYONE, write=ADMIN_ONLY) -> list[Route]:
    return [
        Route(f"{name}-list", kind="api", read=read, write=write),
        Route(f"{name}-detail", kind="api", read=read, write=write, kwargs=_pk(factory)),
    ]


ROUTES = [
    *_resource("company-api:city", f.CityFactory),
    *_resource("company-api:department", f.DepartmentFactory),
    *_resource("company-api:employee", f.EmployeeFactory, read=STAFF),
    *_resource("telecom-api:provider", f.ProviderFactory),
    *_resource("telecom-api:phonenumber", f.PhoneNumberFactory),
    *_resource("telecom-api:numberassignment", f.NumberAssignmentFactory),
    *_resource("telecom-api:line", f.LineFactory),
    *_resource("telecom-api:pbxaccount", f.PbxAccountFactory),
    *_resource("telecom-api:extension", f.ExtensionFactory, read=STAFF),
    *_resource("telecom-api:device", f.DeviceFactory, read=STAFF),
    *_resource("telecom-api:callroute", f.CallRouteFactory, read=STAFF, write=roles(MARKETER, ADMIN)),
    Route("accounts-api:token", kind="api", skip="POST/DELETE only; covered by tests/accounts/test_token.py"),
]
