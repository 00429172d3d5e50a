"""Access rows of the risk review: every role reads the register and the review page (accounting and
the marketer see which operators are dangerous); only the lawyer and the admin decide, export the
protocol and edit the severity thresholds."""

from .matrix import ADMIN, LAWYER, Route, roles

REVIEWERS = roles(LAWYER, ADMIN)


def _contract():
    from tests.contracts.factories import ContractFactory

    return {"pk": ContractFactory().pk}


def _finding():
    from tests.risk.factories import RiskFindingFactory

    return {"pk": RiskFindingFactory().pk}


ROUTES = [
    Route("risk-api:riskfinding-list", kind="api", query="?severity=high&status=open&code=PENALTY"),
    Route("risk-api:riskfinding-detail", kind="api", kwargs=_finding),
    Route(
        "risk-api:riskfinding-decide", kind="api", skip="POST-only; roles covered by tests/risk/test_api.py"
    ),
    Route("risk:register", query="?severity=critical&code=PENALTY"),
    Route("risk:contract", kwargs=_contract),
    Route("risk:protocol", read=REVIEWERS, kwargs=_contract),
    Route("risk:policy", read=REVIEWERS),
    Route("risk:contract-scan", skip="POST-only; roles covered by tests/risk/test_pages.py"),
    Route("risk:finding-decide", skip="POST-only; roles covered by tests/risk/test_pages.py"),
    Route("risk:term-confirm", skip="POST-only; roles covered by tests/risk/test_pages.py"),
]
