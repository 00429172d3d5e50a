"""Access rows for the candidates' what-if price: whoever may read cost reports (not the lawyer)."""

from .matrix import ACCOUNTING, ADMIN, MARKETER, Route, roles


def _candidate():
    from tests.rollout.factories import CandidateFactory

    return {"pk": CandidateFactory().pk}


ROUTES = [
    Route(
        "rollout-api:candidate-what-if",
        kind="api",
        read=roles(ACCOUNTING, MARKETER, ADMIN),
        kwargs=_candidate,
    ),
]
