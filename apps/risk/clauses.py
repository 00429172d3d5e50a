"""Split a contract text into its numbered clauses and a clause into sentences, keeping offsets.

A clause starts at the beginning of a line with a number as printed: `3.2.`, `3.2`, `п. 3.2`,
`пункт 3.2`, `Section 3.2`, `Clause 7`, `Статья 5`. Text before the first number (title, parties,
«договор-оферта») is the `preamble`. A heading line ("5. ОТВЕТСТВЕННОСТЬ СТОРОН") is a clause of its own;
it rarely carries a rule, and a rule in it is still reported against its number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

PREAMBLE = "preamble"

_HEAD = re.compile(
    r"^[ \t\u00a0]*(?P<label>"
    r"(?P<word>п\.|пп\.|пункт|раздел|статья|ст\.|section|clause|article|§)?[ \t\u00a0]*"
    r"(?P<num>\d{1,3}(?:\.\d{1,3}){0,4})(?P<dot>\.)?"
    r")(?=[ \t\u00a0)]|$)",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Clause:
    """One numbered clause: its number as printed (or 'preamble') and its span in the text."""

    number: str
    start: int
    end: int
    body_start: int  # after the printed number: where the clause's own words begin

    def text(self, source: str) -> str:
        return source[self.start : self.end]


def _is_heading(m: re.Match) -> bool:
    # "1.", "3.2", "3.2.", "п. 3.2", "Section 3" are clause numbers; a bare "5" at a line start is not
    # (it is more likely the tail of an amount that wrapped onto a new line).
    return bool(m.group("word") or m.group("dot") or "." in m.group("num"))


def split_clauses(text: str) -> list[Clause]:
    heads = [m for m in _HEAD.finditer(text) if _is_heading(m)]
    clauses: list[Clause] = []
    if not heads or text[: heads[0].start()].strip():
        first = heads[0].start() if heads else len(text)
        clauses.append(Clause(PREAMBLE, 0, first, 0))
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        label = m.group("label").strip().rstrip(".")
        label = re.sub(r"\s+", " ", label)
        clauses.append(Clause(label, m.start("label"), end, m.end("label")))
    return [c for c in clauses if text[c.start : c.end].strip()]


# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "г",
    "гг",
    "ст",
    "п",
    "пп",
    "ч",
    "т",
    "д",
    "руб",
    "коп",
    "им",
    "ул",
    "тел",
    "см",
    "т.е",
    "т.ч",
    "т.д",
    "т.п",
    "мин",
    "сек",
    "no",
    "inc",
    "ltd",
    "co",
    "corp",
    "u.s",
    "e.g",
    "i.e",
    "art",
    "sec",
    "mr",
    "ms",
    "dr",
    "vs",
    "etc",
    "n",
    "нач",
    "обл",
    "р",
    "стр",
    "долл",
    "тыс",
    "млн",
    "прим",
    "ред",
}
_BOUNDARY = re.compile(r"(?<=[.;!?])\s+(?=[\"«(]?[A-ZА-ЯЁ0-9])|\n\s*\n|\n(?=\s*(?:[-•—–]|[а-яa-z]\)))")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside text[start:end], trimmed of surrounding whitespace."""
    cuts = [start]
    for m in _BOUNDARY.finditer(text, start, end):
        before = text[max(start, m.start() - 12) : m.start()]
        token = re.split(r"[\s(]", before)[-1].rstrip(".;!?").lower() if before else ""
        if text[m.start() - 1 : m.start()] == "." and (token in _ABBREV or re.fullmatch(r"\w", token)):
            continue
        cuts.append(m.end())
    cuts.append(end)
    spans = []
    for a, b in pairwise(cuts):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append(Span(a, b))
    return spans
