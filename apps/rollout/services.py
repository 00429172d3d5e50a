"""Rollout, migration plan and provider selection: the workflows behind the marketer's screens.

Checklist items and migration blockers are *derived* from the inventory each time they are shown,
never stored, so they cannot go stale when an admin activates a number or installs a phone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.billing.models import Invoice
from apps.calls.models import CallRecord
from apps.company.models import Department
from apps.contracts import dates as contract_dates
from apps.contracts.models import Contract, ContractNumber, ContractParty
from apps.risk.models import RiskFinding
from apps.telecom.models import Device, NumberAssignment, PhoneNumber

from . import analytics
from .models import (
    Candidate,
    Decision,
    MigrationItem,
    PhaseCheck,
    ProviderSelection,
    Requirement,
    RolloutPhase,
    RolloutProject,
    Score,
)

HARD_WAY_NUMBERS = 5
LOCK_IN_CODE = "NUMBER_LOCKIN"  # the risk scanner's stable code for "the numbers stay with the provider"
# A lock-in the lawyer accepted is still a lock-in; negotiated away, not applicable or a false alarm is not.
LOCK_IN_UNRESOLVED = (RiskFinding.Status.OPEN, RiskFinding.Status.ACCEPTED_RISK)
HARD_WAY_DAYS = 365
ZERO = Decimal("0.00")


def today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- rollout phases and their checklist


@dataclass(frozen=True)
class ChecklistItem:
    """One line of a phase checklist. `done` is None when the data to decide is not there."""

    code: str
    label: str
    done: bool | None
    derived: bool
    evidence: str = ""
    check: PhaseCheck | None = None


PHONE_KINDS = (Device.Kind.IP_PHONE, Device.Kind.ANALOGUE_PHONE, Device.Kind.SOFTPHONE)


@dataclass
class ChecklistData:
    """Everything the derived items of a set of phases look at, loaded in a fixed number of queries."""

    on: dt.date
    departments: dict[int, list[Department]]  # phase id → the salons it connects
    numbers: dict[int, list[PhoneNumber]]  # phase id → the held numbers it connects
    assigned: set[int]  # numbers assigned today to an active department
    covered: set[int]  # numbers covered today by a signed contract
    with_phone: set[int]  # departments with an installed phone
    calls: dict[int, int]  # phase id → calls in the project's calls window
    checks: dict[int, dict[str, PhaseCheck]]  # phase id → manual ticks


def checklist_data(phases: list[RolloutPhase], *, on: dt.date) -> ChecklistData:
    city_ids = {p.city_id for p in phases if not p.department_id}
    salon_ids = {p.department_id for p in phases if p.department_id}
    departments = list(
        Department.objects.select_related("city").filter(
            Q(city_id__in=city_ids, is_active=True) | Q(pk__in=salon_ids)
        )
    )
    current = NumberAssignment.objects.effective_on(on)
    salon_of = dict(current.filter(department_id__in=salon_ids).values_list("number_id", "department_id"))
    numbers = list(
        PhoneNumber.objects.active()
        .filter(Q(city_id__in=city_ids) | Q(pk__in=salon_of))
        .select_related("route")
        .prefetch_related("route__members")
    )
    by_phase_departments: dict[int, list[Department]] = {}
    by_phase_numbers: dict[int, list[PhoneNumber]] = {}
    for phase in phases:
        if phase.department_id:
            by_phase_departments[phase.pk] = [d for d in departments if d.pk == phase.department_id]
            by_phase_numbers[phase.pk] = [n for n in numbers if salon_of.get(n.pk) == phase.department_id]
        else:
            by_phase_departments[phase.pk] = [
                d for d in departments if d.city_id == phase.city_id and d.is_active
            ]
            by_phase_numbers[phase.pk] = [n for n in numbers if n.city_id == phase.city_id]
    number_ids = [n.pk for n in numbers]
    assigned = set(
        current.filter(number_id__in=number_ids, department__is_active=True).values_list(
            "number_id", flat=True
        )
    )
    covered = set(
        ContractNumber.objects.effective_on(on)
        .filter(number_id__in=number_ids, contract__status=Contract.Status.SIGNED)
        .values_list("number_id", flat=True)
    )
    with_phone = set(
        Device.objects.filter(
            department__in=departments, status=Device.Status.INSTALLED, kind__in=PHONE_KINDS
        ).values_list("department_id", flat=True)
    )
    checks: dict[int, dict[str, PhaseCheck]] = {p.pk: {} for p in phases}
    for check in PhaseCheck.objects.filter(phase__in=phases).select_related("done_by"):
        checks[check.phase_id][check.item] = check
    return ChecklistData(
        on=on,
        departments=by_phase_departments,
        numbers=by_phase_numbers,
        assigned=assigned,
        covered=covered,
        with_phone=with_phone,
        calls=_calls_per_phase(phases, by_phase_departments, on),
        checks=checks,
    )


def _calls_per_phase(phases, departments: dict[int, list[Department]], on: dt.date) -> dict[int, int]:
    """Call records per phase in its project's calls window, days on the phase's city clock."""
    q = Q(pk__in=[])
    windows = {}
    for phase in phases:
        days = phase.project.calls_window_days
        lo, hi = analytics.local_window(phase.city.timezone, on - dt.timedelta(days=days - 1), on)
        windows[phase.pk] = (lo, hi)
        q |= Q(department_id__in=[d.pk for d in departments[phase.pk]], started_at__gte=lo, started_at__lt=hi)
    phases_of: dict[int, list[int]] = defaultdict(list)
    for phase_id, phase_departments in departments.items():
        for department in phase_departments:
            phases_of[department.pk].append(phase_id)
    counts: dict[int, int] = dict.fromkeys(windows, 0)
    rows = CallRecord.objects.filter(q).values_list("department_id", "started_at")
    for department_id, started in rows.iterator():
        for phase_id in phases_of[department_id]:
            lo, hi = windows[phase_id]
            if lo <= started < hi:
                counts[phase_id] += 1
    return counts


def _share(code: str, label: str, ok: int, total: int, evidence: str) -> ChecklistItem:
    return ChecklistItem(code, label, total > 0 and ok == total, True, evidence % {"ok": ok, "all": total})


def _contract_signed(phase: RolloutPhase, data: ChecklistData) -> ChecklistItem:
    numbers = data.numbers[phase.pk]
    ok = sum(1 for n in numbers if n.pk in data.covered)
    return _share(
        "contract_signed",
        _("Contract signed"),
        ok,
        len(numbers),
        _("%(ok)d of %(all)d numbers covered by a signed contract"),
    )


def _numbers_active(phase: RolloutPhase, data: ChecklistData) -> ChecklistItem:
    numbers = data.numbers[phase.pk]
    ok = sum(1 for n in numbers if n.status == PhoneNumber.Status.ACTIVE and n.pk in data.assigned)
    return _share(
        "numbers_active",
        _("Numbers active"),
        ok,
        len(numbers),
        _("%(ok)d of %(all)d numbers active and assigned"),
    )


def _phones_installed(phase: RolloutPhase, data: ChecklistData) -> ChecklistItem:
    departments = data.departments[phase.pk]
    ok = sum(1 for d in departments if d.pk in data.with_phone)
    return _share(
        "phones_installed",
        _("Phones bought and installed"),
        ok,
        len(departments),
        _("%(ok)d of %(all)d salons have an installed phone"),
    )


def _pbx_configured(phase: RolloutPhase, data: ChecklistData) -> ChecklistItem:
    numbers = [n for n in data.numbers[phase.pk] if n.status == PhoneNumber.Status.ACTIVE]
    ok = 0
    for number in numbers:
        route = getattr(number, "route", None)
        if number.pbx_account_id and route is not None and route.members.all():
            ok += 1
    return _share(
        "pbx_configured",
        _("PBX numbers and distribution scheme configured"),
        ok,
        len(numbers),
        _("%(ok)d of %(all)d numbers routed to a PBX with a distribution scheme"),
    )


def _calls_flowing(phase: RolloutPhase, data: ChecklistData) -> ChecklistItem:
    count = data.calls[phase.pk]
    evidence = _("%(n)d calls in the last %(days)d days") % {
        "n": count,
        "days": phase.project.calls_window_days,
    }
    return ChecklistItem("calls_flowing", _("Calls flowing"), count > 0, True, evidence)


def _observation(phase: RolloutPhase, data: ChecklistData) -> ChecklistItem:
    ends = phase.observation_ends_on
    if ends is None:
        evidence = _("not observed yet")
    else:
        evidence = _("observing since %(since)s, %(days)d days, ends %(ends)s") % {
            "since": phase.observing_since.isoformat(),
            "days": phase.project.observation_days,
            "ends": ends.isoformat(),
        }
    return ChecklistItem(
        "observation_over", _("Observation period over"), phase.observation_over(data.on), True, evidence
    )


def _manual(phase: RolloutPhase, item: PhaseCheck.Item, data: ChecklistData) -> ChecklistItem:
    check = data.checks[phase.pk].get(item.value)
    evidence = ""
    if check is not None:
        evidence = _("ticked by %(who)s on %(day)s") % {
            "who": check.done_by,
            "day": check.done_on.isoformat(),
        }
        if check.note:
            evidence += f" — {check.note}"
    return ChecklistItem(item.value, str(item.label), check is not None, False, evidence, check)


def phases_checklists(
    phases: list[RolloutPhase], *, on: dt.date | None = None
) -> dict[int, list[ChecklistItem]]:
    """The checklist of each phase, in the order work happens on site; derived items are recomputed
    from the inventory and call records every time (a fixed number of queries for any number of phases)."""
    phases = list(phases)
    if not phases:
        return {}
    data = checklist_data(phases, on=on or today())
    return {
        phase.pk: [
            _contract_signed(phase, data),
            _numbers_active(phase, data),
            _phones_installed(phase, data),
            _pbx_configured(phase, data),
            _manual(phase, PhaseCheck.Item.PHONES_SWITCHED_ON, data),
            _calls_flowing(phase, data),
            _observation(phase, data),
        ]
        for phase in phases
    }


def phase_checklist(phase: RolloutPhase, *, on: dt.date | None = None) -> list[ChecklistItem]:
    return phases_checklists([phase], on=on)[phase.pk]


_STATUS_RANK = {s: i for i, s in enumerate(RolloutPhase.Status.values)}


@transaction.atomic
def phase_move(*, phase: RolloutPhase, status: str, on: dt.date | None = None) -> RolloutPhase:
    """Move a phase to another column of the board, keeping its dates truthful.

    A phase is done only after its observation period has run; moving a phase back clears the dates
    of the steps it left."""
    on = on or today()
    if status not in _STATUS_RANK:
        raise ValidationError({"status": _("%(value)s is not a phase status.") % {"value": status}})
    phase = RolloutPhase.objects.select_for_update(of=("self",)).select_related("project").get(pk=phase.pk)
    S = RolloutPhase.Status
    if status == S.DONE and phase.status != S.DONE:
        if phase.observing_since is None:
            raise ValidationError({"status": _("Observe the phase before calling it done.")})
        if not phase.observation_over(on):
            raise ValidationError(
                {
                    "status": _("The observation period runs until %(day)s.")
                    % {"day": phase.observation_ends_on.isoformat()}
                }
            )
    rank = _STATUS_RANK[status]
    if rank >= _STATUS_RANK[S.CONNECTED] and phase.connected_on is None:
        phase.connected_on = on
    if rank >= _STATUS_RANK[S.OBSERVING] and phase.observing_since is None:
        phase.observing_since = on
    if status == S.DONE and phase.done_on is None:
        phase.done_on = on
    if rank < _STATUS_RANK[S.DONE]:
        phase.done_on = None
    if rank < _STATUS_RANK[S.OBSERVING]:
        phase.observing_since = None
    if rank < _STATUS_RANK[S.CONNECTED]:
        phase.connected_on = None
    phase.status = status
    phase.full_clean()
    phase.save()
    return phase


@transaction.atomic
def phase_check_set(
    *, phase: RolloutPhase, item: str, done: bool, by, on: dt.date | None = None, note: str = ""
) -> PhaseCheck | None:
    """Tick or untick a checklist item that only a person can confirm."""
    if item not in PhaseCheck.Item.values:
        raise ValidationError(
            {
                "item": _("%(value)s is not an item ticked by hand (derived items follow the data).")
                % {"value": item}
            }
        )
    if not done:
        PhaseCheck.objects.filter(phase=phase, item=item).delete()
        return None
    check, _created = PhaseCheck.objects.update_or_create(
        phase=phase, item=item, defaults={"done_on": on or today(), "done_by": by, "note": note}
    )
    return check


@transaction.atomic
def phases_reorder(*, project: RolloutProject, phase_ids: Iterable[int]) -> list[RolloutPhase]:
    """Put the project's phases in the given order (every phase exactly once)."""
    phase_ids = [int(pk) for pk in phase_ids]
    phases = {p.pk: p for p in project.phases.select_for_update()}
    if sorted(phase_ids) != sorted(phases):
        raise ValidationError(
            {
                "phase_ids": _("List every phase of the project exactly once (expected %(n)d).")
                % {"n": len(phases)}
            }
        )
    for position, pk in enumerate(phase_ids, start=1):
        phase = phases[pk]
        if phase.order != position:
            phase.order = position
            phase.save(update_fields=["order", "updated_at"])
    return [phases[pk] for pk in phase_ids]


@transaction.atomic
def phase_shift(*, phase: RolloutPhase, step: int) -> None:
    """Move a phase one place earlier (step=-1) or later (step=+1) in its project's order."""
    ids = list(phase.project.phases.order_by("order", "pk").values_list("pk", flat=True))
    i = ids.index(phase.pk)
    j = max(0, min(len(ids) - 1, i + step))
    ids[i], ids[j] = ids[j], ids[i]
    phases_reorder(project=phase.project, phase_ids=ids)


@dataclass(frozen=True)
class LoadRow:
    phase: RolloutPhase
    calls: int


def phases_by_load(*, project: RolloutProject, start: dt.date, end: dt.date) -> list[LoadRow]:
    """The suggested rollout order: least calls first (external calls over local days start..end),
    ties kept in the current order. Each phase counts its salon, or every salon of its city."""
    phases = list(project.phases.select_related("city", "department").order_by("order", "pk"))
    cities = {p.city_id for p in phases if not p.department_id}
    departments = list(
        Department.objects.select_related("city").filter(
            Q(city_id__in=cities) | Q(pk__in=[p.department_id for p in phases if p.department_id])
        )
    )
    volume = analytics.department_call_volume(departments, start, end)
    rows = []
    for phase in phases:
        if phase.department_id:
            calls = volume.get(phase.department_id, 0)
        else:
            calls = sum(n for d in departments if d.city_id == phase.city_id for n in [volume.get(d.pk, 0)])
        rows.append(LoadRow(phase, calls))
    return sorted(rows, key=lambda r: r.calls)  # stable: equal volumes keep the marketer's order


@transaction.atomic
def phases_apply_load_order(*, project: RolloutProject, start: dt.date, end: dt.date) -> list[LoadRow]:
    """Reorder the phases from the least to the most loaded; the marketer may reorder afterwards."""
    rows = phases_by_load(project=project, start=start, end=end)
    phases_reorder(project=project, phase_ids=[r.phase.pk for r in rows])
    return rows


# ---------------------------------------------------------------- number migration plan


@dataclass(frozen=True)
class Blocker:
    """Why a migration item cannot go ahead yet; `hook` names the rule that found it."""

    code: str
    message: str
    severity: str = "blocker"  # or "warning"


@dataclass
class BlockerContext:
    """Data the blocker rules need, loaded once for a whole list of items (no query per item)."""

    on: dt.date
    signed_operator_ids: set[int] = field(default_factory=set)
    old_contracts: dict[int, list] = field(default_factory=dict)
    lock_ins: dict[int, list] = field(default_factory=dict)  # contract id → unresolved lock-in findings
    debts: dict[int, list] = field(default_factory=dict)  # provider id → its unpaid or disputed invoices


def _no_target(item: MigrationItem, ctx: BlockerContext) -> Blocker | None:
    if item.target_operator_id is None and not item.is_moved:
        return Blocker("no_target_operator", _("No target operator chosen."))
    return None


def _porting_request_missing(item: MigrationItem, ctx: BlockerContext) -> Blocker | None:
    S = MigrationItem.Status
    if item.method == MigrationItem.Method.PORT and item.status != S.PLANNED and not item.porting_request:
        return Blocker("no_porting_request", _("Ordered, but no porting request reference is recorded."))
    return None


def _new_number_missing(item: MigrationItem, ctx: BlockerContext) -> Blocker | None:
    S = MigrationItem.Status
    if item.method == MigrationItem.Method.NEW_NUMBER and item.status != S.PLANNED and not item.new_number_id:
        return Blocker("no_new_number", _("No new number recorded for the parallel run."))
    return None


def _cutover_overdue(item: MigrationItem, ctx: BlockerContext) -> Blocker | None:
    if item.cutover_on and item.cutover_on < ctx.on and not item.is_moved:
        return Blocker(
            "cutover_overdue",
            _("The cut-over date %(day)s has passed.") % {"day": item.cutover_on.isoformat()},
            "warning",
        )
    return None


def _no_target_contract(item: MigrationItem, ctx: BlockerContext) -> Blocker | None:
    if item.is_moved or item.target_operator_id is None:
        return None
    if item.target_contract_id is not None:
        if item.target_contract.status != Contract.Status.SIGNED:
            return Blocker(
                "target_contract_unsigned",
                _("The contract %(code)s with %(op)s is not signed yet (%(status)s).")
                % {
                    "code": item.target_contract.code,
                    "op": item.target_operator,
                    "status": item.target_contract.get_status_display(),
                },
            )
        return None
    if item.target_operator_id not in ctx.signed_operator_ids:
        return Blocker(
            "no_target_contract",
            _("No signed contract with %(op)s yet.") % {"op": item.target_operator},
        )
    return None


def contract_free_from(contract: Contract, on: dt.date) -> dt.date | None:
    """The first day we can be out of `contract` if notice were given on `on` (None: no constraint).

    Open-ended: `notice_days` after notice. Tacit renewal: the end of the term whose notice deadline is
    still ahead. No renewal / express: the end of the current term."""
    terms = contract.terms
    kd = contract_dates.key_dates(terms, on)
    if kd.term_end is None:
        return on + dt.timedelta(days=terms.notice_days) if terms.notice_days else None
    if kd.ended:
        return None
    if terms.renewal == contract_dates.TACIT:
        deadline = contract_dates.next_notice_deadline(terms, on)
        if deadline is None:
            return kd.term_end + dt.timedelta(days=1)
        return contract_dates.key_dates(terms, deadline).term_end + dt.timedelta(days=1)
    return kd.term_end + dt.timedelta(days=1)


def _notice_running(item: MigrationItem, ctx: BlockerContext) -> Blocker | None:
    if item.is_moved:
        return None
    planned = item.cutover_on or ctx.on
    worst: tuple[dt.date, Contract] | None = None
    for contract in ctx.old_contracts.get(item.number_id, []):
        for c in {contract, contract.root()}:
            free = contract_free_from(c, ctx.on)
            if free is not None and free > planned and (worst is None or free > worst[0]):
                worst = (free, c)
    if worst is None:
        return None
    free, contract = worst
    deadline = contract_dates.next_notice_deadline(contract.terms, ctx.on)
    message = _(
        "Notice period on %(code)s still running: out of it from %(free)s, after the cut-over %(cut)s."
    ) % {
        "code": contract.code,
        "free": free.isoformat(),
        "cut": planned.isoformat(),
    }
    if deadline:
        message += " " + _("Give notice by %(day)s.") % {"day": deadline.isoformat()}
    return Blocker("notice_running", message)


def _lock_in(item: MigrationItem, ctx: BlockerContext) -> Blocker | None:
    """A number-lock-in clause the lawyer has not resolved, in the current text of a contract that
    covers the number (or of its master contract): porting needs the provider's consent first."""
    if item.is_moved:
        return None
    contracts = {
        c for contract in ctx.old_contracts.get(item.number_id, []) for c in (contract, contract.root())
    }
    findings = [f for c in sorted(contracts, key=lambda c: c.code) for f in ctx.lock_ins.get(c.pk, [])]
    if not findings:
        return None
    where = "; ".join(
        _("%(code)s п. %(clause)s (%(severity)s)")
        % {"code": f.document.contract.code, "clause": f.clause, "severity": f.get_severity_display()}
        for f in findings
    )
    return Blocker("lock_in", _("Number lock-in clause not resolved: %(where)s.") % {"where": where})


def providers_left(item: MigrationItem, ctx: BlockerContext) -> set[int]:
    """The providers a move leaves: the number's intermediary and the parties of the signed contracts
    covering the number today (and their master contracts) — never the target operator itself."""
    left = {item.number.intermediary_id} if item.number.intermediary_id else set()
    for contract in ctx.old_contracts.get(item.number_id, []):
        for c in (contract, contract.root()):
            left |= {p.provider_id for p in c.parties.all()}
    left.discard(item.target_operator_id)
    return left


def _debt(item: MigrationItem, ctx: BlockerContext) -> Blocker | None:
    """Debt (issue 8, decided in docs/invoices.md): the move is blocked while any invoice of a provider
    being left is not paid — received, being checked, disputed, or accepted but unpaid. Paid invoices
    never block; nor does anything once the number has moved."""
    if item.is_moved:
        return None
    invoices = sorted(
        (i for provider in providers_left(item, ctx) for i in ctx.debts.get(provider, [])),
        key=lambda i: (i.provider.name, i.received_date, i.number),
    )
    if not invoices:
        return None
    on = ctx.on
    parts = []
    for invoice in invoices:
        state = invoice.get_status_display().lower()
        if invoice.status != invoice.Status.DISPUTED and invoice.due_date and invoice.due_date < on:
            state += ", " + _("overdue since %(day)s") % {"day": invoice.due_date.isoformat()}
        parts.append(
            _("%(provider)s invoice %(number)s, %(gross)s %(currency)s (%(state)s)")
            % {
                "provider": invoice.provider.name,
                "number": invoice.number,
                "gross": invoice.gross,
                "currency": invoice.currency,
                "state": state,
            }
        )
    return Blocker(
        "debt", _("Unsettled invoices of the provider being left: %(list)s.") % {"list": "; ".join(parts)}
    )


# Rules are plain functions (item, context) -> Blocker | None (data loaded once in the context).
BLOCKER_RULES = [
    _no_target,
    _no_target_contract,
    _notice_running,
    _lock_in,
    _debt,
    _porting_request_missing,
    _new_number_missing,
    _cutover_overdue,
]


def migration_blocker_context(items: Iterable[MigrationItem], *, on: dt.date | None = None) -> BlockerContext:
    """Load, in a fixed number of queries, the contracts the blocker rules look at."""
    on = on or today()
    items = list(items)
    targets = {i.target_operator_id for i in items if i.target_operator_id}
    signed = set(
        ContractParty.objects.filter(provider_id__in=targets, contract__status=Contract.Status.SIGNED)
        .values_list("provider_id", flat=True)
        .distinct()
    )
    old_contracts: dict[int, list[Contract]] = {}
    coverage = (
        ContractNumber.objects.effective_on(on)
        .filter(number_id__in=[i.number_id for i in items], contract__status=Contract.Status.SIGNED)
        .select_related("contract__parent__parent")
    )
    for row in coverage:
        old_contracts.setdefault(row.number_id, []).append(row.contract)
    contract_ids = {
        c.pk for cs in old_contracts.values() for contract in cs for c in (contract, contract.root())
    }
    lock_ins: dict[int, list[RiskFinding]] = {}
    findings = (
        RiskFinding.objects.current()
        .risks()
        .filter(code=LOCK_IN_CODE, status__in=LOCK_IN_UNRESOLVED, document__contract_id__in=contract_ids)
        .select_related("document__contract")
        .order_by("start")
    )
    for finding in findings:
        lock_ins.setdefault(finding.document.contract_id, []).append(finding)
    parties = list(ContractParty.objects.filter(contract_id__in=contract_ids))
    looked_at = {c for cs in old_contracts.values() for contract in cs for c in (contract, contract.root())}
    for one in looked_at:
        # Fill the parties cache of every contract the debt rule looks at, in one query for all.
        one._prefetched_objects_cache = {"parties": [p for p in parties if p.contract_id == one.pk]}
    providers = {p.provider_id for p in parties} | {
        i.number.intermediary_id for i in items if i.number.intermediary_id
    }
    debts: dict[int, list[Invoice]] = {}
    for invoice in Invoice.objects.unpaid().filter(provider_id__in=providers).select_related("provider"):
        debts.setdefault(invoice.provider_id, []).append(invoice)
    return BlockerContext(
        on=on, signed_operator_ids=signed, old_contracts=old_contracts, lock_ins=lock_ins, debts=debts
    )


def migration_blockers(item: MigrationItem, ctx: BlockerContext | None = None) -> list[Blocker]:
    ctx = ctx or migration_blocker_context([item])
    return [b for rule in BLOCKER_RULES if (b := rule(item, ctx)) is not None]


@transaction.atomic
def migration_plan_sync() -> list[MigrationItem]:
    """Give every number held through an intermediary a planned migration item (idempotent)."""
    missing = PhoneNumber.objects.at_risk().filter(migration_item__isnull=True).order_by("number")
    created = []
    for number in missing:
        item = MigrationItem(number=number, monthly_fee_before=number.monthly_fee, currency=number.currency)
        item.full_clean()
        item.save()
        created.append(item)
    return created


_MIGRATION_RANK = {s: i for i, s in enumerate(MigrationItem.Status.values)}


@transaction.atomic
def migration_item_advance(*, item: MigrationItem, status: str, on: dt.date | None = None) -> MigrationItem:
    """Move a migration item to a status and make the inventory follow.

    Switching a ported number makes it direct (carrier = target operator, no intermediary).
    Releasing the old number of a parallel run marks it released and ends its salon assignment."""
    on = on or today()
    S, M = MigrationItem.Status, MigrationItem.Method
    if status not in _MIGRATION_RANK:
        raise ValidationError({"status": _("%(value)s is not a migration status.") % {"value": status}})
    item = MigrationItem.objects.select_for_update(of=("self",)).with_related().get(pk=item.pk)
    if _MIGRATION_RANK[status] < _MIGRATION_RANK[item.status] and item.is_moved:
        raise ValidationError({"status": _("The number has already been moved; it cannot go back.")})
    rank = _MIGRATION_RANK[status]
    if rank >= _MIGRATION_RANK[S.ORDERED]:
        if item.target_operator_id is None:
            raise ValidationError({"target_operator": _("Choose the target operator first.")})
        item.ordered_on = item.ordered_on or on
        if item.method == M.PORT and not item.porting_request:
            raise ValidationError({"porting_request": _("Record the porting request reference first.")})
    if rank >= _MIGRATION_RANK[S.PARALLEL_RUN] and item.method == M.NEW_NUMBER and not item.new_number_id:
        raise ValidationError({"new_number": _("Record the new number before the parallel run.")})
    number = item.number
    if rank >= _MIGRATION_RANK[S.SWITCHED] and not item.is_moved:
        item.cutover_on = item.cutover_on if item.cutover_on and item.cutover_on <= on else on
        if item.method == M.PORT:
            number.carrier = item.target_operator
            number.intermediary = None
            if item.monthly_after is not None:
                number.monthly_fee = item.monthly_after
            number.full_clean()
            number.save()
    if status == S.RELEASED and item.method == M.NEW_NUMBER and number.status != PhoneNumber.Status.RELEASED:
        number.status = PhoneNumber.Status.RELEASED
        number.released_on = on
        number.full_clean()
        number.save()
        for assignment in number.assignments.effective_on(on):
            assignment.valid_to = max(on, assignment.valid_from + dt.timedelta(days=1))
            assignment.full_clean()
            assignment.save()
    item.status = status
    item.full_clean()
    item.save()
    return item


def migration_break_even(item: MigrationItem) -> dict:
    """One-off cost against the monthly difference: months until moving pays back."""
    before = item.monthly_fee_before
    after = item.monthly_after
    if after is None:
        return {"saving": None, "months": None, "label": _("monthly fee after the move unknown")}
    saving = before - after
    if saving <= 0:
        return {"saving": saving, "months": None, "label": _("never pays back in money (costs more monthly)")}
    months = (item.one_off_cost / saving).quantize(Decimal("0.1"))
    return {"saving": saving, "months": months, "label": _("%(m)s months") % {"m": months}}


def _held_beyond(item: MigrationItem | None, on: dt.date) -> bool:
    """Still held through the intermediary more than a year from now (no cut-over planned counts)."""
    if item is not None and item.is_moved:
        return False
    if item is None or item.cutover_on is None:
        return True
    return item.cutover_on > on + dt.timedelta(days=HARD_WAY_DAYS)


def migration_plan_progress(*, on: dt.date | None = None) -> dict:
    """How far the plan is: numbers and monthly cost moved off intermediaries, and per intermediary
    the flag for the situation the company learnt the hard way (> 5 numbers, or > 1 year ahead)."""
    on = on or today()
    held = list(PhoneNumber.objects.at_risk().select_related("intermediary", "migration_item"))
    moved = list(MigrationItem.objects.moved().select_related("number"))
    cost_held = sum((n.monthly_fee for n in held), ZERO)
    cost_moved = sum((i.monthly_fee_before for i in moved), ZERO)
    by_intermediary: dict[int, dict] = {}
    for number in held:
        row = by_intermediary.setdefault(
            number.intermediary_id,
            {"intermediary": number.intermediary, "numbers": 0, "monthly": ZERO, "beyond_year": 0},
        )
        row["numbers"] += 1
        row["monthly"] += number.monthly_fee
        if _held_beyond(getattr(number, "migration_item", None), on):
            row["beyond_year"] += 1
    rows = sorted(by_intermediary.values(), key=lambda r: (-r["numbers"], r["intermediary"].name))
    for row in rows:
        row["hard_way"] = row["numbers"] > HARD_WAY_NUMBERS or row["beyond_year"] > 0
        reasons = []
        if row["numbers"] > HARD_WAY_NUMBERS:
            reasons.append(
                _("%(n)d numbers (more than %(max)d)") % {"n": row["numbers"], "max": HARD_WAY_NUMBERS}
            )
        if row["beyond_year"]:
            reasons.append(_("%(n)d held more than a year ahead") % {"n": row["beyond_year"]})
        row["reasons"] = reasons
    total = len(held) + len(moved)
    return {
        "numbers_total": total,
        "numbers_moved": len(moved),
        "numbers_held": len(held),
        "monthly_total": cost_held + cost_moved,
        "monthly_moved": cost_moved,
        "monthly_held": cost_held,
        "percent_numbers": round(100 * len(moved) / total) if total else 0,
        "hard_way": any(r["hard_way"] for r in rows),
        "intermediaries": rows,
    }


# ---------------------------------------------------------------- provider selection


@transaction.atomic
def candidate_score_set(
    *, candidate: Candidate, requirement: Requirement, value: int, notes: str = "", evidence: str = ""
) -> Score:
    """Record (or revise) how a candidate meets one requirement."""
    score = Score.objects.filter(candidate=candidate, requirement=requirement).first() or Score(
        candidate=candidate, requirement=requirement
    )
    score.value, score.notes, score.evidence = value, notes, evidence
    score.full_clean()
    score.save()
    return score


@dataclass
class CandidateStanding:
    candidate: Candidate
    scores: dict[int, Score]
    failed_musts: list[Requirement]
    unscored: list[Requirement]
    points: int
    max_points: int
    risks: list = field(default_factory=list)  # open risk findings of the draft contract, worst first

    @property
    def qualified(self) -> bool:
        return not self.failed_musts

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.max_points) if self.max_points else 0


def selection_standings(selection: ProviderSelection) -> list[CandidateStanding]:
    """Candidates ranked: those failing a must last, then by weighted points (met = 2, partly = 1)."""
    requirements = list(selection.requirements.all())
    candidates = list(
        selection.candidates.select_related("provider", "draft_contract").prefetch_related("scores")
    )
    max_points = sum(2 * r.weight for r in requirements)
    standings = []
    for candidate in candidates:
        scores = {s.requirement_id: s for s in candidate.scores.all()}
        failed = [
            r
            for r in requirements
            if r.priority == Requirement.Priority.MUST
            and r.pk in scores
            and scores[r.pk].value == Score.Value.NOT_MET
        ]
        unscored = [r for r in requirements if r.pk not in scores]
        points = sum(scores[r.pk].value * r.weight for r in requirements if r.pk in scores)
        standings.append(CandidateStanding(candidate, scores, failed, unscored, points, max_points))
    drafts = [c.draft_contract_id for c in candidates if c.draft_contract_id]
    risks: dict[int, list[RiskFinding]] = {}
    findings = (
        RiskFinding.objects.current()
        .risks()
        .open()
        .filter(document__contract_id__in=drafts)
        .select_related("document__contract")
        .worst_first()
    )
    for finding in findings:
        risks.setdefault(finding.document.contract_id, []).append(finding)
    for standing in standings:
        standing.risks = risks.get(standing.candidate.draft_contract_id, [])
    standings.sort(key=lambda s: (not s.qualified, -s.points, s.candidate.provider.name))
    return standings


@transaction.atomic
def selection_decide(
    *, selection: ProviderSelection, candidate: Candidate, rationale: str, by, on: dt.date | None = None
) -> Decision:
    """Record the choice. A candidate that fails a must-have cannot be chosen."""
    if candidate.selection_id != selection.pk:
        raise ValidationError({"candidate": _("This candidate belongs to another selection.")})
    if not rationale.strip():
        raise ValidationError({"rationale": _("Write down why this candidate was chosen.")})
    standing = next(s for s in selection_standings(selection) if s.candidate.pk == candidate.pk)
    if standing.failed_musts:
        names = "; ".join(r.text for r in standing.failed_musts)
        raise ValidationError(
            {
                "candidate": _("%(p)s fails must-have requirements: %(r)s")
                % {"p": candidate.provider, "r": names}
            }
        )
    decision, _created = Decision.objects.update_or_create(
        selection=selection,
        defaults={
            "chosen": candidate,
            "rationale": rationale.strip(),
            "decided_on": on or today(),
            "decided_by": by,
        },
    )
    return decision
