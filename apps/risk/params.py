"""Parameter extractors: the numbers and facts that drive a finding's severity.

Each function reads the normalised text between `start` and `end` (one clause) and returns values
together with the span they came from, so a quote can be widened to show the number it is based on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import PERCENT_RE, Period, find_money, find_month_word, find_periods, to_float, word_number


@dataclass(frozen=True)
class Value:
    value: object
    start: int
    end: int


_NOTICE_BEFORE = re.compile(
    r"(?:\bза|prior|advance|не позднее,?(?: чем)?(?: за)?|не менее,?(?: чем)?(?: за)?|at least|no less than|"
    r"not less than|minimum of|upon|on|giving|providing|with|after)\s*$"
)
_NOTICE_AFTER = re.compile(
    r"^\s*(?:'s|')?\s*(?:\([^)]*\)\s*)?(?:prior|advance|written|advanced)?\s*(?:written\s+)?(?:notice|"
    r"notification)"
    r"|^[^.;]{0,60}?\bдо\s+(?:дня\s+|даты\s+|момента\s+)?(?:вступлени|введени|начала|изменени|применени|"
    r"окончани|истечени|предполагаем|планируем|приостановлени|прекращени|расторжени|ограничени|блокировк)"
    r"|^\s*(?:prior to|before)\b"
    r"|^\s*(?:\([^)]*\)\s*)?с (?:момента|даты|дня) (?:\w+ )?(?:уведомлени|извещени|направлени)"
)
_WINDOW_BEFORE = re.compile(
    r"(?:в течение|в течении|within|в срок(?: не позднее)?(?: до)?|не позднее|в пределах|в срок не более|"
    r"no later than|not later than)\s*(?:\w+\s+)?$"
)


def notice_period(norm: str, start: int, end: int) -> Value | None:
    """The shortest period written as advance notice ("не менее чем за 30 дней", "30 days' notice")."""
    best: Period | None = None
    for p in find_periods(norm, start, end):
        before = norm[max(start, p.start - 40) : p.start]
        after = norm[p.end : min(end, p.end + 90)]
        is_notice = _NOTICE_BEFORE.search(before) or _NOTICE_AFTER.search(after)
        if is_notice and (best is None or p.days < best.days):
            best = p
    if best is None:
        month = find_month_word(norm, start, end)
        if month and re.search(r"(?:за|prior|notice)", norm[max(start, month.start - 25) : month.end + 20]):
            best = month
    if best is None:
        return None
    return Value(best, best.start, best.end)


def window_period(norm: str, start: int, end: int) -> Value | None:
    """The period to object or claim ("в течение 5 рабочих дней", "within 10 days")."""
    for p in find_periods(norm, start, end):
        before = norm[max(start, p.start - 35) : p.start]
        if _WINDOW_BEFORE.search(before):
            return Value(p, p.start, p.end)
    month = find_month_word(norm, start, end)
    if month:
        return Value(month, month.start, month.end)
    return None


_PER_DAY = re.compile(
    r"за каждый (?:календарный |рабочий |банковский )?день|за (?:каждые |одни )?сутки|в день|в сутки|за день|"
    r"ежедневн|per day|a day|"
    r"per diem|daily|each day|for every day|for each day"
)
_PER_MONTH = re.compile(r"в месяц|за каждый (?:полный )?месяц|ежемесячн|per month|a month|monthly|each month")
_PER_YEAR = re.compile(r"годовых|в год|per annum|per year|a year|annual|annum")
_CAP = re.compile(
    r"не более|не может превышать|не должн\w* превышать|не превыша\w*|но не свыше|ограничива\w*|ограничен\w*|"
    r"максимальн\w*|not (?:to )?exceed|shall not exceed|up to a maximum|capped|maximum of|in no event "
    r"more than"
)


# "одной десятой процента", "двух десятых процента", "пяти сотых процента": a rate written in words.
_FRACTION_PERCENT = re.compile(
    r"(?P<num>одн\w*|дв(?:ух|е)|тр(?:ех|и)|четыр\w*|пят(?:и|ь)|половин\w*)\s+(?:(?P<den>десят|сот)\w*\s+)?"
    r"(?:\([^)]{1,30}\)\s*)?(?:процент\w*|%)"
)
_FRACTION_NUM = {"одн": 1, "дв": 2, "тр": 3, "четыр": 4, "пят": 5}
# "неустойку в размере трехмесячной абонентской платы", "в размере абонентской платы за 3 месяца"
_FEE_MONTHS = re.compile(
    r"в (?:размере|сумме)\s+(?P<word>\w+месячн\w*)\s+(?:абонентск\w*\s+)?плат"
    r"|в (?:размере|сумме)\s+(?:\w+\s+)?(?:абонентск\w*\s+)?плат\w*\s+за\s+(?P<n>\d+|\w+)\s*"
    r"(?:\([^)]*\)\s*)?месяц"
)


def _percents(norm: str, start: int, end: int) -> list[tuple[float, int, int]]:
    """Every percentage in digits ("0,1 %") or in words ("одной десятой процента"), in text order."""
    found = [(to_float(m.group("num")), m.start(), m.end()) for m in PERCENT_RE.finditer(norm, start, end)]
    for m in _FRACTION_PERCENT.finditer(norm, start, end):
        if any(a <= m.start() < b for _, a, b in found):
            continue
        word = m.group("num")
        if word.startswith("половин"):
            value = 0.5
        else:
            num = next((v for k, v in _FRACTION_NUM.items() if word.startswith(k)), None)
            den = {"десят": 10, "сот": 100}.get(m.group("den") or "", 1)
            if num is None or den == 1:
                continue  # "пять процентов" has digits beside it in contracts; bare words are ambiguous
            value = num / den
        found.append((value, m.start(), m.end()))
    return sorted(found, key=lambda item: item[1])


def penalty_rate(norm: str, start: int, end: int) -> dict:
    """Rate and period of a late-payment penalty; its cap (percent or flag); a fixed fine amount."""
    out: dict = {}
    spans: list[tuple[int, int]] = []
    rate_end = None
    for value, m_start, m_end in _percents(norm, start, end):
        after = norm[m_end : min(end, m_end + 90)]
        before = norm[max(start, m_start - 25) : m_start]
        if _CAP.search(before) and "rate_pct" in out:
            continue  # "но не более 10 %" is the cap, handled below
        period = None
        if _PER_DAY.search(after) or _PER_DAY.search(norm[max(start, m_start - 60) : m_start]):
            period = "day"
        elif _PER_MONTH.search(after):
            period = "month"
        elif _PER_YEAR.search(after):
            period = "year"
        if period and "rate_pct" not in out:
            out["rate_pct"] = value
            out["rate_period"] = period
            per_day = {"day": value, "month": value / 30, "year": value / 365}[period]
            out["rate_pct_per_day"] = round(per_day, 4)
            spans.append((m_start, m_end))
            rate_end = m_end
        elif not period and "fine_pct" not in out and "rate_pct" not in out and not _CAP.search(before):
            out["fine_pct"] = value
            spans.append((m_start, m_end))
    cap_from = rate_end if rate_end is not None else start
    cap = _CAP.search(norm, cap_from, end)
    if cap:
        out["cap_present"] = True
        pct = PERCENT_RE.search(norm, cap.end(), min(end, cap.end() + 40))
        if pct:
            out["cap_pct"] = to_float(pct.group("num"))
            spans.append((cap.start(), pct.end()))
        else:
            spans.append((cap.start(), cap.end()))
    else:
        out["cap_present"] = False
    if re.search(
        r"без ограничени\w* (?:суммы|размера|максимальн|по сумме)|не ограничен\w*|without (?:any "
        r")?(?:limit|cap)"
        r"|no (?:upper )?(?:limit|cap)",
        norm[start:end],
    ):
        out["no_upper_limit"] = True
        out["cap_present"] = False
    money = find_money(norm, start, end)
    if money and "rate_pct" not in out:
        out["fine_amount"] = money[0][0]
        spans.append((money[0][1], money[0][2]))
    fee = _FEE_MONTHS.search(norm, start, end)
    if fee and "rate_pct" not in out and "fine_amount" not in out:
        word = fee.group("word") or fee.group("n") or ""
        months = int(word) if word.isdigit() else word_number(word)
        if months:
            out["fine_fee_months"] = months
            spans.append((fee.start(), fee.end()))
    out["_spans"] = spans
    return out


def months_number(norm: str, start: int, end: int, pattern: str) -> Value | None:
    """N in 'N месяцев'/'N months' near `pattern` (a regex the number must follow within 60 chars)."""
    m = re.search(pattern, norm[start:end])
    if not m:
        return None
    seg_start = start + m.start()
    for p in find_periods(norm, seg_start, min(end, seg_start + 120)):
        if p.unit in {"month", "year"}:
            months = p.days // 30 if p.unit == "month" else p.days // 365 * 12
            return Value(months, p.start, p.end)
    return None
