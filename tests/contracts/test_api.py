"""Contracts API: uploads, rate imports, filters, role rules beyond the matrix, no N+1."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.contracts.models import ContractDocument, ContractParty, Rate
from tests.factories import CityFactory, LineFactory, PhoneNumberFactory, ProviderFactory

from .documents import make_docx, make_pdf
from .factories import (
    ContractFactory,
    ContractLineFactory,
    ContractNumberFactory,
    ContractPartyFactory,
    RecurringChargeFactory,
    TariffFactory,
)

pytestmark = pytest.mark.django_db


def upload(client, contract, data, name):
    return client.post(
        reverse("contracts-api:contractdocument-list"),
        {"contract": contract.pk, "file": SimpleUploadedFile(name, data), "note": "редакция юриста"},
        format="multipart",
    )


def test_the_lawyer_uploads_a_contract_version_and_gets_its_text_back(api_as):
    contract = ContractFactory()
    response = upload(api_as("lawyer"), contract, make_docx("Срок действия договора 1 год"), "dogovor.docx")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["kind"], body["original_name"]) == (1, "docx", "dogovor.docx")
    assert "Срок действия договора 1 год" in body["text"]
    assert len(body["sha256"]) == 64


def test_an_upload_with_a_forged_extension_is_refused_with_a_message_naming_the_file(api_as):
    contract = ContractFactory()
    response = upload(api_as("lawyer"), contract, make_docx("x"), "scan.pdf")
    assert response.status_code == 400
    assert "scan.pdf is named as PDF but its content is Word (DOCX)" in str(response.json())
    assert not ContractDocument.objects.exists()


def test_accounting_may_read_documents_but_not_upload_them(api_as):
    contract = ContractFactory()
    assert upload(api_as("accounting"), contract, b"text", "a.txt").status_code == 403
    assert api_as("accounting").get(reverse("contracts-api:contractdocument-list")).status_code == 200


def test_a_document_downloads_as_the_bytes_uploaded(api_as):
    data = make_pdf("Приложение 1")
    doc_id = upload(api_as("lawyer"), ContractFactory(), data, "prilozhenie.pdf").json()["id"]
    response = api_as("marketer").get(
        reverse("contracts-api:contractdocument-download", kwargs={"pk": doc_id})
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert "prilozhenie.pdf" in response["Content-Disposition"]


def test_a_document_version_cannot_be_edited(api_as):
    doc_id = upload(api_as("lawyer"), ContractFactory(), b"v1", "a.txt").json()["id"]
    url = reverse("contracts-api:contractdocument-detail", kwargs={"pk": doc_id})
    assert api_as("lawyer").patch(url, {"note": "x"}).status_code == 405


def test_accounting_imports_a_price_list_into_a_tariff(api_as):
    tariff = TariffFactory()
    url = reverse("contracts-api:tariff-import-rates", kwargs={"pk": tariff.pk})
    data = "prefix,destination,price_per_minute\n7495,Москва,1.20\n7812,Санкт-Петербург,1.50\n".encode()
    response = api_as("accounting").post(url, {"file": SimpleUploadedFile("r.csv", data)}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    assert tariff.rates.count() == 2


def test_a_bad_price_list_answers_400_with_every_bad_row_and_writes_nothing(api_as):
    tariff = TariffFactory()
    url = reverse("contracts-api:tariff-import-rates", kwargs={"pk": tariff.pk})
    data = b"prefix,destination,price_per_minute\n7495,Moscow,1.20\nabc,Bad,1\n7812,,x\n"
    response = api_as("admin").post(url, {"file": SimpleUploadedFile("r.csv", data)}, format="multipart")
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [
        (3, "prefix"),
        (4, "destination"),
        (4, "price_per_minute"),
    ]
    assert not Rate.objects.exists()


@pytest.mark.parametrize("role", ["lawyer", "marketer"])
def test_only_accounting_and_admin_import_rates(api_as, role):
    tariff = TariffFactory()
    url = reverse("contracts-api:tariff-import-rates", kwargs={"pk": tariff.pk})
    data = b"prefix,destination,price_per_minute\n7495,Moscow,1.20\n"
    response = api_as(role).post(url, {"file": SimpleUploadedFile("r.csv", data)}, format="multipart")
    assert response.status_code == 403
    assert not Rate.objects.exists()


def test_an_overlapping_tariff_is_refused_through_the_api(api_as):
    first = TariffFactory(valid_from=dt.date(2026, 1, 1))
    response = api_as("accounting").post(
        reverse("contracts-api:tariff-list"),
        {"code": "T-2", "contract": first.contract.pk, "name": "Новый", "valid_from": "2026-06-01"},
    )
    assert response.status_code == 400
    assert "Overlaps" in str(response.json()["valid_from"])


def test_a_charge_for_two_things_at_once_is_refused_through_the_api(api_as):
    charge = RecurringChargeFactory()
    response = api_as("accounting").patch(
        reverse("contracts-api:recurringcharge-detail", kwargs={"pk": charge.pk}), {"line": LineFactory().pk}
    )
    assert response.status_code == 400
    assert "exactly one" in str(response.json())


def test_a_contract_shows_its_parties_and_computed_key_dates(api_as):
    contract = ContractFactory(start_date=dt.date(2026, 1, 1), initial_term_months=12, notice_days=30)
    ContractPartyFactory(contract=contract, provider=ProviderFactory(name="ООО Телеком"), role="operator")
    ContractParty.objects.create(contract=contract, role="customer")
    body = api_as("marketer").get(reverse("contracts-api:contract-detail", kwargs={"pk": contract.pk})).json()
    assert sorted((p["name"], p["role"]) for p in body["parties"]) == [
        ("Our company", "customer"),
        ("ООО Телеком", "operator"),
    ]
    assert body["key_dates"]["term_start"] is not None
    assert body["key_dates"]["last_notice_day"][-5:] == "12-01"


def test_contracts_filter_by_provider_city_and_notice_window(api_as):
    kazan = CityFactory(name="Казань")
    operator = ProviderFactory()
    in_kazan = ContractFactory()
    ContractNumberFactory(contract=in_kazan, number=PhoneNumberFactory(city=kazan))
    by_line = ContractFactory()
    ContractLineFactory(contract=by_line, line=LineFactory(city=kazan))
    ContractPartyFactory(contract=in_kazan, provider=operator)
    ContractFactory()
    url = reverse("contracts-api:contract-list")
    client = api_as("lawyer")
    codes = lambda query: sorted(c["code"] for c in client.get(url + query).json()["results"])  # noqa: E731
    assert codes(f"?city={kazan.pk}") == sorted([in_kazan.code, by_line.code])
    assert codes(f"?provider={operator.pk}") == [in_kazan.code]
    assert codes("?in_notice_window=true&status=draft") == []


def test_the_document_list_costs_the_same_queries_for_more_documents(api_as, django_assert_num_queries):
    lawyer = api_as("lawyer")
    contract = ContractFactory()
    for n in range(2):
        upload(lawyer, contract, f"v{n}".encode(), f"v{n}.txt")
    url = reverse("contracts-api:contractdocument-list")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lawyer.get(url)
    with CaptureQueriesContext(connection) as few:
        lawyer.get(url)
    baseline = len(few)  # read now: every request clears the connection's query log
    for n in range(2, 12):
        upload(lawyer, contract, f"v{n}".encode(), f"v{n}.txt")
    with django_assert_num_queries(baseline):
        assert lawyer.get(url).json()["count"] == 12
