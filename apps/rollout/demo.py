"""Demo rollout: a project with a phase per city at various stages, a migration plan for the numbers
held through the PBX provider, and a provider selection with requirements and two candidates.

Idempotent: rows are found by their natural keys and left alone once they exist, so running
`seed_demo` again changes nothing. Builds on the cities, numbers and users other apps' demos load.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from apps.company.models import City, Department
from apps.contracts.models import Contract, ContractParty
from apps.telecom.models import Provider

from . import analytics, services
from .models import (
    Candidate,
    MigrationItem,
    PhaseCheck,
    ProviderSelection,
    Requirement,
    RolloutPhase,
    RolloutProject,
    Score,
)

PROJECT = "Подключение салонов к облачной АТС"
SELECTION = "Выбор облачной АТС на 2027 год"
OPERATOR_SELECTION = "Прямые договоры с операторами"
OPERATOR_REQUIREMENTS = [
    ("Номера закрепляются за нами и переносятся к другому оператору по заявлению", "must", 1),
    ("Цена меняется только с уведомлением не менее чем за 30 дней", "must", 1),
    ("Неустойка ограничена суммой месячного счёта", "should", 2),
    ("Протокол разногласий к договору принимается", "should", 2),
]

# The status of each city's phase, in rollout order (least loaded first); the rest are planned.
STAGES = [
    RolloutPhase.Status.DONE,
    RolloutPhase.Status.DONE,
    RolloutPhase.Status.DONE,
    RolloutPhase.Status.OBSERVING,
    RolloutPhase.Status.CONNECTED,
    RolloutPhase.Status.PREPARING,
    RolloutPhase.Status.PREPARING,
]

REQUIREMENTS = [
    ("Номера остаются нашими, если мы уходим от провайдера", "must", 1),
    ("Запись разговоров с хранением не меньше 90 дней", "must", 1),
    ("Отчёты по звонкам в разрезе салонов (отделов)", "should", 3),
    ("API для выгрузки записей о звонках (CDR)", "should", 3),
    ("Прямые договоры с операторами во всех 9 городах", "should", 2),
]

# Two profiles of offers: a provider that leaves the numbers with the operators, and the current
# intermediary that keeps them (the situation the company learnt the hard way). (offer, {requirement: score})
CANDIDATES = [
    (
        "Облачная АТС, 25 линий, 1 900 ₽/мес. за 10 пользователей; номера — по прямым договорам "
        "с операторами.",
        {
            0: (Score.Value.MET, "Оферта, п. 9.4: номера закреплены за клиентом у оператора"),
            1: (Score.Value.MET, "Тариф «Бизнес»: запись 180 дней"),
            2: (Score.Value.MET, "Демо 12.02: отчёт по группам сотрудников"),
            3: (Score.Value.MET, "Документация API: выгрузка статистики"),
            4: (Score.Value.PARTLY, "Прямые договоры в 7 городах из 9"),
        },
    ),
    (
        "Продление текущего договора, тариф «Офис»; номера предоставляет сам провайдер.",
        {
            0: (
                Score.Value.NOT_MET,
                "Договор, п. 5.2: номера принадлежат провайдеру, перенос не предусмотрен",
            ),
            1: (Score.Value.MET, "Запись 90 дней включена"),
            2: (Score.Value.PARTLY, "Отчёты только по внутренним номерам"),
            3: (Score.Value.MET, "REST API, выгрузка CDR"),
            4: (Score.Value.NOT_MET, "Только трёхсторонние договоры"),
        },
    ),
]


def seed(*, stdout) -> None:
    owner = _owner()
    cities = list(City.objects.order_by("name"))
    if owner is None or not cities:
        stdout.write("  rollout: skipped (no users or cities yet)")
        return
    today = timezone.localdate()
    project, _created = RolloutProject.objects.get_or_create(
        name=PROJECT,
        defaults={
            "goal": "Перевести все салоны на облачную АТС: город за городом, от наименее загруженных к самым "
            "загруженным, с месяцем наблюдения после подключения каждого города.",
            "owner": owner,
            "start_date": today - dt.timedelta(days=200),
            "target_date": today + dt.timedelta(days=120),
        },
    )
    for order, city in enumerate(_least_loaded_first(cities), start=1):
        status = STAGES[order - 1] if order <= len(STAGES) else RolloutPhase.Status.PLANNED
        _phase(project, city, order, status, today)

    created = services.migration_plan_sync()
    for index, item in enumerate(created):
        _plan(item, index, today)

    _selection()
    _operator_selection()
    stdout.write(
        f"  rollout: {project.phases.count()} phases, {MigrationItem.objects.count()} migration items"
    )


def _least_loaded_first(cities: list[City]) -> list[City]:
    """Cities from the fewest to the most calls over 90 days up to the newest call (the calls demo)."""
    departments = list(Department.objects.select_related("city").filter(city__in=cities))
    end = analytics.default_end()
    volume = analytics.department_call_volume(departments, end - dt.timedelta(days=89), end)
    per_city = {c.pk: 0 for c in cities}
    for department in departments:
        per_city[department.city_id] += volume.get(department.pk, 0)
    return sorted(cities, key=lambda c: (per_city[c.pk], c.name))


def _owner():
    User = get_user_model()
    return (
        User.objects.filter(groups__name="Marketer").order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )


def _phase(project: RolloutProject, city: City, order: int, status: str, today: dt.date) -> None:
    if RolloutPhase.objects.filter(project=project, city=city, department__isnull=True).exists():
        return
    phase = RolloutPhase.objects.create(
        project=project, city=city, order=order, planned_on=today + dt.timedelta(days=14 * (order - 5))
    )
    # Step the phase through the board so its dates are the ones the move rules would give.
    S = RolloutPhase.Status
    if status == S.PLANNED:
        return
    observed_from = (
        today - dt.timedelta(days=40 * (5 - order)) if status == S.DONE else today - dt.timedelta(days=10)
    )
    services.phase_move(phase=phase, status=S.PREPARING, on=observed_from - dt.timedelta(days=10))
    if status == S.PREPARING:
        return
    services.phase_move(phase=phase, status=S.CONNECTED, on=observed_from - dt.timedelta(days=2))
    services.phase_check_set(
        phase=phase,
        item=PhaseCheck.Item.PHONES_SWITCHED_ON,
        done=True,
        by=project.owner,
        on=observed_from - dt.timedelta(days=2),
        note="Проверено звонком в салон",
    )
    if status == S.CONNECTED:
        return
    services.phase_move(phase=phase, status=S.OBSERVING, on=observed_from)
    if status == S.DONE:
        services.phase_move(phase=phase, status=S.DONE, on=observed_from + dt.timedelta(days=30))


def _plan(item: MigrationItem, index: int, today: dt.date) -> None:
    """Give the newly planned items a realistic spread: a target, dates, costs, a few under way."""
    number = item.number
    target = number.carrier if number.carrier.kind == Provider.Kind.OPERATOR else None
    if target is None:
        return
    item.target_operator = target
    item.one_off_cost = Decimal("1500.00")
    item.target_monthly_fee = (number.monthly_fee * Decimal("0.6")).quantize(Decimal("0.01"))
    item.cutover_on = today + dt.timedelta(days=30 + 20 * index)
    if index % 4 == 1:
        item.porting_request = f"MNP-{today.year}-{1000 + index}"
    item.full_clean()
    item.save()
    if index % 4 == 1:
        services.migration_item_advance(item=item, status=MigrationItem.Status.ORDERED, on=today)


def _selection() -> None:
    # The candidates are PBX providers already in the inventory: one that holds none of our numbers,
    # then the one that does. The demo adds no providers of its own.
    pbx = Provider.objects.filter(kind=Provider.Kind.PBX_PROVIDER).annotate(
        held=Count("intermediated_numbers")
    )
    providers = list(pbx.order_by("held", "name")[:2])
    if len(providers) < 2 or ProviderSelection.objects.filter(title=SELECTION).exists():
        return
    selection = ProviderSelection.objects.create(
        title=SELECTION,
        kind=ProviderSelection.Kind.PBX,
        description="Продление или замена облачной АТС: номера должны остаться нашими.",
    )
    requirements = [
        Requirement.objects.create(selection=selection, text=text, priority=priority, weight=weight, order=i)
        for i, (text, priority, weight) in enumerate(REQUIREMENTS, start=1)
    ]
    for provider, (offer, scores) in zip(providers, CANDIDATES, strict=True):
        candidate = Candidate.objects.create(selection=selection, provider=provider, offer=offer)
        for index, (value, evidence) in scores.items():
            services.candidate_score_set(
                candidate=candidate, requirement=requirements[index], value=value, evidence=evidence
            )


def _operator_selection() -> None:
    """Operators whose direct contracts are still drafts: the team reads the lawyer's findings before
    scoring them (scores are left to the demo user)."""
    drafts = list(
        Contract.objects.exclude(status=Contract.Status.SIGNED)
        .filter(parties__role=ContractParty.Role.OPERATOR)
        .order_by("code")
        .distinct()[:2]
    )
    if not drafts or ProviderSelection.objects.filter(title=OPERATOR_SELECTION).exists():
        return
    selection = ProviderSelection.objects.create(
        title=OPERATOR_SELECTION,
        kind=ProviderSelection.Kind.OPERATOR,
        description="Операторы для переноса номеров с посредника: сначала замечания юриста "
        "к проектам договоров.",
    )
    for i, (text, priority, weight) in enumerate(OPERATOR_REQUIREMENTS, start=1):
        Requirement.objects.create(selection=selection, text=text, priority=priority, weight=weight, order=i)
    for draft in drafts:
        operator = draft.parties.filter(role=ContractParty.Role.OPERATOR).first().provider
        Candidate.objects.get_or_create(
            selection=selection, provider=operator, defaults={"draft_contract": draft, "offer": draft.title}
        )
