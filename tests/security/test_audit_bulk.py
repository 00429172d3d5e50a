"""The audit trail covers bulk writes too: every `update()`, `bulk_create()`, `bulk_update()`, queryset
`delete()` and many-to-many change of an audited model leaves entries (who, when, what, from where), or
is listed below as exempt with its reason. A static scan of apps/ fails on a new bulk write nobody
listed."""

from __future__ import annotations

import ast
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.contracts.models import Contract, ContractParty, Rate
from apps.core import audit
from apps.risk.models import FindingDecision, RiskFinding
from apps.risk.services import document_scan, finding_decide
from apps.telecom.models import PhoneNumber
from tests.contracts.factories import ContractFactory, RateFactory, TariffFactory
from tests.factories import PhoneNumberFactory, ProviderFactory
from tests.risk.factories import OFFER, document_with_text

ROOT = Path(__file__).resolve().parents[2]

# (file, function, model, method) → the test below that fails if its entries go missing, or why exempt.
RATES, SCAN = "test_a_rates_import_through_the_api", "test_a_scan_records_its_findings"
COVERED = {
    ("apps/contracts/services.py", "rates_import", "Rate", "bulk_create"): RATES,
    ("apps/contracts/services.py", "rates_import", "Rate", "bulk_update"): RATES,
    ("apps/contracts/demo.py", "seed", "Rate", "bulk_create"): "test_demo_rates_are_in_the_trail",
    ("apps/risk/services.py", "document_scan", "RiskFinding", "bulk_create"): SCAN,
    ("apps/risk/services.py", "_feed_terms", "Contract", "update"): "test_terms_read_from_a_contract_text",
}
# A pull's own bookkeeping on its source (watermark, last pull time, last error), written by the pull
# in the transaction of its batches: the ImportRun row is the record of each pull (who started it,
# when, which window, what it read). A person's edit of the same fields goes through save().
PULL = "pull bookkeeping (the ImportRun row records the pull)"
EXEMPT = {
    ("apps/calls/services.py", "run_process", "Source", "update"): PULL,
    ("apps/calls/services.py", "_finish", "Source", "update"): PULL,
    ("apps/calls/services.py", "_process_pull", "Source", "update"): PULL,
    ("apps/calls/services.py", "_store", "Source", "update"): PULL,
    ("apps/calls/services.py", "drop_directory_scan", "Source", "update"): PULL,
    ("apps/calls/services.py", "drop_sources_due", "Source", "update"): PULL,
    ("apps/calls/tasks.py", "scan_drop_folder", "Source", "update"): PULL,
    ("apps/calls/sftp.py", "sftp_scan", "Source", "update"): PULL,
    ("apps/calls/management/commands/pull_calls.py", "_scan", "Source", "update"): PULL,
}
BULK = {"update", "bulk_create", "bulk_update"}
MANAGERS = {"objects", "_base_manager", "_default_manager"}


def _events(model, **filters):
    return AuditEvent.objects.filter(model=model._meta.label_lower, **filters).order_by("id")


def _bulk_writes_in_apps(audited_names: set[str]) -> set[tuple[str, str, str, str]]:
    """(file, enclosing function, model, method) of every `<AuditedModel>.<manager>…<bulk method>(…)`."""
    found = set()
    for path in sorted((ROOT / "apps").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        stack: list[str] = []

        def visit(node, stack=stack, path=path):
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function:
                stack.append(node.name)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in BULK:
                receiver = node.func.value
                while isinstance(receiver, ast.Call | ast.Attribute):
                    if (
                        isinstance(receiver, ast.Attribute)
                        and receiver.attr in MANAGERS
                        and isinstance(receiver.value, ast.Name)
                        and receiver.value.id in audited_names
                    ):
                        rel = str(path.relative_to(ROOT))
                        found.add(
                            (rel, stack[-1] if stack else "<module>", receiver.value.id, node.func.attr)
                        )
                        break
                    receiver = receiver.func if isinstance(receiver, ast.Call) else receiver.value
            for child in ast.iter_child_nodes(node):
                visit(child)
            if is_function:
                stack.pop()

        visit(tree)
    return found


def test_every_bulk_write_of_an_audited_model_is_covered_or_exempt():
    names = {model.__name__ for model in audit.registry()}
    assert {"Contract", "Rate", "Source", "RiskFinding", "FindingDecision", "ContractParty"} <= names
    found = _bulk_writes_in_apps(names)
    unlisted = found - set(COVERED) - set(EXEMPT)
    assert not unlisted, (
        "bulk writes of audited models bypass the trail; record them (audit.record_created / "
        "record_updated / record_event) and list them in COVERED, or justify them in EXEMPT: "
        f"{sorted(unlisted)}"
    )
    stale = (set(COVERED) | set(EXEMPT)) - found
    assert not stale, f"listed but no longer in the code: {sorted(stale)}"
    tests = {name for name in globals() if name.startswith("test_")}
    assert all(any(t.startswith(c) for t in tests) for c in COVERED.values())


@pytest.mark.django_db
def test_a_rates_import_through_the_api_records_every_created_changed_and_deleted_rate(api_as, personas):
    tariff = TariffFactory()
    kept = RateFactory(tariff=tariff, prefix="7495", destination="Москва", price_per_minute="1.2000")
    changed = RateFactory(tariff=tariff, prefix="7812", destination="СПб", price_per_minute="1.5000")
    dropped = RateFactory(tariff=tariff, prefix="7843", destination="Казань", price_per_minute="2.0000")
    before = AuditEvent.objects.count()
    data = "prefix;destination;price_per_minute;connection_fee\n" + "7495;Москва;1.20;0\n7812;СПб;1.75;0\n"
    data += "7351;Челябинск;3;0\n"
    response = api_as("admin").post(
        reverse("contracts-api:tariff-import-rates", kwargs={"pk": tariff.pk}),
        {"file": SimpleUploadedFile("list.csv", data.encode()), "replace": "true"},
        format="multipart",
        HTTP_X_REQUEST_ID="rates-1",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["created"], response.json()["updated"], response.json()["deleted"]) == (1, 1, 1)

    new = Rate.objects.get(tariff=tariff, prefix="7351")
    [created] = _events(Rate, object_id=str(new.pk))
    assert created.action == "create"
    assert created.changes["prefix"] == [None, "7351"]
    assert created.changes["price_per_minute"] == [None, "3.0000"]
    [updated] = _events(Rate, object_id=str(changed.pk), action="update")
    assert updated.changes == {"price_per_minute": ["1.5000", "1.7500"]}
    [deleted] = _events(Rate, object_id=str(dropped.pk), action="delete")
    assert deleted.changes["prefix"] == ["7843", None]
    assert not _events(Rate, object_id=str(kept.pk), action="update").exists()  # unchanged: nothing
    for event in (created, updated, deleted):
        assert (event.actor, event.source, event.request_id, event.ip) == (
            personas["admin"],
            "api",
            "rates-1",
            "127.0.0.1",
        )
        assert event.path.startswith("POST /api/v1/")
    assert AuditEvent.objects.count() - before == 3


@pytest.mark.django_db
def test_a_dry_run_or_a_refused_rates_file_records_nothing(api_as):
    tariff = TariffFactory()
    url = reverse("contracts-api:tariff-import-rates", kwargs={"pk": tariff.pk})
    good = b"prefix;destination;price_per_minute;connection_fee\n7495;X;1;0\n"
    bad = b"prefix;destination;price_per_minute;connection_fee\n7495;X;1;0\nbad;Y;1;0\n"
    response = api_as("admin").post(
        url, {"file": SimpleUploadedFile("a.csv", good), "dry_run": "true"}, format="multipart"
    )
    assert response.status_code == 200
    response = api_as("admin").post(url, {"file": SimpleUploadedFile("b.csv", bad)}, format="multipart")
    assert response.status_code == 400
    assert not _events(Rate).exists()


@pytest.mark.django_db
def test_demo_rates_are_in_the_trail():
    from apps.company import demo as company_demo
    from apps.contracts import demo as contracts_demo
    from apps.telecom import demo as telecom_demo

    out = io.StringIO()
    company_demo.seed(stdout=out)
    telecom_demo.seed(stdout=out)
    contracts_demo.seed(stdout=out)
    rates = set(Rate.objects.values_list("pk", flat=True))
    assert rates
    recorded = {int(pk) for pk in _events(Rate, action="create").values_list("object_id", flat=True)}
    assert rates <= recorded


@pytest.mark.django_db
def test_a_queryset_delete_records_one_event_per_row():
    """The admin's "delete selected" and any `filter(...).delete()`: Django sends post_delete per row."""
    numbers = [PhoneNumberFactory() for _ in range(3)]
    with audit.audit_context(source="admin-action-test"):
        PhoneNumber.objects.filter(pk__in=[n.pk for n in numbers]).delete()
    deleted = _events(PhoneNumber, action="delete")
    assert sorted(int(e.object_id) for e in deleted) == sorted(n.pk for n in numbers)
    assert {e.source for e in deleted} == {"admin-action-test"}


@pytest.mark.django_db
def test_many_to_many_changes_of_a_contract_are_recorded_from_either_side(personas):
    contract = ContractFactory()
    first, second = ProviderFactory(), ProviderFactory()
    with audit.audit_context(source="m2m-test", actor=personas["lawyer"]):
        contract.providers.add(first, second, through_defaults={"role": ContractParty.Role.OPERATOR})
        second.contracts.remove(contract)  # the reverse side
        contract.providers.clear()
    events = list(_events(Contract, object_id=str(contract.pk), action="update"))
    assert [e.changes for e in events] == [
        {"providers": [[], sorted([first.pk, second.pk], key=str)]},
        {"providers": [sorted([first.pk, second.pk], key=str), [first.pk]]},
        {"providers": [[first.pk], []]},
    ]
    assert {(e.actor, e.source) for e in events} == {(personas["lawyer"], "m2m-test")}


@pytest.mark.django_db
def test_a_party_added_row_by_row_is_recorded():
    contract, provider = ContractFactory(), ProviderFactory()
    party = ContractParty.objects.create(
        contract=contract, provider=provider, role=ContractParty.Role.OPERATOR
    )
    [event] = _events(ContractParty, object_id=str(party.pk))
    assert event.changes["provider"] == [None, provider.pk]
    assert event.changes["role"] == [None, "operator"]


@pytest.mark.django_db
def test_a_scan_records_its_findings_and_a_decision_records_who_decided(personas):
    document = document_with_text(OFFER)
    with audit.audit_context(source="task:risk.scan_document"):
        document_scan(document=document)
    findings = list(RiskFinding.objects.filter(document=document))
    assert findings
    created = _events(RiskFinding, action="create")
    assert sorted(int(e.object_id) for e in created) == sorted(f.pk for f in findings)
    assert {e.source for e in created} == {"task:risk.scan_document"}
    assert "quote" not in created[0].changes  # the evidence stays out of the trail
    assert created[0].changes["status"] == [None, "open"]

    finding = findings[0]
    with audit.audit_context(source="web", actor=personas["lawyer"], ip="10.1.2.3"):
        decision = finding_decide(
            finding=finding, status="negotiated", comment="Cap agreed", user=personas["lawyer"]
        )
    [made] = _events(FindingDecision, object_id=str(decision.pk))
    assert made.changes["status"] == [None, "negotiated"]
    assert (made.actor, made.ip) == (personas["lawyer"], "10.1.2.3")
    [status] = _events(RiskFinding, object_id=str(finding.pk), action="update")
    assert status.changes == {"status": ["open", "negotiated"]}


@pytest.mark.django_db
def test_terms_read_from_a_contract_text_that_fill_the_register_are_recorded_on_the_contract():
    contract = ContractFactory(
        status="under_review",
        signed_on=None,
        notice_days=None,
        dispute_window_days=None,
        penalty_rate_per_day=None,
    )
    document = document_with_text(OFFER, contract=contract)
    with audit.audit_context(source="task:risk.scan_document"):
        document_scan(document=document)
    [event] = _events(Contract, object_id=str(contract.pk), action="update", source="task:risk.scan_document")
    assert event.changes["notice_days"] == [None, 90]
    assert event.changes["dispute_window_days"] == [None, 10]
    assert event.changes["penalty_rate_per_day"] == [None, str(Decimal("0.500"))]


def test_snapshot_and_record_updated_see_only_real_changes(db):
    rate = RateFactory(price_per_minute="1.0000")
    before = audit.snapshot([rate])
    rate.price_per_minute = Decimal("1.0000")  # the same value
    assert audit.record_updated(Rate, [rate], before) == 0
    rate.price_per_minute = Decimal("1.2500")
    assert audit.record_updated(Rate, [rate], before) == 1
