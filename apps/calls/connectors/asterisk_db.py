"""Asterisk's `cdr` table (cdr_pgsql / cdr_adaptive_odbc / FreePBX asteriskcdrdb) on PostgreSQL.

The source's URL names the database (`postgresql://user@host:5432/asteriskcdrdb`; the password is the
source's secret); `settings.table` names the table (default `cdr`). Columns are introspected: the
table must have `start` (current schema) or `calldate` (legacy: no answer/end columns; they are
derived from duration and billsec). Times are the PBX's local clock. Rows are streamed through a
server-side cursor, ordered by time. Identity: (uniqueid, sequence) when both exist, else a hash of
the whole row. MySQL/MariaDB tables are not supported yet (no driver in the project).
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterator

from .asterisk_csv import AsteriskRecords
from .base import Connector, ConnectorError, ConnectorUnavailable, Rejected, RowInvalid, register

PAGE = 5000


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


@register
class AsteriskDbConnector(Connector):
    slug = "asterisk_db"
    label = "Asterisk cdr table (PostgreSQL)"
    can_pull = True

    def _connect(self):
        import psycopg2
        from psycopg2 import sql

        url = self.source.url if self.source else ""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql") or not parts.path.strip("/"):
            raise ConnectorError(f"asterisk_db needs a postgresql://user@host:port/database URL, not {url!r}")
        try:
            connection = psycopg2.connect(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or 5432,
                user=urllib.parse.unquote(parts.username or ""),
                password=self.source.secret or None,
                dbname=parts.path.strip("/"),
                connect_timeout=10,
                options="-c default_transaction_read_only=on",
            )
        except psycopg2.OperationalError as exc:
            message = str(exc).strip()
            if "password" in message or "authentication" in message or "does not exist" in message:
                raise ConnectorError(f"cannot log in to the CDR database: {message}") from exc
            raise ConnectorUnavailable(f"CDR database unreachable: {message}") from exc
        return connection, sql

    def pull(self, *, start: dt.datetime, end: dt.datetime):
        table = self.settings.get("table", "cdr")
        connection, sql = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = %s ORDER BY ordinal_position",
                    [table],
                )
                columns = [row[0] for row in cursor.fetchall()]
            if not columns:
                raise ConnectorError(f"there is no table {table!r} in the CDR database")
            time_column = "start" if "start" in columns else "calldate" if "calldate" in columns else None
            if time_column is None:
                raise ConnectorError(f"table {table!r} has neither 'start' nor 'calldate'")
            local_start = start.astimezone(self.tz).replace(tzinfo=None)
            local_end = end.astimezone(self.tz).replace(tzinfo=None)
            query = sql.SQL("SELECT {cols} FROM {table} WHERE {t} >= %s AND {t} < %s ORDER BY {t}").format(
                cols=sql.SQL(", ").join(sql.Identifier(c) for c in columns),
                table=sql.Identifier(table),
                t=sql.Identifier(time_column),
            )
            yield from self._pages(connection, query, [local_start, local_end], columns, time_column)
        finally:
            connection.close()

    def _pages(self, connection, query, params, columns, time_column) -> Iterator[list]:
        records = AsteriskRecords(self)
        with connection.cursor(name="calls_cdr_pull") as cursor:
            cursor.itersize = PAGE
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
