"""Demo contracts: built on the inventory present, idempotent, harmless without inventory."""

from __future__ import annotations

import io

import pytest

from apps.contracts import demo
from apps.contracts.models import Contract, ContractLine, ContractNumber, ContractParty, Rate, RecurringCharge
from apps.telecom.models import Provider
from tests.factories import LineFactory, PbxAccountFactory, PhoneNumberFactory, ProviderFactory

pytestmark = pytest.mark.django_db

MODELS = (Contract, ContractParty, ContractNumber, ContractLine, Rate, RecurringCharge)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_without_inventory_the_demo_seeds_nothing_and_says_so():
    out = io.StringIO()
    demo.seed(stdout=out)
    assert "nothing to seed" in out.getvalue()
    assert not Contract.objects.exists()


def test_the_demo_builds_contracts_for_the_inventory_and_a_second_run_changes_nothing():
    operator = ProviderFactory(name="ПАО Ростелеком", kind=Provider.Kind.OPERATOR)
    ProviderFactory(name="ООО Казаньтелеком", kind=Provider.Kind.OPERATOR)  # no numbers yet: an offer
    pbx = ProviderFactory(name="ООО Облачная АТС", kind=Provider.Kind.PBX_PROVIDER)
    PbxAccountFactory(provider=pbx, account_id="salon-kzn")
    PhoneNumberFactory(number="+78432000001", carrier=operator)
    PhoneNumberFactory(number="+78432000002", carrier=operator, intermediary=pbx)
    LineFactory(name="kzn-sip-1", provider=operator)

    demo.seed(stdout=io.StringIO())
    first = counts()
    demo.seed(stdout=io.StringIO())
    assert counts() == first

    agreement = Contract.objects.get(code="DS-78432000002")
    assert sorted(agreement.parties.values_list("role", flat=True)) == [
        "customer",
        "operator",
        "pbx_provider",
    ]
    assert agreement.parent.code == "OBLACHNAYA-ATS-PBX"
    master = Contract.objects.get(code="ROSTELEKOM-SVC")
    assert list(master.covered_numbers.values_list("number__number", flat=True)) == ["+78432000001"]
    assert master.tariffs.get().rates.count() >= 200  # the covering contract's tariff: calls rate
    assert Contract.objects.get(code="KAZANTELEKOM-SVC-OFFER").status == Contract.Status.UNDER_REVIEW
    for contract in Contract.objects.all():
        contract.full_clean()  # the demo obeys the same rules as users
    for charge in RecurringCharge.objects.all():
        charge.full_clean()


def test_seed_demo_with_the_real_inventory_makes_three_party_agreements_and_reruns_change_nothing():
    from django.apps import apps
    from django.core.management import call_command

    def snapshot():
        return {
            m._meta.label: sorted(m.objects.order_by("pk").values_list(), key=repr)
            for m in apps.get_app_config("contracts").get_models()
        }

    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == first
    from apps.telecom.models import PhoneNumber

    for number in PhoneNumber.objects.at_risk():
        agreement = Contract.objects.get(code=f"DS-{number.number.lstrip('+')}")
        assert set(agreement.parties.values_list("role", flat=True)) == {
            "operator",
            "pbx_provider",
            "customer",
        }
    assert Contract.objects.in_notice_window().exists()  # the digest and calendar have something to show
