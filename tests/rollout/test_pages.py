"""The marketer's pages: what they show and what their small forms do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.rollout.models import Decision, MigrationItem, PhaseCheck, RolloutPhase, Score
from apps.telecom.models import Provider
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


def test_board_shows_phases_in_their_status_columns(client_as):
    project = RolloutProjectFactory(name="Подключение салонов")
    RolloutPhaseFactory(project=project, city=CityFactory(name="Казань"), status="planned")
    page = client_as("lawyer").get(reverse("rollout:board")).content.decode()
    assert "Подключение салонов" in page
    assert "Казань" in page
    assert 'id="col-planned"' in page
    assert "Move to" not in page  # the lawyer reads the board but cannot move phases


def test_marketer_moves_a_phase_with_the_board_form(client_as):
    phase = RolloutPhaseFactory()
    response = client_as("marketer").post(
        reverse("rollout:phase-move", args=[phase.pk]), {"status": "preparing"}
    )
    assert response.status_code == 302
    assert RolloutPhase.objects.get(pk=phase.pk).status == "preparing"


def test_a_refused_move_comes_back_as_a_message(client_as):
    phase = RolloutPhaseFactory()
    client = client_as("marketer")
    response = client.post(reverse("rollout:phase-move", args=[phase.pk]), {"status": "done"}, follow=True)
    assert "Observe the phase before calling it done" in response.content.decode()
    assert RolloutPhase.objects.get(pk=phase.pk).status == "planned"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("rollout:phase-move", {"status": "preparing"}),
        ("rollout:phase-check", {"item": "phones_switched_on", "done": "on"}),
    ],
)
@pytest.mark.parametrize("role", ["accounting", "lawyer"])
def test_readers_cannot_post_the_phase_forms(client_as, role, name, data):
    phase = RolloutPhaseFactory()
    assert client_as(role).post(reverse(name, args=[phase.pk]), data).status_code == 403
    assert RolloutPhase.objects.get(pk=phase.pk).status == "planned"
    assert not PhaseCheck.objects.exists()


def test_phase_forms_refuse_get(client_as):
    phase = RolloutPhaseFactory()
    assert client_as("marketer").get(reverse("rollout:phase-move", args=[phase.pk])).status_code == 405


def test_project_page_shows_checklist_and_load_order(client_as, make_call):
    project = RolloutProjectFactory()
    busy_city = CityFactory(name="Казань")
    RolloutPhaseFactory(project=project, city=busy_city, order=1)
    RolloutPhaseFactory(project=project, city=CityFactory(name="Уфа"), order=2)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    make_call(DepartmentFactory(city=busy_city), utc(yesterday.year, yesterday.month, yesterday.day, 9))
    client = client_as("marketer")
    page = client.get(reverse("rollout:project", args=[project.pk])).content.decode()
    assert "Numbers active" in page
    assert "Apply this order" in page
    client.post(reverse("rollout:project-load-order", args=[project.pk]))
    assert list(project.phases.order_by("order").values_list("city__name", flat=True)) == ["Уфа", "Казань"]


def test_ticking_and_shifting_from_the_project_page(client_as):
    project = RolloutProjectFactory()
    a, b = RolloutPhaseFactory(project=project), RolloutPhaseFactory(project=project)
    client = client_as("marketer")
    client.post(reverse("rollout:phase-check", args=[b.pk]), {"item": "phones_switched_on", "done": "on"})
    assert PhaseCheck.objects.get().phase == b
    client.post(reverse("rollout:phase-shift", args=[b.pk]), {"direction": "up"})
    assert list(project.phases.order_by("order").values_list("pk", flat=True)) == [b.pk, a.pk]


def test_migration_page_shows_blockers_break_even_and_the_hard_way_flag(client_as):
    pbx = ProviderFactory(name="ВиртуалАТС", kind=Provider.Kind.PBX_PROVIDER)
    for _ in range(6):
        PhoneNumberFactory(intermediary=pbx, monthly_fee=Decimal("900.00"))
    client = client_as("marketer")
    client.post(reverse("rollout:migration-sync"))
    assert MigrationItem.objects.count() == 6
    MigrationItem.objects.filter(pk=MigrationItem.objects.first().pk).update(
        one_off_cost=Decimal("3000"), target_monthly_fee=Decimal("400")
    )
    page = client.get(reverse("rollout:migration")).content.decode()
    assert "No target operator chosen." in page
    assert "6.0 months" in page
    assert "learnt the hard way" in page
    assert "ВиртуалАТС" in page


def test_migration_page_does_not_query_per_row(client_as):
    client = client_as("accounting")

    def make(n):
        pbx = ProviderFactory(kind=Provider.Kind.PBX_PROVIDER)
        for _ in range(n):
            MigrationItemFactory(
                number=PhoneNumberFactory(intermediary=pbx), target_operator=ProviderFactory()
            )

    make(2)
    client.get(reverse("rollout:migration"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("rollout:migration"))
    make(5)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("rollout:migration"))
    assert len(many) == len(few)


def test_advance_form_reports_what_is_missing(client_as):
    item = MigrationItemFactory()
    client = client_as("marketer")
    response = client.post(
        reverse("rollout:migration-advance", args=[item.pk]), {"status": "ordered"}, follow=True
    )
    assert "Choose the target operator first." in response.content.decode()


def test_selection_page_scores_and_decides(client_as):
    must = RequirementFactory(text="Номера остаются нашими при уходе")
    candidate = CandidateFactory(selection=must.selection, provider=ProviderFactory(name="Манго"))
    client = client_as("marketer")
    client.post(
        reverse("rollout:candidate-score", args=[candidate.pk]),
        {"requirement": must.pk, "value": 2, "evidence": "п. 7.3"},
    )
    assert Score.objects.get().value == 2
    client.post(
        reverse("rollout:selection-decide", args=[must.selection_id]),
        {"candidate": candidate.pk, "rationale": "да"},
    )
    assert Decision.objects.get().chosen == candidate
    page = client.get(reverse("rollout:selection", args=[must.selection_id])).content.decode()
    assert "Манго" in page
    assert "п. 7.3" in page


def test_call_dashboard_draws_accessible_svg_charts(client_as, make_call):
    salon = DepartmentFactory(city=CityFactory(name="Уфа", timezone="Asia/Yekaterinburg"))
    make_call(salon, utc(2026, 3, 2, 4), caller="+79170000001")
    url = reverse("rollout:call-analytics") + f"?department={salon.pk}&from=2026-03-02&to=2026-03-08"
    page = client_as("marketer").get(url).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in page
    assert 'role="img"' in page
    assert "<title id=" in page
    assert "Busiest: Mon 09:00–10:00 with 1 calls." in page


def test_call_dashboard_names_a_bad_filter(client_as):
    url = reverse("rollout:call-analytics") + "?from=2026-03-09&to=2026-03-01"
    response = client_as("marketer").get(url)
    assert response.status_code == 200
    assert "&#x27;from&#x27; must not be after &#x27;to&#x27;" in response.content.decode()


def test_call_dashboard_pdf_embeds_the_same_chart(client_as, make_call):
    salon = DepartmentFactory(city=CityFactory(name="Уфа", timezone="Asia/Yekaterinburg"))
    make_call(salon, utc(2026, 3, 2, 4), caller="+79170000001")
    url = reverse("rollout:call-analytics-pdf") + f"?department={salon.pk}&from=2026-03-02&to=2026-03-08"
    response = client_as("accounting").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="calls-2026-03-02-2026-03-08.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize("page", ["rollout:board", "rollout:project"])
def test_board_and_project_pages_do_not_query_per_phase(client_as, make_call, page):
    project = RolloutProjectFactory()
    url = reverse(page, args=[project.pk]) if page == "rollout:project" else reverse(page)

    def grow():
        city = CityFactory()
        salon = DepartmentFactory(city=city)
        PhoneNumberFactory(city=city)
        make_call(salon, utc(2026, 3, 2, 9))
        RolloutPhaseFactory(project=project, city=city)
        RolloutPhaseFactory(project=project, city=city, department=salon)

    client = client_as("marketer")
    grow()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    grow()
    grow()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
