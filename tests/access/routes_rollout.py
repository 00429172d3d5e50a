"""Access rows for the rollout app: the marketer and the admin run it; accounting and the lawyer read."""

from .matrix import ACCOUNTING, ADMIN, LAWYER, MARKETER, Route, roles

READ = roles(ACCOUNTING, MARKETER, LAWYER, ADMIN)
WRITE = roles(MARKETER, ADMIN)
POST_ONLY = "POST-only form target; covered by tests/rollout/test_pages.py"


def _project():
    from tests.rollout.factories import RolloutProjectFactory

    return {"pk": RolloutProjectFactory().pk}


def _phase():
    from tests.rollout.factories import RolloutPhaseFactory

    return {"pk": RolloutPhaseFactory().pk}


def _item():
    from tests.rollout.factories import MigrationItemFactory

    return {"pk": MigrationItemFactory().pk}


def _selection():
    from tests.rollout.factories import ProviderSelectionFactory

    return {"pk": ProviderSelectionFactory().pk}


def _requirement():
    from tests.rollout.factories import RequirementFactory

    return {"pk": RequirementFactory().pk}


def _candidate():
    from tests.rollout.factories import CandidateFactory

    return {"pk": CandidateFactory().pk}


ROUTES = [
    # pages
    Route("rollout:board", read=READ),
    Route("rollout:project", read=READ, kwargs=_project),
    Route("rollout:migration", read=READ),
    Route("rollout:selections", read=READ),
    Route("rollout:selection", read=READ, kwargs=_selection),
    Route("rollout:phase-move", skip=POST_ONLY),
    Route("rollout:phase-check", skip=POST_ONLY),
    Route("rollout:phase-shift", skip=POST_ONLY),
    Route("rollout:migration-sync", skip=POST_ONLY),
    Route("rollout:migration-advance", skip=POST_ONLY),
    Route("rollout:selection-decide", skip=POST_ONLY),
    Route("rollout:candidate-score", skip=POST_ONLY),
    # API
    Route("rollout-api:rolloutproject-list", kind="api", read=READ, write=WRITE),
    Route("rollout-api:rolloutproject-detail", kind="api", read=READ, write=WRITE, kwargs=_project),
    Route("rollout-api:rolloutproject-reorder", kind="api", skip="POST action; tests/rollout/test_api.py"),
    Route("rollout-api:rolloutphase-list", kind="api", read=READ, write=WRITE),
    Route("rollout-api:rolloutphase-detail", kind="api", read=READ, write=WRITE, kwargs=_phase),
    Route("rollout-api:rolloutphase-move", kind="api", skip="POST action; tests/rollout/test_api.py"),
    Route("rollout-api:rolloutphase-check", kind="api", skip="POST action; tests/rollout/test_api.py"),
    Route("rollout-api:migrationitem-list", kind="api", read=READ, write=WRITE),
    Route("rollout-api:migrationitem-detail", kind="api", read=READ, write=WRITE, kwargs=_item),
    Route("rollout-api:migrationitem-advance", kind="api", skip="POST action; tests/rollout/test_api.py"),
    Route("rollout-api:migrationitem-sync", kind="api", skip="POST action; tests/rollout/test_api.py"),
    Route("rollout-api:migrationitem-progress", kind="api", read=READ),
    Route("rollout-api:providerselection-list", kind="api", read=READ, write=WRITE),
    Route("rollout-api:providerselection-detail", kind="api", read=READ, write=WRITE, kwargs=_selection),
    Route("rollout-api:providerselection-decide", kind="api", skip="POST action; tests/rollout/test_api.py"),
    Route("rollout-api:requirement-list", kind="api", read=READ, write=WRITE),
    Route("rollout-api:requirement-detail", kind="api", read=READ, write=WRITE, kwargs=_requirement),
    Route("rollout-api:candidate-list", kind="api", read=READ, write=WRITE),
    Route("rollout-api:candidate-detail", kind="api", read=READ, write=WRITE, kwargs=_candidate),
    Route("rollout-api:candidate-score", kind="api", skip="POST action; tests/rollout/test_api.py"),
]

CALL_READERS = roles(ACCOUNTING, MARKETER, ADMIN)  # whoever may read call records

ROUTES += [
    Route("rollout:call-analytics", read=CALL_READERS),
    Route("rollout:call-analytics-pdf", read=CALL_READERS),
    Route("rollout:project-load-order", skip=POST_ONLY),
    Route("rollout-api:call-analytics", kind="api", read=CALL_READERS),
]
