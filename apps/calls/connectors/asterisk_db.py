"""Asterisk's `cdr` table (cdr_pgsql, cdr_mysql / cdr_adaptive_odbc, FreePBX asteriskcdrdb) on
PostgreSQL or MySQL/MariaDB.

The source's URL names the database: `postgresql://user@host:5432/asteriskcdrdb` or
`mysql://user@host:3306/asteriskcdrdb` (`mariadb://` too; driver PyMySQL); the password is the source's
secret; `settings.table` names the table (default `cdr`). Columns are introspected: the table must have
`start` (current schema) or `calldate` (legacy: no answer/end columns; they are derived from duration
and billsec). Times are the PBX's local clock. The session is read-only and rows are streamed (a
server-side cursor on PostgreSQL, an unbuffered one on MySQL), ordered by time. Identity: (uniqueid,
sequence) when both exist, else a hash of the whole row. MySQL's zero date ('0000-00-00 00:00:00',
an unanswered call's `answer`) reads as empty.

A PBX database usually sits on the office network, so these URLs are not held to the public-address
rule of the HTTP connectors (apps.core.netguard); only admins configure sources.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterator

from .asterisk_csv import AsteriskRecords
from .base import Connector, ConnectorError, ConnectorUnavailable, Rejected, RowInvalid, register

PAGE = 5000
SCHEMES = {"postgres": "postgresql", "postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    if text.startswith("0000-00-00"):  # MySQL's zero date (PyMySQL returns it as text)
        return ""
    return text


def database_url_problem(url: str) -> str:
    """Why `url` cannot name a CDR database ("" when it can)."""
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in SCHEMES or not parts.hostname or not parts.path.strip("/"):
        return (
            f"asterisk_db needs a postgresql:// or mysql:// URL with host and database "
            f"(e.g. mysql://asterisk@10.0.0.5:3306/asteriskcdrdb), not {url!r}"
        )
    if parts.password:
        return "the password does not belong in the URL; use the secret field"
    return ""


class _Postgres:
    default_port = 5432

    def connect(self, parts, password):
        import psycopg2

        try:
            return psycopg2.connect(
                host=parts.hostname,
                port=parts.port or self.default_port,
                user=urllib.parse.unquote(parts.username or ""),
                password=password or None,
                dbname=parts.path.strip("/"),
                connect_timeout=10,
                options="-c default_transaction_read_only=on",
            )
        except psycopg2.OperationalError as exc:
            message = str(exc).strip()
            if "password" in message or "authentication" in message or "does not exist" in message:
                raise ConnectorError(f"cannot log in to the CDR database: {message}") from exc
            raise ConnectorUnavailable(f"CDR database unreachable: {message}") from exc

    def columns(self, connection, table):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = %s AND table_schema = ANY (current_schemas(false)) "
                "ORDER BY ordinal_position",
                [table],
            )
            return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def quote(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def cursor(self, connection):
        cursor = connection.cursor(name="calls_cdr_pull")
        cursor.itersize = PAGE
        return cursor

    @staticmethod
    def transient(exc: Exception) -> bool:
        import psycopg2

        return isinstance(exc, psycopg2.OperationalError | psycopg2.InterfaceError)


class _MySQL:
    default_port = 3306

    def connect(self, parts, password):
        import pymysql

        try:
            connection = pymysql.connect(
                host=parts.hostname,
                port=parts.port or self.default_port,
                user=urllib.parse.unquote(parts.username or ""),
                password=password or "",
                database=urllib.parse.unquote(parts.path.strip("/")),
                connect_timeout=10,
                read_timeout=300,
                charset="utf8mb4",
            )
        except pymysql.err.OperationalError as exc:
            code = exc.args[0] if exc.args else 0
            message = str(exc.args[1] if len(exc.args) > 1 else exc)
            if code in (1044, 1045, 1049, 1698):  # access denied, unknown database
                raise ConnectorError(f"cannot log in to the CDR database: {message}") from exc
            raise ConnectorUnavailable(f"CDR database unreachable: {message}") from exc
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
        return connection

    def columns(self, connection, table):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = DATABASE() AND table_name = %s ORDER BY ordinal_position",
                [table],
            )
            return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def quote(name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def cursor(self, connection):
        import pymysql.cursors

        return connection.cursor(pymysql.cursors.SSCursor)  # unbuffered: rows stream, memory stays flat

    @staticmethod
    def transient(exc: Exception) -> bool:
        import pymysql

        return isinstance(exc, pymysql.err.OperationalError | pymysql.err.InterfaceError)


@register
class AsteriskDbConnector(Connector):
    slug = "asterisk_db"
    label = "Asterisk cdr table (PostgreSQL, MySQL/MariaDB)"
    can_pull = True

    def _connect(self):
        url = self.source.url if self.source else ""
        problem = database_url_problem(url)
        if problem:
            raise ConnectorError(problem)
        parts = urllib.parse.urlsplit(url)
        dialect = _Postgres() if SCHEMES[parts.scheme] == "postgresql" else _MySQL()
        return dialect.connect(parts, self.source.secret), dialect

    def pull(self, *, start: dt.datetime, end: dt.datetime):
        table = self.settings.get("table", "cdr")
        connection, dialect = self._connect()
        try:
            columns = dialect.columns(connection, table)
            if not columns:
                raise ConnectorError(f"there is no table {table!r} in the CDR database")
            time_column = "start" if "start" in columns else "calldate" if "calldate" in columns else None
            if time_column is None:
                raise ConnectorError(f"table {table!r} has neither 'start' nor 'calldate'")
            local_start = start.astimezone(self.tz).replace(tzinfo=None)
            local_end = end.astimezone(self.tz).replace(tzinfo=None)
            q, t = dialect.quote, dialect.quote(time_column)
            query = (
                f"SELECT {', '.join(q(c) for c in columns)} FROM {q(table)} "
                f"WHERE {t} >= %s AND {t} < %s ORDER BY {t}"
            )
            yield from self._pages(
                dialect.cursor(connection), query, [local_start, local_end], columns, time_column
            )
        finally:
            connection.close()

    def _pages(self, cursor, query, params, columns, time_column) -> Iterator[list]:
        records = AsteriskRecords(self)
        with cursor:
            cursor.execute(query, params)
            number = 0
            while True:
                rows = cursor.fetchmany(PAGE)
                if not rows:
                    break
                page = []
                for values in rows:
                    number += 1
                    rec = {c: _text(v) for c, v in zip(columns, values, strict=True)}
                    if time_column == "calldate":
                        self._legacy_times(rec, values[columns.index("calldate")])
                    try:
                        page.append(records.row(rec, line=number, key_parts=[rec[c] for c in columns]))
                    except RowInvalid as exc:
                        page.append(Rejected(number, exc.messages[0], repr(rec)[:2000]))
                yield page

    @staticmethod
    def _legacy_times(rec: dict, calldate) -> None:
        rec["start"] = rec["calldate"]
        if not isinstance(calldate, dt.datetime):
            return
        try:
            duration, billsec = int(rec.get("duration") or 0), int(rec.get("billsec") or 0)
        except ValueError:
            return  # the row parser names the bad field
        rec["end"] = _text(calldate + dt.timedelta(seconds=duration))
        rec["answer"] = _text(calldate + dt.timedelta(seconds=duration - billsec)) if billsec else ""
