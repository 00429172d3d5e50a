"""Text normalisation and the small vocabulary shared by every rule.

Everything here keeps offsets: `normalize()` maps each character to exactly one character, so a
match found in the normalised text has the same start/end in the original text. That is what lets a
finding quote the contract as printed while the rules see lower case, `е` for `ё` and plain quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One character in, one character out (offsets must survive normalisation).
_CHAR_MAP = str.maketrans(
    {
        "ё": "е",
        "Ё": "е",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "’": "'",
        "‘": "'",
        "–": "-",
        "—": "-",
        "‑": "-",
        "\t": " ",
    }
)


def normalize(text: str) -> str:
    """Lower-case, ё→е, typographic quotes/dashes/spaces → ASCII; same length as `text`."""
    mapped = text.translate(_CHAR_MAP)
    # str.lower() may lengthen a few characters (e.g. "İ"); keep those as they are.
    out = [c.lower() if len(c.lower()) == 1 else c for c in mapped]
    return "".join(out)


_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def detect_language(text: str) -> str:
    """'ru' when Cyrillic letters dominate, else 'en'."""
    cyr = len(_CYRILLIC.findall(text))
    lat = len(_LATIN.findall(text))
    return "ru" if cyr >= lat * 0.5 and cyr > 0 else "en"


# --- parties -----------------------------------------------------------------------------------------
# Who is who. Risks are risks against the customer (Абонент / Заказчик / Customer).
PROVIDER_RU = (
    r"(?:оператор\w*|исполнител\w*|провайдер\w*|поставщик\w*|лицензиар\w*|партнер\w*|подрядчик\w*|компани\w*)"
)
CUSTOMER_RU = r"(?:абонент\w*|заказчик\w*|клиент\w*|пользовател\w*|покупател\w*|лицензиат\w*)"
MUTUAL_RU = r"(?:сторон\w*)"
PROVIDER_EN = (
    r"(?:we|us|our|provider|company|supplier|vendor|operator|licensor|carrier|seller|service provider"
    r"|contractor|manufacturer|distributor)"
)
CUSTOMER_EN = r"(?:you|your|customer|subscriber|client|user|licensee|buyer|purchaser|member)"
MUTUAL_EN = (
    r"(?:either party|each party|both parties|neither party|the parties|a party|any party|each "
    r"of the parties)"
)

_PARTY = re.compile(
    rf"\b(?P<mutual>(?:люб\w+|кажд\w+|ни одн\w+|обе|обеих|одн\w+) (?:из )?{MUTUAL_RU}"
    rf"|{MUTUAL_RU}|{MUTUAL_EN})\b"
    rf"|\b(?P<provider>{PROVIDER_RU}|{PROVIDER_EN})\b"
    rf"|\b(?P<customer>{CUSTOMER_RU}|{CUSTOMER_EN})\b"
)


# A party named as the object of notice or consent ("без уведомления Абонента", "с согласия Заказчика")
# does not hold the right that follows.
_OBJECT_OF = re.compile(
    r"(?:уведомлени\w*|извещени\w*|предупреждени\w*|согласи[яе]|согласовани\w*(?: с)?|ведома)\s+(?:\w+\s+)?$"
)


def last_party_before(norm: str, pos: int, floor: int = 0) -> str | None:
    """'provider', 'customer' or 'mutual': the last party named in norm[floor:pos] (not counting a party
    named only as the one to be notified or asked for consent)."""
    last = None
    for m in _PARTY.finditer(norm, floor, pos):
        if last is not None and _OBJECT_OF.search(norm, max(floor, m.start() - 40), m.start()):
            continue
        last = m.lastgroup
    return last


def parties_in(norm: str) -> set[str]:
    return {m.lastgroup for m in _PARTY.finditer(norm)}


# --- numbers and periods -----------------------------------------------------------------------------
_WORD_NUMBERS: list[tuple[str, int]] = [
    # Longest stems first: "пятнадцат" must win over "пят", "двадцат" over "дв".
    ("девяност", 90),
    ("шестьдесят", 60),
    ("шестидесят", 60),
    ("сорока пят", 45),
    ("сорок пят", 45),
    ("сорок", 40),
    ("тридцат", 30),
    ("двадцат", 20),
    ("пятнадцат", 15),
    ("четырнадцат", 14),
    ("десят", 10),
    ("сем", 7),
    ("пят", 5),
    ("трех", 3),
    ("три", 3),
    ("двух", 2),
    ("два", 2),
    ("одн", 1),
    ("один", 1),
    ("ninety", 90),
    ("sixty", 60),
    ("forty-five", 45),
    ("forty five", 45),
    ("thirty", 30),
    ("twenty", 20),
    ("fifteen", 15),
    ("fourteen", 14),
    ("ten", 10),
    ("seven", 7),
    ("five", 5),
    ("three", 3),
    ("two", 2),
    ("one", 1),
]
WORD_NUMBER_RE = (
    r"(?:девяност\w*|шест(?:ьдесят|идесят)\w*|сорок\w*(?: пят\w*)?|тридцат\w*|двадцат\w*|пятнадцат\w*"
    r"|четырнадцат\w*|десят\w*|сем[ьи]\w*|пят[ьи]\w*|тр(?:ех|и)|дв(?:ух|а)|одн\w+|один"
    r"|ninety|sixty|forty[- ]five|thirty|twenty|fifteen|fourteen|ten|seven|five|three|two|one)"
)


def word_number(word: str) -> int | None:
    word = word.strip().lower()
    for stem, value in _WORD_NUMBERS:
        if word.startswith(stem):
            return value
    return None


def to_float(raw: str) -> float:
    return float(raw.replace(" ", "").replace(",", "."))


@dataclass(frozen=True)
class Period:
    """A period as written: `days` (months counted as 30 days), its kind and where it is."""

    days: int
    kind: str  # "working", "calendar" or "" (not said)
    unit: str  # "day", "week", "month", "year"
    start: int
    end: int


PERIOD_RE = re.compile(
    rf"(?:(?P<digits>\d{{1,4}})|(?P<word>{WORD_NUMBER_RE}))"
    r"\s*(?:\(\s*(?P<paren>[^)]{1,40})\s*\)\s*)?"
    r"(?P<kind>рабоч\w*|календарн\w*|банковск\w*|business|working|calendar|banking)?\s*"
    r"(?P<unit>дн(?:я|ей|и|ям|ях)\b|день|сут\w*|месяц\w*|недел\w*|год\w*|лет\b"
    r"|days?\b|months?\b|weeks?\b|years?\b)",
)
_SINGLE_UNIT_RE = re.compile(r"(?:(?:одного|один|одн\w+|one|a|an)\s+)?(?P<unit>месяц\w*|month)\b")


def _unit_days(unit: str) -> tuple[str, int]:
    if unit.startswith(("дн", "ден", "сут", "day")):
        return "day", 1
    if unit.startswith(("недел", "week")):
        return "week", 7
    if unit.startswith(("месяц", "month")):
        return "month", 30
    return "year", 365


def find_periods(norm: str, start: int = 0, end: int | None = None) -> list[Period]:
    """Every 'N (working/calendar) days/months' in norm[start:end]."""
    end = len(norm) if end is None else end
    found: list[Period] = []
    for m in PERIOD_RE.finditer(norm, start, end):
        value: int | None = None
        if m.group("digits"):
            value = int(m.group("digits"))
        else:
            value = word_number(m.group("word"))
            paren = m.group("paren") or ""
            if paren.strip().isdigit():
                value = int(paren.strip())
        if value is None:
            continue
        kind_raw = m.group("kind") or ""
        if not kind_raw:
            # "тридцать (30) календарных дней" puts the kind after the parenthesis; "30 (тридцать)
            # рабочих дней" puts it there too — both land in the kind group; nothing more to do.
            kind = ""
        elif kind_raw.startswith(("рабоч", "банков", "business", "working", "banking")):
            kind = "working"
        else:
            kind = "calendar"
        unit, factor = _unit_days(m.group("unit"))
        found.append(Period(days=value * factor, kind=kind, unit=unit, start=m.start(), end=m.end()))
    return found


def find_month_word(norm: str, start: int, end: int) -> Period | None:
    """A bare 'месяц' / 'one month' without a number (= 30 days)."""
    m = re.search(
        r"(?:в течение|за|within|не позднее|не менее чем за)\s+(?:одного\s+|one\s+|a\s+)?(месяц\w*|month)\b",
        norm[start:end],
    )
    if not m:
        return None
    return Period(days=30, kind="", unit="month", start=start + m.start(1), end=start + m.end(1))


PERCENT_RE = re.compile(
    r"(?P<num>\d{1,3}(?:[.,]\d{1,4})?)\s*(?:\([^)]{1,60}\)\s*)?(?:%|процент\w*|per ?cent|percent)"
)
MONEY_RE = re.compile(
    r"(?P<num>\d{1,3}(?:[  ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)\s*(?:\([^)]{1,80}\)\s*)?"
    r"(?P<cur>руб\w*|р\.|₽|rub\w*|\$|usd|долл\w*|евро|eur\w*|dollars?)"
    r"|(?P<cur2>\$|€)\s?(?P<num2>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)"
)


def find_money(norm: str, start: int = 0, end: int | None = None) -> list[tuple[float, int, int]]:
    out = []
    for m in MONEY_RE.finditer(norm, start, len(norm) if end is None else end):
        raw = m.group("num") or m.group("num2")
        raw = raw.replace(" ", "").replace("\u00a0", "")
        raw = raw.replace(",", "") if m.group("num2") else raw.replace(",", ".")
        try:
            out.append((float(raw), m.start(), m.end()))
        except ValueError:
            continue
    return out


# Russian city names after "г." come in the genitive; a few endings bring them back to the name.
_CITY_EXCEPTIONS = {
    "москвы": "Москва",
    "санкт-петербурга": "Санкт-Петербург",
    "нижнего новгорода": "Нижний Новгород",
    "ростова-на-дону": "Ростов-на-Дону",
    "казани": "Казань",
    "перми": "Пермь",
    "твери": "Тверь",
    "тюмени": "Тюмень",
    "рязани": "Рязань",
}


def city_nominative(raw: str) -> str:
    word = raw.strip().lower()
    if word in _CITY_EXCEPTIONS:
        return _CITY_EXCEPTIONS[word]
    if word.endswith("ы"):
        word = word[:-1] + "а"
    elif word.endswith("и"):
        word = word[:-1] + "ь"
    elif word.endswith("а") and len(word) > 3 and word[-2] not in "аеиоуыэюяь":
        word = word[:-1]
    return "-".join(part.capitalize() for part in word.split("-"))
