"""The calls API and pages as their users see them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.calls.models import CallRecord, ImportRun
from tests.factories import DepartmentFactory, PhoneNumberFactory

from .conftest import FIXTURES, master_line
from .factories import CallRecordFactory, SourceFactory

UTC = dt.UTC


@pytest.mark.django_db
def test_call_list_filters_by_department_number_direction_disposition_and_time(api_as):
    salon = DepartmentFactory(code="KZN-7")
    number = PhoneNumberFactory(number="+78432000007")
    wanted = CallRecordFactory(
        department=salon, our_number=number, direction="in", disposition="no_answer", caller="+79170000001",
        started_at=dt.datetime(2025, 3, 10, 9, 0, tzinfo=UTC),
        ended_at=dt.datetime(2025, 3, 10, 9, 1, tzinfo=UTC),
    )  # fmt: skip
    CallRecordFactory(department=salon, direction="out")
    CallRecordFactory(direction="in", disposition="no_answer")
    api = api_as("marketer")
    query = (
        f"?department={salon.pk}&number=8 (843) 200-00-07&direction=in&disposition=no_answer"
        "&started_after=2025-03-10T00:00:00Z&started_before=2025-03-11T00:00:00Z"
    )
    response = api.get("/api/v1/calls/" + query)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]
    assert response.json()["results"][0]["department_code"] == "KZN-7"
    assert response.json()["results"][0]["our_number"] == "+78432000007"


@pytest.mark.django_db
def test_call_list_costs_the_same_queries_for_5_or_50_rows(api_as):
    api = api_as("accounting")
    api.get("/api/v1/calls/")  # the user's permissions are loaded (and cached) on the first request

    def count(n):
        CallRecord.objects.all().delete()
        for _ in range(n):
            CallRecordFactory(department=DepartmentFactory(), our_number=PhoneNumberFactory())
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/calls/").status_code == 200
        return len(ctx)

    assert count(5) == count(50)


@pytest.mark.django_db
def test_upload_through_the_api_creates_a_run_that_imports_the_file(api_as):
    source = SourceFactory(slug="kzn-pbx")
    api = api_as("accounting")
    upload = SimpleUploadedFile("Master.csv", (FIXTURES / "asterisk" / "smallcdr.csv").read_bytes())
    with pytest.MonkeyPatch.context():
        response = api.post("/api/v1/import-runs/", {"source": "kzn-pbx", "file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    run = ImportRun.objects.get(pk=response.json()["id"])
    assert run.source == source and run.created_by.username == "accounting-user"
    # on_commit does not fire inside the test transaction; the task runs eagerly when it does.
    from apps.calls import tasks

    tasks.run_process.delay(run.pk)
    detail = api.get(f"/api/v1/import-runs/{run.pk}/").json()
    assert (detail["status"], detail["read"], detail["inserted"], detail["progress_percent"]) == (
        "succeeded", 45, 44, 100,
    )  # fmt: skip
    again = api.post(
        "/api/v1/import-runs/",
        {
            "source": "kzn-pbx",
            "file": SimpleUploadedFile("copy.csv", (FIXTURES / "asterisk" / "smallcdr.csv").read_bytes()),
        },
        format="multipart",
    )
    assert again.status_code == 200 and again.json()["id"] == run.pk


@pytest.mark.django_db
def test_quarantined_rows_are_listed_with_line_numbers(api_as, run_import):
    run = run_import(SourceFactory(), (master_line() + "junk\n").encode())
    rows = api_as("admin").get(f"/api/v1/import-runs/{run.pk}/quarantined/").json()["results"]
    assert rows == [{"line": 2, "reason": "expected 16 to 21 columns, found 1", "raw": "junk"}]


@pytest.mark.django_db(transaction=True)
def test_upload_page_redirects_to_the_run_page_which_shows_the_counts(client_as):
    SourceFactory(slug="ufa-pbx")
    client = client_as("marketer")
    upload = SimpleUploadedFile("Master.csv", master_line().encode())
    response = client.post("/calls/upload/", {"source": "ufa-pbx", "file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    run = ImportRun.objects.get()
    assert run.status == "succeeded" and run.inserted == 1  # eager task ran on commit
    assert f'data-progress-url="/calls/runs/{run.pk}/progress/"' in page.content.decode()


@pytest.mark.django_db
def test_source_page_shows_the_last_error(client_as):
    source = SourceFactory(slug="zd", last_error="credential invalid (HTTP 401)")
    page = client_as("accounting").get(f"/calls/sources/{source.slug}/")
    assert "credential invalid (HTTP 401)" in page.content.decode()
