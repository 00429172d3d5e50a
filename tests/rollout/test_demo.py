"""The rollout demo data: a phase per city, a plan for intermediary numbers, a selection; twice = once."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.company.models import City
from apps.rollout import demo
from apps.rollout.models import Candidate, MigrationItem, PhaseCheck, RolloutPhase, RolloutProject, Score
from apps.telecom.models import Provider
from tests.contracts.factories import ContractFactory, ContractPartyFactory
from tests.factories import CityFactory, DepartmentFactory, PhoneNumberFactory, ProviderFactory

pytestmark = pytest.mark.django_db
MODELS = (RolloutProject, RolloutPhase, PhaseCheck, MigrationItem, Candidate, Score)


def _snapshot():
    return {m.__name__: sorted(m.objects.values_list("pk", "updated_at")) for m in MODELS}


@pytest.fixture
def inventory(personas):
    names = ("Казань", "Уфа", "Самара", "Пермь", "Тюмень", "Челябинск", "Омск", "Саратов", "Волгоград")
    cities = [CityFactory(name=name) for name in names]
    pbx = ProviderFactory(name="ОблакоАТС", kind=Provider.Kind.PBX_PROVIDER)
    ProviderFactory(name="ТелеХаб", kind=Provider.Kind.PBX_PROVIDER)
    for city in cities[:6]:
        PhoneNumberFactory(city=city, intermediary=pbx, monthly_fee=Decimal("900.00"))


def test_demo_builds_a_board_a_plan_and_a_selection(inventory):
    demo.seed(stdout=io.StringIO())
    project = RolloutProject.objects.get()
    statuses = list(project.phases.order_by("order").values_list("status", flat=True))
    assert len(statuses) == 9
    assert statuses[:4] == ["done", "done", "done", "observing"]
    assert statuses[-1] == "planned"
    assert MigrationItem.objects.count() == 6
    assert MigrationItem.objects.filter(status="ordered").exists()
    # The provider holding none of our numbers is scored first; the current intermediary fails the must.
    assert list(Candidate.objects.order_by("pk").values_list("provider__name", flat=True)) == [
        "ТелеХаб",
        "ОблакоАТС",
    ]
    assert Provider.objects.count() == 2 + 6  # the demo adds no provider (6 carriers come from the numbers)


def test_running_the_demo_twice_changes_nothing(inventory):
    demo.seed(stdout=io.StringIO())
    first = _snapshot()
    demo.seed(stdout=io.StringIO())
    assert _snapshot() == first


def test_demo_without_cities_says_it_skipped(db):
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "skipped" in out.getvalue()
    assert not RolloutProject.objects.exists()


def test_demo_orders_the_cities_from_the_least_to_the_most_calls(inventory, make_call):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    noon = dt.datetime.combine(yesterday, dt.time(12), tzinfo=dt.UTC)
    kazan = DepartmentFactory(city=City.objects.get(name="Казань"))
    ufa = DepartmentFactory(city=City.objects.get(name="Уфа"))
    for _ in range(3):
        make_call(kazan, noon)
    make_call(ufa, noon)
    demo.seed(stdout=io.StringIO())
    order = list(RolloutPhase.objects.order_by("order").values_list("city__name", flat=True))
    assert order[-2:] == ["Уфа", "Казань"]


def test_demo_puts_operators_with_draft_contracts_up_for_selection(inventory):
    draft = ContractFactory(code="BTK-DIRECT", status="under_review", signed_on=None)
    ContractPartyFactory(contract=draft, role="operator")
    ContractFactory(code="SIGNED-ONE")  # signed contracts are not drafts
    demo.seed(stdout=io.StringIO())
    candidate = Candidate.objects.get(selection__title=demo.OPERATOR_SELECTION)
    assert candidate.draft_contract == draft
