"""Register, contract page, calendar and health checks as users see them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.contracts.models import Contract, ContractDocument, ContractParty
from apps.telecom.models import Provider
from tests.factories import CityFactory, PhoneNumberFactory, ProviderFactory

from .documents import make_docx
from .factories import ContractFactory, ContractNumberFactory, ContractPartyFactory, TariffFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def test_the_register_filters_by_notice_window_and_shows_the_deadline(client_as):
    start = today() - dt.timedelta(days=300)  # a 12-month term ends in about 65 days
    due = ContractFactory(code="DUE-1", start_date=start, initial_term_months=12, notice_days=60)
    ContractFactory(code="LATER-1", start_date=today(), initial_term_months=12, notice_days=30)
    response = client_as("lawyer").get(reverse("contracts:register") + "?in_notice_window=true")
    body = response.content.decode()
    assert "DUE-1" in body and "LATER-1" not in body
    assert due.next_notice_deadline(today()).strftime("%d.%m.%Y") in body


def test_the_register_filters_by_provider_and_city(client_as):
    kazan = CityFactory(name="Казань")
    operator = ProviderFactory(name="ООО Таттелеком-Тест")
    ours = ContractFactory(code="KZN-1")
    ContractPartyFactory(contract=ours, provider=operator)
    ContractNumberFactory(contract=ours, number=PhoneNumberFactory(city=kazan))
    ContractFactory(code="OTHER-1")
    client = client_as("accounting")
    for query in (f"?provider={operator.pk}", f"?city={kazan.pk}"):
        body = client.get(reverse("contracts:register") + query).content.decode()
        assert "KZN-1" in body and "OTHER-1" not in body


def test_the_contract_page_shows_parties_family_numbers_tariffs_and_key_dates(client_as):
    master = ContractFactory(code="MSA-1", start_date=dt.date(2026, 1, 1), notice_days=30)
    agreement = ContractFactory(code="DS-1", parent=master, kind=Contract.Kind.SUPPLEMENTARY)
    appendix = ContractFactory(code="APP-1", parent=agreement, kind=Contract.Kind.TARIFF_APPENDIX)
    ContractPartyFactory(contract=agreement, provider=ProviderFactory(name="ПАО Оператор"))
    ContractPartyFactory(
        contract=agreement, provider=ProviderFactory(name="ООО АТС", kind="pbx_provider"), role="pbx_provider"
    )
    ContractParty.objects.create(contract=agreement, role="customer")
    ContractNumberFactory(contract=agreement, number=PhoneNumberFactory(number="+78432000001"))
    TariffFactory(contract=appendix, code="TAR-1")
    body = client_as("marketer").get(reverse("contracts:detail", args=[agreement.pk])).content.decode()
    for expected in ("ПАО Оператор", "ООО АТС", "Our company", "MSA-1", "APP-1", "+7 843 200-00-01"):
        assert expected in body
    assert body.index("MSA-1") < body.index("<strong>DS-1</strong>") < body.index("APP-1")
    master_page = client_as("marketer").get(reverse("contracts:detail", args=[master.pk])).content.decode()
    assert "01.12." in master_page  # the last day to give notice of some year's term
    assert "Upload a new version" not in master_page  # the marketer reads only


def test_the_lawyer_uploads_a_version_on_the_contract_page(client_as):
    contract = ContractFactory()
    client = client_as("lawyer")
    url = reverse("contracts:document-upload", args=[contract.pk])
    response = client.post(
        url, {"file": SimpleUploadedFile("d.docx", make_docx("Текст")), "note": ""}, follow=True
    )
    assert "Version 1 added" in response.content.decode()
    document = ContractDocument.objects.get()
    download = client.get(reverse("contracts:document-download", args=[document.pk]))
    assert download.status_code == 200


def test_a_forged_file_on_the_contract_page_is_refused_with_its_name(client_as):
    contract = ContractFactory()
    url = reverse("contracts:document-upload", args=[contract.pk])
    response = client_as("admin").post(
        url, {"file": SimpleUploadedFile("x.pdf", make_docx("x"))}, follow=True
    )
    assert "x.pdf is named as PDF but its content is Word (DOCX)" in response.content.decode()
    assert not ContractDocument.objects.exists()


@pytest.mark.parametrize("role", ["accounting", "marketer"])
def test_only_the_lawyer_and_admin_upload_documents(client_as, role):
    contract = ContractFactory()
    url = reverse("contracts:document-upload", args=[contract.pk])
    response = client_as(role).post(url, {"file": SimpleUploadedFile("a.txt", b"text")})
    assert response.status_code == 403
    assert not ContractDocument.objects.exists()


def test_the_calendar_lists_notice_days_and_term_ends_of_the_next_180_days(client_as):
    start = today() - dt.timedelta(days=200)
    ContractFactory(code="CAL-1", start_date=start, initial_term_months=12, notice_days=30, renewal="tacit")
    ContractFactory(code="FAR-1", start_date=today(), initial_term_months=24, notice_days=30)
    body = client_as("lawyer").get(reverse("contracts:calendar")).content.decode()
    assert "CAL-1" in body and "FAR-1" not in body
    assert "last day to give notice" in body and "term ends" in body


def test_health_checks_name_each_kind_of_gap(client_as):
    pbx = ProviderFactory(name="ООО Посредник", kind=Provider.Kind.PBX_PROVIDER)
    loose = PhoneNumberFactory(number="+78432000009", intermediary=pbx)
    covered = PhoneNumberFactory(number="+78432000008")
    ContractNumberFactory(
        contract=ContractFactory(code="COVERS-1"), number=covered, valid_from=dt.date(2020, 1, 1)
    )
    ContractFactory(code="EMPTY-1")
    TariffFactory(code="ORPHAN-T", contract=ContractFactory(status="draft", signed_on=None))
    report = client_as("lawyer").get(reverse("contracts:health")).context["report"]
    assert report.numbers_without_contract == [loose]
    assert [c.code for c in report.contracts_without_numbers] == ["EMPTY-1"]
    assert report.numbers_with_uncontracted_intermediary == [loose]
    assert [t.code for t in report.tariffs_outside_signed_contracts] == ["ORPHAN-T"]

    ContractPartyFactory(contract=ContractFactory(), provider=pbx, role="pbx_provider")
    report = client_as("lawyer").get(reverse("contracts:health")).context["report"]
    assert report.numbers_with_uncontracted_intermediary == []


def test_a_tariff_after_the_end_of_a_non_renewing_contract_is_flagged():
    from apps.contracts.health import tariffs_outside_signed_contracts

    contract = ContractFactory(start_date=dt.date(2026, 1, 1), initial_term_months=6, renewal="none")
    TariffFactory(code="IN", contract=contract, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 7, 1))
    TariffFactory(code="AFTER", contract=contract, valid_from=dt.date(2026, 7, 1))
    assert [t.code for t in tariffs_outside_signed_contracts(today())] == ["AFTER"]


def test_the_navigation_links_to_contracts_for_roles_that_see_them(client_as):
    assert reverse("contracts:register") in client_as("marketer").get("/").content.decode()


@pytest.mark.parametrize("model", ["contract", "tariff", "rate", "recurringcharge", "contractnumber"])
def test_the_admin_lists_and_offers_import_for_each_sheet(client_as, model):
    ContractFactory()
    client = client_as("admin")
    assert client.get(reverse(f"admin:contracts_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:contracts_{model}_import")).status_code == 200


def test_accounting_imports_rates_on_the_contract_page_and_sees_bad_rows(client_as):
    tariff = TariffFactory(code="TAR-9")
    url = reverse("contracts:tariff-import-rates", args=[tariff.pk])
    client = client_as("accounting")
    good = b"prefix,destination,price_per_minute\n7495,Moscow,1.20\n"
    body = client.post(url, {"file": SimpleUploadedFile("r.csv", good)}, follow=True).content.decode()
    assert "TAR-9: 1 rows — 1 new" in body
    bad = b"prefix,destination,price_per_minute\n7812,,1\n"
    body = client.post(url, {"file": SimpleUploadedFile("r.csv", bad)}, follow=True).content.decode()
    assert "row 2, destination: is empty" in body
    assert tariff.rates.count() == 1


def test_the_lawyer_cannot_import_rates_on_the_page(client_as):
    tariff = TariffFactory()
    url = reverse("contracts:tariff-import-rates", args=[tariff.pk])
    data = b"prefix,destination,price_per_minute\n7495,Moscow,1.20\n"
    assert client_as("lawyer").post(url, {"file": SimpleUploadedFile("r.csv", data)}).status_code == 403
    assert not tariff.rates.exists()
