from .matrix import ADMIN, Route, roles

ROUTES = [
    Route("login", kind="public"),
    Route("logout", kind="page", skip="POST-only; covered by tests/accounts/test_login.py"),
    Route("api-root", kind="api"),
    Route("api-schema", kind="page"),
    Route("api-docs", kind="page"),
    Route("admin:index", kind="admin", read=roles(ADMIN)),
    Route("set_language", kind="public", skip="POST-only language switch"),
]


ROUTES += [Route("dashboard")]
