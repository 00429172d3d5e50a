"""Moving phases across the board, reordering them, and the order suggested by call load."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.rollout import services
from tests.factories import CityFactory, DepartmentFactory
from tests.rollout.factories import RolloutPhaseFactory, RolloutProjectFactory

from .conftest import utc

pytestmark = pytest.mark.django_db


def test_moving_forward_records_the_day_of_each_step():
    phase = RolloutPhaseFactory()
    services.phase_move(phase=phase, status="observing", on=dt.date(2026, 3, 1))
    phase.refresh_from_db()
    assert phase.connected_on == dt.date(2026, 3, 1)
    assert phase.observing_since == dt.date(2026, 3, 1)
    assert phase.observation_ends_on == dt.date(2026, 3, 31)


def test_a_phase_is_not_done_before_its_observation_period_ends():
    phase = RolloutPhaseFactory()
    services.phase_move(phase=phase, status="observing", on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="runs until 2026-03-31"):
        services.phase_move(phase=phase, status="done", on=dt.date(2026, 3, 30))
    services.phase_move(phase=phase, status="done", on=dt.date(2026, 3, 31))
    phase.refresh_from_db()
    assert phase.status == "done"
    assert phase.done_on == dt.date(2026, 3, 31)


def test_a_phase_never_observed_cannot_be_done():
    phase = RolloutPhaseFactory()
    with pytest.raises(ValidationError, match="Observe the phase"):
        services.phase_move(phase=phase, status="done", on=dt.date(2026, 3, 1))


def test_the_observation_period_is_the_projects():
    phase = RolloutPhaseFactory(project=RolloutProjectFactory(observation_days=14))
    services.phase_move(phase=phase, status="observing", on=dt.date(2026, 3, 1))
    services.phase_move(phase=phase, status="done", on=dt.date(2026, 3, 15))
    phase.refresh_from_db()
    assert phase.status == "done"


def test_moving_back_clears_the_dates_of_the_steps_left():
    phase = RolloutPhaseFactory()
    services.phase_move(phase=phase, status="observing", on=dt.date(2026, 3, 1))
    services.phase_move(phase=phase, status="preparing", on=dt.date(2026, 3, 2))
    phase.refresh_from_db()
    assert (phase.connected_on, phase.observing_since) == (None, None)


def test_reorder_needs_every_phase_exactly_once():
    project = RolloutProjectFactory()
    a, b, c = (RolloutPhaseFactory(project=project) for _ in range(3))
    services.phases_reorder(project=project, phase_ids=[c.pk, a.pk, b.pk])
    assert list(project.phases.order_by("order").values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]
    with pytest.raises(ValidationError, match="exactly once"):
        services.phases_reorder(project=project, phase_ids=[c.pk, a.pk])


def test_shift_moves_a_phase_one_place():
    project = RolloutProjectFactory()
    a, b, c = (RolloutPhaseFactory(project=project) for _ in range(3))
    services.phase_shift(phase=c, step=-1)
    assert list(project.phases.order_by("order").values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]


def test_a_salon_phase_must_be_in_its_city():
    phase = RolloutPhaseFactory.build(city=CityFactory(), department=DepartmentFactory())
    with pytest.raises(ValidationError, match="another city"):
        phase.clean()


@pytest.fixture
def three_cities(make_call):
    """Kazan: 3 calls, Ufa: 1 call (+1 internal, +1 outside the window), Samara: none."""
    kazan = CityFactory(name="Казань", timezone="Europe/Moscow")
    ufa = CityFactory(name="Уфа", timezone="Asia/Yekaterinburg")
    samara = CityFactory(name="Самара", timezone="Europe/Samara")
    k1, k2 = DepartmentFactory(city=kazan), DepartmentFactory(city=kazan)
    u1 = DepartmentFactory(city=ufa)
    DepartmentFactory(city=samara)
    make_call(k1, utc(2026, 2, 2, 9))
    make_call(k1, utc(2026, 2, 3, 9), direction="out")
    make_call(k2, utc(2026, 2, 4, 9), disposition="no_answer")
    make_call(u1, utc(2026, 2, 4, 9))
    make_call(u1, utc(2026, 2, 4, 10), direction="internal")
    make_call(u1, utc(2026, 1, 1, 10))
    project = RolloutProjectFactory()
    phases = {
        "kazan": RolloutPhaseFactory(project=project, city=kazan, order=1),
        "ufa": RolloutPhaseFactory(project=project, city=ufa, order=2),
        "samara": RolloutPhaseFactory(project=project, city=samara, order=3),
    }
    return project, phases


def test_load_order_puts_the_least_called_city_first_with_its_volume(three_cities):
    project, phases = three_cities
    rows = services.phases_by_load(project=project, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))
    assert [(r.phase.pk, r.calls) for r in rows] == [
        (phases["samara"].pk, 0),
        (phases["ufa"].pk, 1),
        (phases["kazan"].pk, 3),
    ]


def test_ring_group_legs_count_as_one_call_for_the_load(three_cities, make_call):
    project, phases = three_cities
    samara_salon = phases["samara"].city.departments.get()
    for _ in range(3):
        make_call(samara_salon, utc(2026, 2, 5, 9), group="ring-1", disposition="no_answer")
    rows = services.phases_by_load(project=project, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))
    assert {r.phase.pk: r.calls for r in rows}[phases["samara"].pk] == 1


def test_applying_the_load_order_reorders_and_the_marketer_can_still_move_a_phase(three_cities):
    project, phases = three_cities
    services.phases_apply_load_order(project=project, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))
    order = list(project.phases.order_by("order").values_list("pk", flat=True))
    assert order == [phases["samara"].pk, phases["ufa"].pk, phases["kazan"].pk]
    services.phase_shift(phase=phases["kazan"], step=-1)
    order = list(project.phases.order_by("order").values_list("pk", flat=True))
    assert order == [phases["samara"].pk, phases["kazan"].pk, phases["ufa"].pk]


def test_a_salon_phase_counts_only_its_salon(make_call):
    city = CityFactory()
    busy, quiet = DepartmentFactory(city=city), DepartmentFactory(city=city)
    make_call(busy, utc(2026, 2, 2, 9))
    make_call(busy, utc(2026, 2, 2, 10))
    project = RolloutProjectFactory()
    p_busy = RolloutPhaseFactory(project=project, city=city, department=busy, order=1)
    p_quiet = RolloutPhaseFactory(project=project, city=city, department=quiet, order=2)
    rows = services.phases_by_load(project=project, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28))
    assert [(r.phase.pk, r.calls) for r in rows] == [(p_quiet.pk, 0), (p_busy.pk, 2)]
