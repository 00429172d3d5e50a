"""FreeSWITCH pushes (mod_json_cdr) and the Asterisk `cdr` table on the real PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.parse

import pytest
from django.db import connection

from apps.calls import services
from apps.calls.models import CallRecord, QuarantinedRow, Source

UTC = dt.UTC
START = int(dt.datetime(2025, 3, 3, 7, 15, 2, tzinfo=UTC).timestamp())


def _cdr(uuid="7f0c2d1e-3b7a-4c55-9d0e-1a2b3c4d5e6f", *, encode_values=True, answered=True):
    variables = {
        "uuid": uuid, "direction": "inbound", "caller_id_number": "+7 917 123-45-67",
        "destination_number": "78432000001", "start_epoch": str(START),
        "answer_epoch": str(START + 7) if answered else "0", "end_epoch": str(START + 162), "duration": "162",
        "billsec": "155" if answered else "0", "hangup_cause": "NORMAL_CLEARING", "accountcode": "sales",
    }  # fmt: skip
    if encode_values:
        variables = {k: urllib.parse.quote(v) for k, v in variables.items()}
    return {
        "core-uuid": "c0",
        "switchname": "fs1",
        "channel_data": {"direction": "inbound"},
        "variables": variables,
    }


@pytest.fixture
def fs_source(db):
    source = Source(slug="fs-kzn", connector="freeswitch_json", login="fs", timezone="Europe/Moscow")
    source.secret = "push-secret"
    source.save()
    return source


def _auth(user="fs", password="push-secret"):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_push_with_url_encoded_values_is_stored_once_even_if_retried(client, fs_source):
    body = json.dumps(_cdr())
    first = client.post("/ingest/freeswitch/fs-kzn/", body, content_type="application/json", **_auth())
    again = client.post("/ingest/freeswitch/fs-kzn/", body, content_type="application/json", **_auth())
    assert (first.status_code, first.json()["inserted"]) == (200, 1)
    assert (again.status_code, again.json()["inserted"]) == (200, 0)
    call = CallRecord.objects.get()
    assert (call.caller, call.callee, call.direction, call.billsec) == (
        "+7 917 123-45-67",
        "+78432000001",
        "in",
        155,
    )
    assert call.started_at == dt.datetime(2025, 3, 3, 7, 15, 2, tzinfo=UTC)
    assert call.run.duplicates == 1


def test_push_as_form_field_or_base64_with_plain_values(client, fs_source):
    fs_source.settings = {"encode_values": False}
    fs_source.save()
    form = urllib.parse.urlencode({"cdr": json.dumps(_cdr("a1", encode_values=False))})
    b64 = base64.b64encode(json.dumps(_cdr("a2", encode_values=False, answered=False)).encode()).decode()
    r1 = client.post(
        "/ingest/freeswitch/fs-kzn/", form, content_type="application/x-www-form-urlencoded", **_auth()
    )
    r2 = client.post("/ingest/freeswitch/fs-kzn/", b64, content_type="text/plain", **_auth())
    assert (r1.status_code, r2.status_code) == (200, 200)
    assert dict(CallRecord.objects.values_list("external_id", "disposition")) == {
        "a1": "answered",
        "a2": "no_answer",
    }


def test_push_with_wrong_password_is_refused_and_stores_nothing(client, fs_source):
    response = client.post(
        "/ingest/freeswitch/fs-kzn/",
        json.dumps(_cdr()),
        content_type="application/json",
        **_auth(password="x"),
    )
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Basic")
    assert not CallRecord.objects.exists()


def test_malformed_push_is_quarantined_with_its_reason(client, fs_source):
    response = client.post(
        "/ingest/freeswitch/fs-kzn/", "{not json", content_type="application/json", **_auth()
    )
    assert response.status_code == 400 and "not valid JSON" in response.json()["error"]
    assert QuarantinedRow.objects.get().raw == "{not json"


MODERN = """CREATE TABLE {name} (accountcode varchar(80), src varchar(80), dst varchar(80),
 dcontext varchar(80), clid varchar(80), channel varchar(80), dstchannel varchar(80),
 lastapp varchar(80), lastdata varchar(80),
 start timestamp, answer timestamp, "end" timestamp, duration integer, billsec integer,
 disposition varchar(45), amaflags varchar(45), userfield varchar(256), uniqueid varchar(150),
 linkedid varchar(150), peeraccount varchar(80), sequence integer, did varchar(50))"""
LEGACY = """CREATE TABLE {name} (calldate timestamp, clid varchar(80), src varchar(80), dst varchar(80),
 dcontext varchar(80), channel varchar(80), dstchannel varchar(80), lastapp varchar(80), lastdata varchar(80),
 duration integer, billsec integer, disposition integer, amaflags integer, accountcode varchar(20),
 uniqueid varchar(32), userfield varchar(255))"""


@pytest.fixture
def cdr_table(request):
    if connection.vendor != "postgresql":
        pytest.skip("the cdr table connector reads PostgreSQL")
    created = []

    def make(schema, name):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(schema.format(name=name))
        created.append(name)
        return name

    yield make
    with connection.cursor() as cursor:
        for name in created:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _db_source(table):
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return Source.objects.create(
        slug=f"db-{table}", connector="asterisk_db", url=url, timezone="Europe/Moscow",
        settings={"table": table, "first_pull_days": 30},
    )  # fmt: skip


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cdr_table_with_start_schema_is_pulled_incrementally_with_overlap(cdr_table):
    table = cdr_table(MODERN, "cdr_modern_test")
    with connection.cursor() as cursor:
        for i in range(30):
            cursor.execute(
                f"INSERT INTO {table} (src, dst, dcontext, channel, dstchannel, start, answer, \"end\","
                " duration, billsec, disposition, uniqueid, linkedid, sequence) VALUES ('101', '89171234567',"
                " 'from-internal', 'PJSIP/101-1', 'PJSIP/trunk-1', %s, %s, %s, 60, 50, 'ANSWERED',"
                " %s, %s, %s)",
                [dt.datetime(2025, 3, 3, 10, 0) + dt.timedelta(hours=i),
                 dt.datetime(2025, 3, 3, 10, 0, 10) + dt.timedelta(hours=i),
                 dt.datetime(2025, 3, 3, 10, 1) + dt.timedelta(hours=i), f"17410.{i}", f"17410.{i}", i],
            )  # fmt: skip
    source = _db_source(table)
    first = services.run_process(
        run_id=services.run_create_for_pull(source=source, now=dt.datetime(2025, 3, 4, 7, 0, tzinfo=UTC)).pk
    )
    assert (first.status, first.inserted) == ("succeeded", 24), first.error  # until 10:00 Moscow, 4 March
    source.refresh_from_db()
    second = services.run_process(
        run_id=services.run_create_for_pull(source=source, now=dt.datetime(2025, 3, 5, 7, 0, tzinfo=UTC)).pk
    )
    assert (second.inserted, second.duplicates) == (6, 1)  # the hour of overlap re-read, not re-added
    assert CallRecord.objects.filter(source=source).count() == 30
    assert CallRecord.objects.get(external_id="17410.3:3").started_at == dt.datetime(
        2025, 3, 3, 10, 0, tzinfo=UTC
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_legacy_calldate_schema_with_integer_dispositions(cdr_table):
    table = cdr_table(LEGACY, "cdr_legacy_test")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (calldate, src, dst, dcontext, channel, dstchannel, duration, billsec,"
            " disposition, uniqueid) VALUES ('2025-03-03 10:00:00', '89171234567', '78432000001',"
            " 'from-trunk',"
            " 'SIP/op-1',"
            " 'SIP/101-2', 40, 30, 8, '17410.1'), ('2025-03-03 11:00:00', '101', '102', 'from-internal',"
            " 'SIP/101-3', 'SIP/102-4', 20, 0, 0, '17410.2')"
        )
    source = _db_source(table)
    run = services.run_process(
        run_id=services.run_create_for_pull(source=source, now=dt.datetime(2025, 3, 4, tzinfo=UTC)).pk
    )
    assert (run.status, run.inserted, run.rejected) == ("succeeded", 2, 0), run.error
    answered = CallRecord.objects.get(disposition="answered")
    assert answered.answered_at == dt.datetime(2025, 3, 3, 7, 0, 10, tzinfo=UTC)
    assert answered.direction == "in" and answered.billsec == 30
    assert CallRecord.objects.get(disposition="no_answer").direction == "internal"
