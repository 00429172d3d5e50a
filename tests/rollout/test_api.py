"""The rollout API: domain actions, who may call them, the analytics endpoint, and lists without N+1."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.rollout.models import MigrationItem, RolloutPhase
from apps.telecom.models import Provider
from tests.contracts.factories import ContractFactory, ContractNumberFactory, ContractPartyFactory
from tests.factories import CityFactory, DepartmentFactory, PhoneNumberFactory, ProviderFactory
from tests.rollout.factories import (
    CandidateFactory,
    MigrationItemFactory,
    RequirementFactory,
    RolloutPhaseFactory,
    RolloutProjectFactory,
)

from .conftest import utc

pytestmark = pytest.mark.django_db


def test_marketer_creates_a_project_and_owns_it(api_as, personas):
    response = api_as("marketer").post(
        "/api/v1/rollout-projects/", {"name": "Телефония 2026", "start_date": "2026-01-12"}, format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["owner"] == personas["marketer"].pk
    assert response.data["observation_days"] == 30


def test_moving_a_phase_through_the_api(api_as):
    phase = RolloutPhaseFactory()
    api = api_as("marketer")
    response = api.post(f"/api/v1/rollout-phases/{phase.pk}/move/", {"status": "connected"}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["status"] == "connected"
    refused = api.post(f"/api/v1/rollout-phases/{phase.pk}/move/", {"status": "done"}, format="json")
    assert refused.status_code == 400
    assert "Observe the phase" in str(refused.data)


@pytest.mark.parametrize("role", ["accounting", "lawyer"])
def test_readers_cannot_move_a_phase(api_as, role):
    phase = RolloutPhaseFactory()
    response = api_as(role).post(f"/api/v1/rollout-phases/{phase.pk}/move/", {"status": "preparing"})
    assert response.status_code == 403
    assert RolloutPhase.objects.get(pk=phase.pk).status == "planned"


def test_the_status_cannot_be_patched_around_the_move_rules(api_as):
    phase = RolloutPhaseFactory()
    api_as("admin").patch(f"/api/v1/rollout-phases/{phase.pk}/", {"status": "done"}, format="json")
    assert RolloutPhase.objects.get(pk=phase.pk).status == "planned"


def test_phase_detail_shows_the_derived_checklist(api_as):
    phase = RolloutPhaseFactory()
    data = api_as("lawyer").get(f"/api/v1/rollout-phases/{phase.pk}/").data
    assert [i["code"] for i in data["checklist"]] == [
        "contract_signed",
        "numbers_active",
        "phones_installed",
        "pbx_configured",
        "phones_switched_on",
        "calls_flowing",
        "observation_over",
    ]


def test_ticking_a_manual_item(api_as):
    phase = RolloutPhaseFactory()
    response = api_as("marketer").post(
        f"/api/v1/rollout-phases/{phase.pk}/check/",
        {"item": "phones_switched_on", "done": True},
        format="json",
    )
    assert response.status_code == 200
    assert response.data["checklist"][4]["done"] is True


def test_reordering_phases(api_as):
    project = RolloutProjectFactory()
    a, b = RolloutPhaseFactory(project=project), RolloutPhaseFactory(project=project)
    response = api_as("marketer").post(
        f"/api/v1/rollout-projects/{project.pk}/reorder/", {"phase_ids": [b.pk, a.pk]}, format="json"
    )
    assert response.status_code == 200
    assert [p["id"] for p in response.data] == [b.pk, a.pk]


def test_migration_sync_and_advance(api_as):
    pbx = ProviderFactory(kind=Provider.Kind.PBX_PROVIDER)
    PhoneNumberFactory(intermediary=pbx)
    api = api_as("marketer")
    created = api.post("/api/v1/migration-items/sync/")
    assert created.status_code == 201
    item_id = created.data[0]["id"]
    assert {b["code"] for b in created.data[0]["blockers"]} == {"no_target_operator"}
    refused = api.post(f"/api/v1/migration-items/{item_id}/advance/", {"status": "ordered"}, format="json")
    assert refused.status_code == 400
    assert "target operator" in str(refused.data)


def test_migration_progress_endpoint(api_as):
    MigrationItemFactory(
        number=PhoneNumberFactory(intermediary=ProviderFactory(), monthly_fee=Decimal("250"))
    )
    data = api_as("accounting").get("/api/v1/migration-items/progress/").data
    assert (data["numbers_total"], data["monthly_total"]) == (1, "250.00")


def test_migration_list_does_not_query_per_item(api_as):
    def make_items(n):
        pbx = ProviderFactory(kind=Provider.Kind.PBX_PROVIDER)
        for _ in range(n):
            number = PhoneNumberFactory(intermediary=pbx)
            contract = ContractFactory()
            ContractPartyFactory(contract=contract, provider=pbx, role="pbx_provider")
            ContractNumberFactory(contract=contract, number=number, valid_from=dt.date(2026, 1, 1))
            MigrationItemFactory(number=number, target_operator=ProviderFactory())

    api = api_as("marketer")
    make_items(2)
    api.get("/api/v1/migration-items/")  # warm the permission cache
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/migration-items/").status_code == 200
    make_items(6)
    with CaptureQueriesContext(connection) as many:
        response = api.get("/api/v1/migration-items/")
    assert response.data["count"] == 8
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "url", ["/api/v1/rollout-phases/", "/api/v1/candidates/", "/api/v1/rollout-projects/"]
)
def test_lists_do_not_query_per_row(api_as, url):
    def make(n):
        for _ in range(n):
            RolloutPhaseFactory()
            CandidateFactory()

    api = api_as("admin")
    make(2)
    api.get(url)  # warm the permission cache
    with CaptureQueriesContext(connection) as few:
        api.get(url)
    make(6)
    with CaptureQueriesContext(connection) as many:
        api.get(url)
    assert len(many) == len(few)


def test_scoring_and_deciding(api_as):
    must = RequirementFactory(text="Номера остаются нашими при уходе")
    good = CandidateFactory(selection=must.selection)
    bad = CandidateFactory(selection=must.selection)
    api = api_as("marketer")
    for candidate, value in ((good, 2), (bad, 0)):
        r = api.post(
            f"/api/v1/candidates/{candidate.pk}/score/",
            {"requirement": must.pk, "value": value, "evidence": "п. 7.3 договора"},
            format="json",
        )
        assert r.status_code == 200, r.data
    url = f"/api/v1/provider-selections/{must.selection_id}/decide/"
    refused = api.post(url, {"candidate": bad.pk, "rationale": "дешевле"}, format="json")
    assert refused.status_code == 400
    assert "fails must-have" in str(refused.data)
    ok = api.post(url, {"candidate": good.pk, "rationale": "номера наши"}, format="json")
    assert ok.status_code == 200
    assert ok.data["decision"]["chosen"] == good.pk


def test_lawyer_cannot_score(api_as):
    req = RequirementFactory()
    candidate = CandidateFactory(selection=req.selection)
    r = api_as("lawyer").post(
        f"/api/v1/candidates/{candidate.pk}/score/", {"requirement": req.pk, "value": 2}
    )
    assert r.status_code == 403


def test_analytics_endpoint_answers_with_the_figures(api_as, make_call):
    ufa = CityFactory(name="Уфа", timezone="Asia/Yekaterinburg")
    salon = DepartmentFactory(city=ufa)
    make_call(salon, utc(2026, 3, 2, 4), caller="+79170000001")
    make_call(salon, utc(2026, 3, 2, 5), caller="+79170000002", disposition="no_answer")
    r = api_as("marketer").get(
        f"/api/v1/analytics/calls/?department={salon.pk}&from=2026-03-02&to=2026-03-08"
    )
    assert r.status_code == 200
    assert (r.data["inbound"], r.data["missed"], r.data["answer_rate"]) == (2, 1, 50.0)
    assert r.data["heatmap"]["inbound"][0][9] == 1  # 04:00 UTC is 09:00 in Ufa


def test_analytics_endpoint_names_the_bad_parameter(api_as):
    r = api_as("marketer").get("/api/v1/analytics/calls/?from=2026-03-09&to=2026-03-01")
    assert r.status_code == 400
    assert "'from' must not be after 'to'" in str(r.data)
    r = api_as("marketer").get("/api/v1/analytics/calls/?from=yesterday")
    assert r.status_code == 400
    assert "from" in r.data


def test_migration_item_api_rejects_a_direct_number(api_as):
    r = api_as("marketer").post(
        "/api/v1/migration-items/",
        {"number": PhoneNumberFactory().pk, "monthly_fee_before": "100.00", "one_off_cost": "0"},
        format="json",
    )
    assert r.status_code == 400
    assert "held directly" in str(r.data)
    assert not MigrationItem.objects.exists()
