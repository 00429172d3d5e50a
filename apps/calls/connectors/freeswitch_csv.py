"""FreeSWITCH `mod_cdr_csv` files, the default `example` template (or a configured column list).

Every value is quoted (the template text has the quotes); an unanswered call has answer_stamp "".
`*_stamp` is the switch's local time. Identity: the leg's `uuid`. Disposition: answered iff billsec > 0,
otherwise told from the Q.850 hangup cause.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from .base import (
    CallRow,
    Connector,
    Rejected,
    RowInvalid,
    is_e164,
    is_extension,
    normalise_party,
    parse_int,
    parse_local,
    register,
)

EXAMPLE_TEMPLATE = [
    "caller_id_name", "caller_id_number", "destination_number", "context", "start_stamp", "answer_stamp",
    "end_stamp", "duration", "billsec", "hangup_cause", "uuid", "bleg_uuid", "accountcode", "read_codec",
    "write_codec",
]  # fmt: skip
HANGUP_CAUSES = {
    "USER_BUSY": "busy",
    "NO_ANSWER": "no_answer",
    "NO_USER_RESPONSE": "no_answer",
    "ORIGINATOR_CANCEL": "cancelled",
    "NORMAL_CIRCUIT_CONGESTION": "congestion",
    "SWITCH_CONGESTION": "congestion",
}


def freeswitch_disposition(billsec: int, cause: str) -> str:
    if billsec > 0:
        return "answered"
    return HANGUP_CAUSES.get(cause.upper(), "failed" if cause.upper() != "NORMAL_CLEARING" else "no_answer")


def freeswitch_row(rec: dict, *, connector: Connector, line: int, started, answered, ended) -> CallRow:
    """Normalise one FreeSWITCH leg whose times are already parsed (CSV stamps or JSON epochs)."""
    if ended < started:
        raise RowInvalid("end is before start")
    duration = parse_int(rec.get("duration", ""), "duration")
    billsec = parse_int(rec.get("billsec", ""), "billsec")
    uuid = (rec.get("uuid") or "").strip()
    if not uuid:
        raise RowInvalid("uuid is empty")
    cause = (rec.get("hangup_cause") or "").strip()
    src = (rec.get("caller_id_number") or "").strip()
    dst = (rec.get("destination_number") or "").strip()
    direction = (rec.get("direction") or "").strip()
    if direction == "inbound" and is_extension(src):
        direction = "internal" if is_extension(dst) else "out"
    elif direction in ("inbound", "outbound"):
        direction = "in" if direction == "inbound" else "out"
    elif is_extension(src) and is_extension(dst):
        direction = "internal"
    elif is_extension(src):
        direction = "out"
    else:
        direction = "in"
    caller, callee = normalise_party(src), normalise_party(dst)
    extension = dst if direction == "in" else src
    return CallRow(
        started_at=started,
        ended_at=ended,
        answered_at=answered,
        duration=duration,
        billsec=billsec,
        direction=direction,
        disposition=freeswitch_disposition(billsec, cause),
        raw_disposition=cause[:64],
        caller=caller,
        callee=callee,
        our_number=callee if direction == "in" and is_e164(callee) else "",
        extension=extension if is_extension(extension) else "",
        call_group_id=((rec.get("bleg_uuid") or "").strip() or uuid)[:160],
        external_id=uuid[:160],
        raw=rec,
        line=line,
    )


@register
class FreeswitchCsvConnector(Connector):
    slug = "freeswitch_csv"
    label = "FreeSWITCH mod_cdr_csv (example template)"
    parses_without_queries = True

    def read_file(self, stream: IO[bytes]) -> Iterator[CallRow | Rejected]:
        columns = self.settings.get("columns") or EXAMPLE_TEMPLATE
        for line, fields, raw, error in self.csv_rows(
            stream, encoding=self.settings.get("encoding", "utf-8")
        ):
            if fields is None:
                yield Rejected(line, error, raw)
                continue
            if len(fields) != len(columns):
                yield Rejected(line, f"expected {len(columns)} columns, found {len(fields)}", raw)
                continue
            rec = dict(zip(columns, fields, strict=True))
            try:
                started = parse_local(rec.get("start_stamp", ""), "start_stamp", self.tz)
                answered = parse_local(rec.get("answer_stamp", ""), "answer_stamp", self.tz, required=False)
                ended = parse_local(rec.get("end_stamp", ""), "end_stamp", self.tz)
                row = freeswitch_row(
                    rec, connector=self, line=line, started=started, answered=answered, ended=ended
                )
                row.raw_text = raw
                yield row
            except RowInvalid as exc:
                yield Rejected(line, exc.messages[0], raw)
