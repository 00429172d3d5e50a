"""asterisk_db against a real MySQL/MariaDB `cdr` table (PyMySQL): the `start` and legacy `calldate`
schemas, incremental pulls with overlap, MySQL's zero dates, clear errors for a bad login or a server
that is down. Needs the MariaDB of this machine (CALLS_TEST_MYSQL_URL, default
mysql://root@127.0.0.1:3306/tp_ingest); skipped with the reason when it cannot be reached."""

from __future__ import annotations

import datetime as dt
import os
import socket
import urllib.parse
import uuid

import pytest

from apps.calls import services
from apps.calls.connectors import ConnectorUnavailable
from apps.calls.models import CallRecord, ImportRun, Source

pymysql = pytest.importorskip("pymysql")
UTC = dt.UTC
URL = os.environ.get("CALLS_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/tp_ingest")

MODERN = """CREATE TABLE {name} (accountcode varchar(80) {d}, src varchar(80) {d},
 dst varchar(80) {d}, dcontext varchar(80) {d}, clid varchar(80) {d},
 channel varchar(80) {d}, dstchannel varchar(80) {d},
 lastapp varchar(80) {d}, lastdata varchar(80) {d},
 start datetime NOT NULL, answer datetime NOT NULL DEFAULT '0000-00-00 00:00:00', `end` datetime NOT NULL,
 duration int NOT NULL DEFAULT 0, billsec int NOT NULL DEFAULT 0, disposition varchar(45) {d},
 amaflags int NOT NULL DEFAULT 0, userfield varchar(256) {d}, uniqueid varchar(150) NOT NULL,
 linkedid varchar(150) {d}, peeraccount varchar(80) {d}, sequence int NOT NULL,
 KEY start (start)) DEFAULT CHARSET=utf8mb4"""
LEGACY = """CREATE TABLE {name} (calldate datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
 clid varchar(80) {d}, src varchar(80) {d}, dst varchar(80) {d},
 dcontext varchar(80) {d}, channel varchar(80) {d},
 dstchannel varchar(80) {d}, lastapp varchar(80) {d},
 lastdata varchar(80) {d}, duration int NOT NULL DEFAULT 0, billsec int NOT NULL DEFAULT 0,
 disposition varchar(45) {d}, amaflags int NOT NULL DEFAULT 0,
 accountcode varchar(20) {d}, uniqueid varchar(32) {d},
 userfield varchar(255) {d}, KEY calldate (calldate))"""


def _server():
    parts = urllib.parse.urlsplit(URL)
    try:
        admin = pymysql.connect(
            host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
            password=parts.password or "", connect_timeout=3, autocommit=True,
        )  # fmt: skip
    except pymysql.err.OperationalError as exc:
        pytest.skip(f"MariaDB/MySQL not reachable at {parts.hostname}:{parts.port or 3306} ({exc.args[-1]})")
    database = parts.path.strip("/")
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4")
        cursor.execute(f"USE `{database}`")
        cursor.execute("SET SESSION sql_mode = ''")  # allow the zero dates Asterisk's schema uses
    return admin


@pytest.fixture
def mysql_table():
    admin = _server()
    created = []

    def make(schema):
        name = f"cdr_{uuid.uuid4().hex[:10]}"
        with admin.cursor() as cursor:
            cursor.execute(schema.format(name=name, d="NOT NULL DEFAULT ''"))
        created.append(name)
        return name, admin

    yield make
    with admin.cursor() as cursor:
        for name in created:
            cursor.execute(f"DROP TABLE IF EXISTS `{name}`")
    admin.close()


def _source(table, url=URL):
    return Source.objects.create(
        slug=f"my-{table}", connector="asterisk_db", url=url, timezone="Europe/Moscow",
        settings={"table": table, "first_pull_days": 30},
    )  # fmt: skip


def _pull(source, now):
    run = services.run_create_for_pull(source=Source.objects.get(pk=source.pk), now=now)
    return services.run_process(run_id=run.pk)


@pytest.mark.django_db
def test_start_schema_is_pulled_incrementally_with_overlap_and_zero_dates(mysql_table):
    table, admin = mysql_table(MODERN)
    with admin.cursor() as cursor:
        for i in range(30):
            start = dt.datetime(2025, 3, 3, 10, 0) + dt.timedelta(hours=i)
            answered = i % 3 != 0
            cursor.execute(
                f"INSERT INTO {table} (src, dst, dcontext, channel, dstchannel, start, answer, `end`,"
                " duration, billsec, disposition, uniqueid, linkedid, sequence)"
                " VALUES ('101', '89171234567', 'from-internal', 'PJSIP/101-00000001',"
                " 'PJSIP/trunk-00000002', %s, %s, %s, 60, %s, %s, %s, %s, %s)",
                [start, start + dt.timedelta(seconds=10) if answered else "0000-00-00 00:00:00",
                 start + dt.timedelta(minutes=1), 50 if answered else 0,
                 "ANSWERED" if answered else "NO ANSWER", f"17410.{i}", f"17410.{i}", i],
            )  # fmt: skip
    source = _source(table)
    first = _pull(source, dt.datetime(2025, 3, 4, 7, 0, tzinfo=UTC))
    assert (first.status, first.inserted, first.rejected) == ("succeeded", 24, 0), first.error
    second = _pull(source, dt.datetime(2025, 3, 5, 7, 0, tzinfo=UTC))
    assert (second.status, second.inserted, second.duplicates) == ("succeeded", 6, 1)  # the hour of overlap
    assert CallRecord.objects.filter(source=source).count() == 30
    record = CallRecord.objects.get(external_id="17410.3:3")
    assert record.started_at == dt.datetime(2025, 3, 3, 10, 0, tzinfo=UTC)  # 13:00 Moscow
    assert record.answered_at is None and record.disposition == "no_answer"  # the zero date read as empty
    assert CallRecord.objects.get(external_id="17410.4:4").answered_at == dt.datetime(
        2025, 3, 3, 11, 0, 10, tzinfo=UTC
    )


@pytest.mark.django_db
def test_legacy_calldate_schema_derives_answer_and_end(mysql_table):
    table, admin = mysql_table(LEGACY)
    with admin.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (calldate, src, dst, dcontext, channel, dstchannel, duration, billsec,"
            " disposition, uniqueid) VALUES"
            " ('2025-03-03 10:00:00', '89171234567', '78432000001', 'from-trunk', 'SIP/op-1', 'SIP/101-2',"
            " 40, 30, 'ANSWERED', '17410.1'),"
            " ('2025-03-03 11:00:00', '101', '102', 'from-internal', 'SIP/101-3', 'SIP/102-4', 20, 0,"
            " 'NO ANSWER', '17410.2')"
        )
    run = _pull(_source(table), dt.datetime(2025, 3, 4, tzinfo=UTC))
    assert (run.status, run.inserted, run.rejected) == ("succeeded", 2, 0), run.error
    answered = CallRecord.objects.get(disposition="answered")
    assert answered.answered_at == dt.datetime(2025, 3, 3, 7, 0, 10, tzinfo=UTC)
    assert answered.ended_at == dt.datetime(2025, 3, 3, 7, 0, 40, tzinfo=UTC)
    assert answered.direction == "in" and answered.billsec == 30
    assert CallRecord.objects.get(disposition="no_answer").direction == "internal"


@pytest.mark.django_db
def test_a_wrong_password_fails_the_pull_clearly_and_keeps_the_watermark(mysql_table):
    table, _admin = mysql_table(MODERN)
    source = _source(table)
    source.secret = "certainly-not-the-password"
    source.save()
    run = _pull(source, dt.datetime(2025, 3, 4, tzinfo=UTC))
    assert run.status == "failed" and "cannot log in to the CDR database" in run.error
    source.refresh_from_db()
    assert source.watermark is None


@pytest.mark.django_db
def test_a_server_that_is_down_is_a_transient_error():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = _source("cdr", url=f"mysql://root@127.0.0.1:{port}/tp_ingest")
    run = services.run_create_for_pull(source=source, now=dt.datetime(2025, 3, 4, tzinfo=UTC))
    with pytest.raises(ConnectorUnavailable, match="CDR database unreachable"):
        services.run_process(run_id=run.pk)
    assert ImportRun.objects.get(pk=run.pk).status == "pending"  # the task will retry it


@pytest.mark.django_db
def test_a_database_source_needs_a_database_url():
    from django.core.exceptions import ValidationError

    Source(
        slug="ok", connector="asterisk_db", url="mysql://asterisk@10.0.0.5:3306/asteriskcdrdb"
    ).full_clean()
    with pytest.raises(ValidationError, match="postgresql:// or mysql://"):
        Source(slug="bad", connector="asterisk_db", url="https://pbx.example.com/cdr").full_clean()
    with pytest.raises(ValidationError, match="secret field"):
        Source(slug="pw", connector="asterisk_db", url="mysql://root:pw@10.0.0.5/cdr").full_clean()
