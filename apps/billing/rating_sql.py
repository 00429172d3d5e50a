"""Set-based rating on PostgreSQL: the rules of `rating.py`, as one INSERT … SELECT … ON CONFLICT.

`rating.py` stays the definition of the rules (and the portable path on SQLite); this module states the
same rules in SQL so a month of calls is rated where the calls are, without shipping each call through
Python. Tests check both give identical rows call by call (tests/billing/test_rating_sql.py).

How one run goes (a fixed number of statements, whatever the number of calls):
1. small facts into temporary tables: the tariffs in force this month (increment parsed by Python),
   the trunk names of calls that name a trunk but no line (`services.trunk_name` in Python), and the
   destination digits of the few calls whose number is not plain digits (`rating.destination_digits`
   in Python: typing, letters, odd Unicode — so messages quote the number exactly as Python does);
2. one statement: the month's calls with their line, area code and day in the reporting zone; the
   contract covering the line or number that day and its tariff (day tables of at most 31 rows per
   thing); the destination digits of plain numbers by the dialling rules; the longest prefix by
   probing every prefix of the digits in a hash join with the tariffs' rates (the reference
   statement); billed seconds; included minutes as a running sum per contract in chronological order;
   the cost rounded half-up per call — upserted into `billing_ratedcall`, rewriting only rows whose
   outcome changed, and counting what it created and changed;
3. rows of calls no longer in the month are deleted (only looked for when the counts say there are any).
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from apps.calls.models import CallRecord
from apps.contracts.models import Contract, Tariff
from apps.telecom.models import Line, PhoneNumber

from . import rating
from .models import RatedCall, RatedCallSummary

# A destination Python and SQL agree on without Python: optional `+`, then ASCII digits only.
PLAIN_NUMBER = r"^\+?[0-9]+$"
# Memory for the rating statement's sorts and hashes (a month of prefix probes), this transaction only.
WORK_MEM = "256MB"
# Rows written by one run beyond which the table's statistics are refreshed (ANALYZE samples, ~30 k rows).
ANALYZE_AFTER = 50_000

COLUMNS = (
    "period",
    "started_at",
    "department_id",
    "status",
    "call_type",
    "contract_id",
    "tariff_id",
    "rate_id",
    "destination",
    "prefix",
    "billed_seconds",
    "included_seconds",
    "cost",
    "currency",
    "vat_rate",
    "reason",
)

_CALLS = """
calls AS (
    -- OFFSET 0 keeps this a subquery: each expression is computed once per call, not once per join.
    SELECT c.id, c.started_at, c.billsec, c.department_id, c.disposition = %(answered)s AS answered,
           c.direction = %(out)s AS outbound, x.itf, x.area, x.cover_kind, x.cover_id,
           %(first_day)s::date + width_bucket(c.started_at, %(day_starts)s::timestamptz[]) - 1 AS day,
           coalesce(CASE WHEN x.itf THEN c.caller ELSE c.callee END, '') AS raw
    FROM calls_callrecord c
    LEFT JOIN rating_trunk t ON c.line_id IS NULL AND t.trunk = c.trunk
    LEFT JOIN rating_line l ON l.line_id = coalesce(c.line_id, t.line_id)
    LEFT JOIN rating_number n ON n.number_id = c.our_number_id
    CROSS JOIN LATERAL (
        SELECT coalesce(c.direction = %(in)s AND n.toll_free, false) AS itf,
               CASE WHEN l.line_id IS NOT NULL THEN l.area ELSE n.area END AS area,
               coalesce(c.line_id, t.line_id) AS line_id
    ) y
    CROSS JOIN LATERAL (
        -- Whose contract prices the call: an inbound 8-800 call, that number's; else the line's
        -- (named or found by its trunk); with no trunk named at all, our calling number's.
        SELECT y.itf, y.area,
               CASE WHEN y.itf THEN 'n' WHEN y.line_id IS NOT NULL THEN 'l' WHEN c.trunk = '' THEN 'n' END
                   AS cover_kind,
               CASE WHEN y.itf THEN c.our_number_id WHEN y.line_id IS NOT NULL THEN y.line_id
                    WHEN c.trunk = '' THEN c.our_number_id END AS cover_id
    ) x
    WHERE c.started_at >= %(start)s AND c.started_at < %(end)s
    OFFSET 0
)"""

_MONTH_OF_CALLS = "WHERE c.started_at >= %(start)s AND c.started_at < %(end)s"
assert _CALLS.count(_MONTH_OF_CALLS) == 1
_ODD_CALLS = _CALLS.replace(
    _MONTH_OF_CALLS,
    _MONTH_OF_CALLS
    + " AND c.disposition = %(answered)s"
    + " AND (coalesce(c.caller, '') !~ %(plain)s OR coalesce(c.callee, '') !~ %(plain)s)",
).strip()
_ODD_CONDITION = "WHERE answered AND (outbound OR itf) AND raw !~ %(plain)s"

# The contract and tariff in force per line or number and day of the month (a few rows per thing).
_COVER = """
INSERT INTO rating_cover
WITH days AS (
    SELECT %(first_day)s::date + i AS day FROM generate_series(0, %(days)s - 1) AS i
), line_cover AS (
    -- Two contracts covering one line on one day is a data error: the one that started last wins.
    SELECT DISTINCT ON (cl.line_id, days.day) cl.line_id, days.day, cl.contract_id
    FROM contracts_contractline cl
    JOIN contracts_contract k ON k.id = cl.contract_id AND k.status = ANY(%(statuses)s)
    JOIN days ON cl.valid_from <= days.day AND (cl.valid_to IS NULL OR days.day < cl.valid_to)
    ORDER BY cl.line_id, days.day, cl.valid_from DESC, cl.contract_id DESC
), number_cover AS (
    SELECT DISTINCT ON (cn.number_id, days.day) cn.number_id, days.day, cn.contract_id
    FROM contracts_contractnumber cn
    JOIN contracts_contract k ON k.id = cn.contract_id AND k.status = ANY(%(statuses)s)
    JOIN days ON cn.valid_from <= days.day AND (cn.valid_to IS NULL OR days.day < cn.valid_to)
    ORDER BY cn.number_id, days.day, cn.valid_from DESC, cn.contract_id DESC
), book AS (
    SELECT DISTINCT ON (t.contract_id, days.day) t.contract_id, days.day, t.tariff_id, t.first_s, t.step_s,
           t.free_s, t.included_s, t.currency, t.vat
    FROM rating_tariff t
    JOIN days ON t.valid_from <= days.day AND (t.valid_to IS NULL OR days.day < t.valid_to)
    ORDER BY t.contract_id, days.day, t.valid_from, t.tariff_id
), cover AS (
    SELECT 'l' AS kind, line_id AS thing_id, day, contract_id FROM line_cover
    UNION ALL
    SELECT 'n', number_id, day, contract_id FROM number_cover
)
SELECT cover.kind, cover.thing_id, cover.day, cover.contract_id, b.tariff_id, b.first_s, b.step_s, b.free_s,
       b.included_s, b.currency, b.vat
FROM cover LEFT JOIN book b ON b.contract_id = cover.contract_id AND b.day = cover.day
"""

_RATE = """
WITH {calls}, facts AS (
    SELECT calls.*, cv.contract_id, cv.tariff_id, cv.first_s, cv.step_s, cv.free_s, cv.included_s,
           cv.currency AS book_currency, cv.vat AS book_vat,
           calls.answered AND (calls.outbound OR calls.itf) AS billable
    FROM calls
    LEFT JOIN rating_cover cv
           ON cv.kind = calls.cover_kind AND cv.thing_id = calls.cover_id AND cv.day = calls.day
), dest AS (
    SELECT f.id, f.started_at, f.billsec, f.department_id, f.itf, f.area, f.billable, f.contract_id,
           f.tariff_id, f.first_s, f.step_s, f.free_s, f.included_s, f.book_currency, f.book_vat,
           v.kind, v.digits, v.reason
    FROM facts f
    LEFT JOIN rating_dest rd ON rd.call_id = f.id
    CROSS JOIN LATERAL (SELECT ltrim(f.raw, '+') AS d) y
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN NOT f.billable THEN 0
            WHEN f.raw !~ %(plain)s THEN -1
            WHEN left(f.raw, 1) = '+' THEN 1
            WHEN length(y.d) = 11 AND left(y.d, 1) = '7' THEN 1
            WHEN length(y.d) = 11 AND left(y.d, 1) = '8' THEN 2
            WHEN left(y.d, 3) = '810' AND length(y.d) BETWEEN 3 + %(intl_min)s AND 3 + %(intl_max)s THEN 3
            WHEN left(y.d, 2) = '00' AND length(y.d) BETWEEN 2 + %(intl_min)s AND 2 + %(intl_max)s THEN 4
            WHEN length(y.d) BETWEEN 5 AND 7 AND coalesce(f.area, '') = '' THEN 5
            WHEN length(y.d) BETWEEN 5 AND 7 AND length(f.area) + length(y.d) <> %(national)s THEN 6
            WHEN length(y.d) BETWEEN 5 AND 7 THEN 7
            WHEN length(y.d) BETWEEN 2 AND 4 THEN 8
            ELSE 9 END AS rule
    ) z
    CROSS JOIN LATERAL (
        SELECT CASE z.rule WHEN 0 THEN '' WHEN -1 THEN rd.kind WHEN 5 THEN 'x' WHEN 6 THEN 'x'
                           WHEN 9 THEN 'x' WHEN 8 THEN 'i' ELSE 'e' END AS kind,
               CASE z.rule WHEN -1 THEN rd.digits WHEN 1 THEN y.d WHEN 2 THEN '7' || substr(y.d, 2)
                           WHEN 3 THEN substr(y.d, 4) WHEN 4 THEN substr(y.d, 3)
                           WHEN 7 THEN '7' || f.area || y.d WHEN 8 THEN y.d ELSE '' END AS digits,
               CASE z.rule WHEN -1 THEN rd.reason
                           WHEN 5 THEN 'local number ' || y.d || ' but the line''s city is unknown'
                           WHEN 6 THEN 'local number ' || y.d || ' does not complete area code '
                                       || f.area || ' to 10 digits'
                           WHEN 9 THEN y.d || ' matches no dialling rule' ELSE '' END AS reason
    ) v
), hits AS (
    -- The reference probe: every prefix of the digits, hash-joined to the rates; the longest wins.
    SELECT DISTINCT ON (dest.id) dest.id, r.id AS rate_id, r.prefix, r.price_per_minute, r.connection_fee
    FROM dest
    CROSS JOIN generate_series(1, %(max_prefix)s) AS n
    JOIN contracts_rate r ON r.tariff_id = dest.tariff_id AND r.prefix = left(dest.digits, n)
    WHERE dest.kind = 'e' AND dest.tariff_id IS NOT NULL AND n <= length(dest.digits)
    ORDER BY dest.id, n DESC
), outcome AS (
    SELECT dest.*, h.rate_id, h.prefix, h.price_per_minute, h.connection_fee,
           CASE WHEN NOT dest.billable THEN %(not_billable)s
                WHEN dest.kind = 'x' THEN %(unrated)s
                WHEN dest.kind = 'i' AND dest.itf THEN %(unrated)s
                WHEN dest.kind = 'i' THEN %(internal)s
                WHEN dest.tariff_id IS NULL OR h.rate_id IS NULL THEN %(unrated)s
                WHEN dest.billsec <= dest.free_s THEN %(free)s
                ELSE %(rated)s END AS status,
           CASE WHEN dest.billsec <= dest.free_s THEN 0
                WHEN dest.billsec <= dest.first_s THEN dest.first_s
                ELSE dest.first_s
                     + (dest.billsec - dest.first_s + dest.step_s - 1) / dest.step_s * dest.step_s
           END AS billed
    FROM dest LEFT JOIN hits h ON h.id = dest.id
){included}, final AS (
    SELECT o.id AS call_id, %(period)s::date AS period, o.started_at, o.department_id, o.status,
           CASE WHEN o.status = %(not_billable)s OR (o.status = %(unrated)s AND o.kind <> 'e') THEN ''
                WHEN o.kind = 'i' THEN %(t_internal)s
                WHEN o.itf OR left(o.digits, 4) = %(toll_free_prefix)s THEN %(t_toll_free)s
                WHEN left(o.digits, 1) <> '7' OR left(o.digits, 2) = ANY(%(kazakhstan)s)
                     THEN %(t_international)s
                WHEN left(o.digits, 2) = %(mobile_prefix)s THEN %(t_mobile)s
                WHEN coalesce(o.area, '') <> '' AND left(o.digits, 1 + length(o.area)) = '7' || o.area
                     THEN %(t_local)s
                ELSE %(t_long_distance)s END AS call_type,
           CASE WHEN o.status = %(not_billable)s THEN NULL ELSE o.contract_id END AS contract_id,
           CASE WHEN o.status IN (%(rated)s, %(free)s) THEN o.tariff_id END AS tariff_id,
           CASE WHEN o.status IN (%(rated)s, %(free)s) THEN o.rate_id END AS rate_id,
           CASE WHEN o.kind = 'e' OR (o.kind = 'i' AND o.status = %(internal)s) THEN left(o.digits, 20)
                ELSE '' END AS destination,
           CASE WHEN o.status IN (%(rated)s, %(free)s) THEN o.prefix ELSE '' END AS prefix,
           CASE WHEN o.status = %(rated)s THEN o.billed ELSE 0 END AS billed_seconds,
           {included_seconds} AS included_seconds,
           CASE WHEN o.status = %(unrated)s THEN NULL
                WHEN o.status = %(rated)s
                     THEN round(o.connection_fee
                                + o.price_per_minute * (o.billed - {included_seconds}) / 60, 2)
                ELSE 0.00 END AS cost,
           coalesce(o.book_currency, %(default_currency)s) AS currency,
           coalesce(o.book_vat, 0.00) AS vat_rate,
           left(CASE WHEN o.status <> %(unrated)s THEN ''
                     WHEN o.kind = 'x' THEN o.reason
                     WHEN o.kind = 'i' THEN 'toll-free caller ' || o.digits || ' is internal'
                     WHEN o.tariff_id IS NULL THEN 'no contract covers the call'
                     ELSE 'no rate for ' || o.digits || ' in the tariff' END, 200) AS reason
    FROM outcome o{included_join}
), {tail}
"""

# The whole month: every outcome is upserted; calls and unrated calls are counted afterwards from the
# table (cheaper than keeping a million outcomes around to count them).
_WRITE_ALL = """written AS (
    INSERT INTO billing_ratedcall (call_id, {columns}, rated_at)
    SELECT call_id, {columns}, %(now)s FROM final
    ON CONFLICT (call_id) DO UPDATE SET {assignments}, rated_at = EXCLUDED.rated_at
    WHERE ({old}) IS DISTINCT FROM ({new})
    RETURNING xmax = 0 AS created
)
SELECT NULL, NULL, count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM written"""

# A month rated for the first time: a plain insert (no conflict to look for; if a call was rated under
# another month before, the unique key says so and the upsert above runs instead).
_WRITE_NEW = """written AS (SELECT 1)
INSERT INTO billing_ratedcall (call_id, {columns}, rated_at) SELECT call_id, {columns}, %(now)s FROM final"""

# One contract: the calls it prices now or priced before (counted as they are written).
_WRITE_CONTRACT = """scoped AS (
    SELECT * FROM final WHERE contract_id = %(contract)s OR EXISTS (
        SELECT 1 FROM billing_ratedcall r WHERE r.call_id = final.call_id AND r.contract_id = %(contract)s)
), written AS (
    INSERT INTO billing_ratedcall (call_id, {columns}, rated_at)
    SELECT call_id, {columns}, %(now)s FROM scoped
    ON CONFLICT (call_id) DO UPDATE SET {assignments}, rated_at = EXCLUDED.rated_at
    WHERE ({old}) IS DISTINCT FROM ({new})
    RETURNING xmax = 0 AS created
)
SELECT (SELECT count(*) FROM scoped), (SELECT count(*) FROM scoped WHERE status = %(unrated)s),
       count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created)
FROM written"""

# Included minutes: consumed by billed seconds in chronological order per contract and month. As in
# `rating.IncludedMinutesLedger`, the allowance of a contract's month is that of the tariff of its first
# consuming call, and a call consumes only when its own tariff includes minutes.
_INCLUDED = """, consuming AS (
    SELECT id, billed,
           first_value(included_s) OVER w AS allowance,
           sum(billed) OVER (w ROWS UNBOUNDED PRECEDING) AS through
    FROM outcome
    WHERE status = %(rated)s AND included_s > 0 AND billed > 0
    WINDOW w AS (PARTITION BY contract_id ORDER BY started_at, id)
)"""
_INCLUDED_SECONDS = (
    "coalesce(least(ic.allowance, ic.through) - least(ic.allowance, ic.through - ic.billed), 0)::int"
)


def _tariff_rows(start: dt.date, end: dt.date) -> list[tuple]:
    from .services import RATING_STATUSES

    tariffs = (
        Tariff.objects.filter(contract__status__in=RATING_STATUSES)
        .overlapping(start, end)
        .select_related("contract")
    )
    return [
        (
            t.pk,
            t.contract_id,
            t.valid_from,
            t.valid_to,
            t.first_increment,
            t.next_increment,
            t.free_seconds,
            (t.included_minutes or 0) * 60,
            t.currency,
            t.contract.vat_rate,
        )
        for t in tariffs
    ]


def _prepare(cursor, *, month: rating.Month, params: dict) -> dict:
    """Small facts into temporary tables; returns what shapes the statement."""
    from .services import _copy_field, trunk_name

    for table, columns in (
        (
            "rating_tariff",
            "tariff_id bigint, contract_id bigint, valid_from date, valid_to date, first_s int, step_s int, "
            "free_s int, included_s int, currency varchar(3), vat numeric(5, 2)",
        ),
        ("rating_trunk", "trunk varchar(100), line_id bigint"),
        ("rating_line", "line_id bigint PRIMARY KEY, area varchar(5)"),
        ("rating_number", "number_id bigint PRIMARY KEY, area varchar(5), toll_free boolean"),
        (
            "rating_cover",
            "kind char(1), thing_id bigint, day date, contract_id bigint, tariff_id bigint, first_s int, "
            "step_s int, free_s int, included_s int, currency varchar(3), vat numeric(5, 2)",
        ),
        ("rating_dest", "call_id bigint PRIMARY KEY, kind text, digits text, reason text"),
    ):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns}) ON COMMIT DROP")

    tariffs = _tariff_rows(month.first_day, month.next_first_day)
    if tariffs:
        cursor.executemany(
            "INSERT INTO rating_tariff VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", tariffs
        )
    cursor.execute(
        "SELECT DISTINCT trunk FROM calls_callrecord WHERE started_at >= %(start)s AND started_at < %(end)s "
        "AND line_id IS NULL AND trunk <> ''",
        params,
    )
    trunks = [row[0] for row in cursor.fetchall()]
    if trunks:
        line_by_trunk = dict(Line.objects.exclude(trunk_id="").values_list("trunk_id", "pk"))
        rows = [(t, line_by_trunk[trunk_name(t)]) for t in trunks if trunk_name(t) in line_by_trunk]
        if rows:
            cursor.executemany("INSERT INTO rating_trunk VALUES (%s, %s)", rows)
    cursor.execute("ANALYZE rating_trunk")
    cursor.execute(
        "INSERT INTO rating_line SELECT l.id, c.area_code "
        "FROM telecom_line l JOIN company_city c ON c.id = l.city_id"
    )
    cursor.execute(
        "INSERT INTO rating_number SELECT n.id, c.area_code, n.kind = %(toll_free)s "
        "FROM telecom_phonenumber n LEFT JOIN company_city c ON c.id = n.city_id",
        params,
    )
    cursor.execute(_COVER, params)
    for table in ("rating_line", "rating_number", "rating_cover"):
        cursor.execute(f"ANALYZE {table}")

    # Numbers that are not plain digits: Python's rules decide (and word the reason). The calls are first
    # narrowed on the table itself (answered, either number not plain) — a superset of what the condition
    # below keeps — so the joins run for those few calls, not for the whole month.
    cursor.execute(f"WITH {_ODD_CALLS} SELECT id, raw, area FROM calls {_ODD_CONDITION}", params)
    odd = []
    for call_id, raw, area in cursor.fetchall():
        dest = rating.destination_digits(raw, area_code=area)
        kind = {"external": "e", "internal": "i"}.get(dest.kind.value, "x")
        odd.append((call_id, kind, dest.digits, dest.reason))
    if odd:
        text = "".join("\t".join(_copy_field(v) for v in row) + "\n" for row in odd)
        cursor.cursor.copy_expert("COPY rating_dest FROM STDIN", io.StringIO(text))
    cursor.execute("ANALYZE rating_dest")

    tariff_ids = [t[0] for t in tariffs]
    cursor.execute(
        "SELECT coalesce(max(length(prefix)), 1) FROM contracts_rate WHERE tariff_id = ANY(%s)", [tariff_ids]
    )
    return {"max_prefix": cursor.fetchone()[0], "included": any(t[7] > 0 for t in tariffs)}


def statement(*, included: bool, contract_id: int | None, new: bool = False) -> str:
    """The rating statement; included minutes add a window only when a tariff of the month has them."""
    table = RatedCall._meta.db_table
    tail = _WRITE_NEW if new else _WRITE_ALL if contract_id is None else _WRITE_CONTRACT
    tail = tail.format(
        columns=", ".join(COLUMNS),
        assignments=", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS),
        old=", ".join(f"{table}.{c}" for c in COLUMNS),
        new=", ".join(f"EXCLUDED.{c}" for c in COLUMNS),
    )
    return _RATE.format(
        calls=_CALLS.strip(),
        included=_INCLUDED if included else "",
        included_seconds=_INCLUDED_SECONDS if included else "0",
        included_join=" LEFT JOIN consuming ic ON ic.id = o.id" if included else "",
        tail=tail,
    )


def store(*, month: rating.Month, contract_id: int | None, now: dt.datetime, zone: str) -> dict:
    """Rate (or re-rate) every call of `month` in SQL and store the outcomes; returns the run's counts.

    With `contract_id`, only calls that contract prices now or priced before are written.
    """
    params = parameters(month=month, contract_id=contract_id, now=now, zone=zone)
    with connection.cursor() as cursor:
        # Sorting and hashing a month of probes in memory rather than in temporary files.
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
        # Compiling these statements (JIT) costs more than it saves on a month of calls.
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('jit', 'off', true)")
        shape = _prepare(cursor, month=month, params=params)
        params["max_prefix"] = shape["max_prefix"]
        sql = statement(included=shape["included"], contract_id=contract_id)
        table = RatedCall._meta.db_table
        inserted = None
        if contract_id is None:
            cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table} WHERE period = %(period)s)", params)
            if cursor.fetchone()[0]:
                try:
                    with transaction.atomic():
                        cursor.execute(
                            statement(included=shape["included"], contract_id=None, new=True), params
                        )
                        inserted = cursor.rowcount
                except IntegrityError:
                    inserted = None  # some call was rated under another month: upsert below
        if inserted is None:
            cursor.execute(sql, params)
            calls, unrated, created, changed = cursor.fetchone()
        else:
            created, changed = inserted, 0
        if contract_id is None and inserted is not None:
            # The month had no rows: every call of the month got exactly one, none can be gone.
            calls = created
            cursor.execute(
                f"SELECT coalesce(sum(calls) FILTER (WHERE status = %(unrated)s), 0)::bigint "
                f"FROM {RatedCallSummary._meta.db_table} WHERE period = %(period)s",
                params,
            )
            unrated = cursor.fetchone()[0]
        elif contract_id is None:
            # Every call of the month now has its row in this period; more rows mean calls are gone.
            month_calls = (
                "SELECT count(*) FROM calls_callrecord WHERE started_at >= %(start)s AND started_at < %(end)s"
            )
            cursor.execute(month_calls, params)
            calls = cursor.fetchone()[0]
            # The month's summary (kept exact by triggers, docs/billing.md) counts the rows without a scan.
            count_rows = (
                "SELECT coalesce(sum(calls), 0)::bigint, "
                "coalesce(sum(calls) FILTER (WHERE status = %(unrated)s), 0)::bigint "
                f"FROM {RatedCallSummary._meta.db_table} WHERE period = %(period)s"
            )
            cursor.execute(count_rows, params)
            rows, unrated = cursor.fetchone()
            if rows > calls:
                cursor.execute(
                    f"DELETE FROM {table} r WHERE r.period = %(period)s AND NOT EXISTS ("
                    "SELECT 1 FROM calls_callrecord c WHERE c.id = r.call_id "
                    "AND c.started_at >= %(start)s AND c.started_at < %(end)s)",
                    params,
                )
                cursor.execute(count_rows, params)
                rows, unrated = cursor.fetchone()
        cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
        cursor.execute("SELECT set_config('jit', %s, true)", [jit])
        if created + changed >= ANALYZE_AFTER:
            # A month written at once leaves the planner's statistics behind; the report that follows
            # would otherwise be planned for the table as it was.
            cursor.execute(f"ANALYZE {table}")
    return {
        "calls": calls,
        "created": created,
        "changed": changed,
        "unchanged": calls - created - changed,
        "unrated": unrated,
    }


def parameters(*, month: rating.Month, contract_id: int | None, now: dt.datetime, zone: str) -> dict:
    start, end = month.utc_bounds(zone)
    return {
        "zone": zone,
        "start": start,
        "end": end,
        "first_day": month.first_day,
        "days": month.days,
        # UTC instants where each day of the month starts in the reporting zone: a call's day is a
        # binary search among them (width_bucket), the same days Python's zoneinfo gives.
        "day_starts": [
            dt.datetime.combine(
                month.first_day + dt.timedelta(days=i), dt.time(), tzinfo=zoneinfo.ZoneInfo(zone)
            )
            for i in range(month.days)
        ],
        "period": month.first_day,
        "now": now,
        "contract": contract_id,
        "statuses": [Contract.Status.SIGNED.value, Contract.Status.TERMINATED.value],
        "answered": CallRecord.Disposition.ANSWERED.value,
        "out": CallRecord.Direction.OUT.value,
        "in": CallRecord.Direction.IN.value,
        "toll_free": PhoneNumber.Kind.TOLL_FREE.value,
        "plain": PLAIN_NUMBER,
        "intl_min": rating.INTERNATIONAL_MIN_DIGITS,
        "intl_max": rating.INTERNATIONAL_MAX_DIGITS,
        "national": rating.NATIONAL_DIGITS,
        "default_currency": settings.PORTAL_DEFAULT_CURRENCY,
        "toll_free_prefix": rating.TOLL_FREE_PREFIX,
        "mobile_prefix": rating.MOBILE_PREFIX,
        "kazakhstan": list(rating.KAZAKHSTAN_PREFIXES),
        **{status.name.lower(): status.value for status in rating.Status},
        **{f"t_{kind.name.lower()}": kind.value for kind in rating.CallType},
    }
