"""The contract-risk clause scanner: pure functions over the text of one document version.

`scan(text)` splits the text into numbered clauses, runs one detector per risk code over every clause
(Russian or English cues), extracts the parameters that drive severity, grades each hit with the
severity policy and returns findings whose `start`/`end` index `text` itself (`text[start:end] ==
quote`). Nothing here touches the database, so the same function serves the command, the Celery
task and the benchmark.

A detector answers three questions about a clause: is the topic there (a trigger cue), who holds the
right or bears the burden (provider → against us, customer → ours, both → mutual), and is it the
protective variant (price changes only by signed agreement, a 30-day window with the disputed sum
withheld, our own right to leave, numbers portable…). Protective clauses are reported only as `info`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from . import params as P
from .clauses import Clause, Span, split_clauses, split_sentences
from .lexicon import city_nominative, detect_language, last_party_before, normalize
from .policy import (
    AGAINST_US,
    CRITICAL,
    IN_OUR_FAVOUR,
    INFO,
    MUTUAL,
    RANK,
    UNCLEAR,
    severity_for,
)
from .suggestions import LEGAL_BASIS, suggestion_for

DETECTOR_VERSION = "rules-2026.11"


@dataclass(frozen=True)
class Finding:
    """One risk found in one clause: the evidence (clause, span, quote) and what to do about it."""

    code: str
    severity: str
    confidence: float
    direction: str
    clause: str
    start: int
    end: int
    quote: str
    parameters: dict
    legal_basis: list[str]
    suggestion: dict
    rule_id: str

    def as_json(self) -> dict:
        """The shape printed by `scan_contract --json` (issue 6, item 2)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "confidence": self.confidence,
            "direction": self.direction,
            "clause": self.clause,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "parameters": self.parameters,
            "suggestion": self.suggestion,
        }


@dataclass
class Hit:
    """What a detector found before grading: trigger span, parameters, who it is against."""

    rule_id: str
    start: int
    end: int
    params: dict = field(default_factory=dict)
    direction: str = AGAINST_US
    protective: bool = False
    confidence: float = 0.75
    extra_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Ctx:
    """One clause as the detectors see it."""

    text: str
    norm: str
    clause: Clause
    lang: str
    sentences: list[Span]

    @property
    def start(self) -> int:
        return self.clause.body_start

    @property
    def end(self) -> int:
        return self.clause.end

    def search(self, pattern: re.Pattern, start: int | None = None, end: int | None = None):
        return pattern.search(
            self.norm, self.start if start is None else start, self.end if end is None else end
        )

    def finditer(self, pattern: re.Pattern):
        return pattern.finditer(self.norm, self.start, self.end)

    def has(self, pattern: re.Pattern) -> bool:
        return pattern.search(self.norm, self.start, self.end) is not None

    def sentence_at(self, pos: int) -> Span:
        for s in self.sentences:
            if s.start <= pos < s.end:
                return s
        return Span(self.start, self.end)

    def actor(self, pos: int) -> str | None:
        """The party named last before `pos` in its sentence (or, failing that, in the clause)."""
        sent = self.sentence_at(pos)
        return last_party_before(self.norm, pos, sent.start) or last_party_before(self.norm, pos, self.start)


def rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _direction(actor: str | None, lang: str, *, burden: bool = False) -> str:
    """Direction from who holds the right (or, with burden=True, who bears the duty)."""
    if actor == "mutual":
        return MUTUAL
    if actor == "customer":
        return AGAINST_US if burden else IN_OUR_FAVOUR
    if actor == "provider":
        return IN_OUR_FAVOUR if burden else AGAINST_US
    # Passive voice ("тарифы могут быть изменены") in an operator's contract is the operator's right.
    return AGAINST_US if lang == "ru" else UNCLEAR


# --- shared cues ---------------------------------------------------------------------------------------
PUBLICATION = rx(
    r"размещени\w* (?:\w+ ){0,3}(?:на|в) (?:\w+ ){0,2}(?:сайте|личном кабинете|интернет|системе)|"
    r"опубликован\w*|"
    r"публикаци\w*|на (?:официальном )?сайте|в личном кабинете|\bpost(?:ing|ed)\b|on (?:our|its|the) "
    r"(?:web)?site"
)
DIRECT_NOTICE = rx(
    r"письменн\w* (?:уведомлен|извещен)|направ\w* (?:\w+ ){0,3}(?:письменн\w* )?уведомлени|электронн\w* "
    r"почт|e-?mail|"
    r"заказн\w* письм|in writing|written notice|by email|notify you (?:by|in writing)"
)
AT_ANY_TIME = rx(
    r"в любое время|в любой момент|без (?:\w+ )?(?:уведомлени|согласовани|согласи[яе]|извещени|"
    r"предупреждени)\w*|"
    r"(?:с момента|с даты|в момент|со дня) (?:их |его |ее )?(?:опубликовани|размещени|публикаци)\w*|"
    r"(?:с момента|с даты|в момент|со дня) (?:такого |их |его |ее )?изменени\w*|"
    r"немедленно|at any time|anytime|without (?:prior |advance |any |further )?notice|"
    r"effective (?:immediately )?upon (?:posting|publication)|immediately upon"
)
RIGHT_TO_LEAVE = rx(
    r"(?:абонент|заказчик|клиент|пользовател)\w*,? (?:[\w,]+ ){0,6}?(?:вправе|имеет право|может)[^.;]{0,60}?"
    r"(?:расторгн|"
    r"отказат|прекрат)|"
    r"без (?:уплаты|взимания|начисления|применения|выплаты) (?:\w+ )?(?:штраф|неустойк|компенсац|плат)|"
    r"(?:you|customer|subscriber) (?:may|can|will have the right to|has the right to) (?:terminate|"
    r"cancel|close)|"
    r"right to terminate|terminate without (?:penalty|fee|charge)"
)
SIGNED_ONLY = rx(
    r"(?:только|исключительно|лишь)[^.;]{0,60}?(?:по (?:взаимному |письменному )?(?:соглашению|согласию) "
    r"сторон|"
    r"дополнительн\w* соглашени|подписан)|"
    r"(?:действительны|имеют силу|вступают в силу)[^.;]{0,30}?(?:если|при условии|лишь|только)[^.;]{0,60}?"
    r"(?:письменн|подписан)|"
    r"по (?:взаимному )?(?:соглашению|согласию) сторон|"
    r"(?:only|solely) (?:by|through|in) (?:a |an )?(?:written|signed|mutual)|"
    r"(?:unless|except) (?:in writing|by (?:a |an )?(?:written|signed))[^.;]{0,60}(?:signed|both parties|"
    r"each party)|"
    r"in writing and signed by"
)
EXIT_FEE = rx(
    r"(?:досрочн\w*|до истечения|до окончания)[^.;]{0,100}?(?:расторжени|прекращени|отказ|выход)[^.;]{0,160}?"
    r"(?:компенсац|возмещ|штраф|неустойк|единоразов|\w*плат\w*[^.;]{0,60}?(?:оставш|до конца|до "
    r"окончания|за весь|остат))|"
    r"(?:штраф|неустойк|компенсац|плат\w*)\w* (?:\w+ ){0,3}за досрочн\w* (?:расторжени|прекращени|отказ)|"
    r"отказ\w*[^.;]{0,60}?(?:пролонгаци|продлени)\w*[^.;]{0,100}?(?:уплачива|выплачива|оплачива)\w*"
    r"[^.;]{0,40}?(?:компенсац|штраф|неустойк|плат)|"
    r"early[- ]termination (?:fee|charge|payment|penalty)|termination (?:fee|charge)|"
    r"(?:remaining|remainder of the) (?:fees|payments|charges|term)"
)


# --- PRICE_CHANGE_UNILATERAL ---------------------------------------------------------------------------
_PRICE_WORD_RU = (
    r"(?:тариф\w*|цен(?:а|ы|у|ой|е|ам|ами|ах)?\b|стоимост\w*|абонентск\w* плат\w*|единиц\w* тарификац\w*|"
    r"прейскурант\w*|прайс-лист\w*|расценк\w*|размер\w* (?:абонентской )?платы|порядо?к\w* тарификац\w*|"
    r"тарификационн\w* единиц\w*)"
)
PRICE_RU = [
    rx(
        r"(?:изменя\w*|измени\w*|изменени\w*|пересматр\w*|пересмотр\w*|повыша\w*|повыси\w*|повышени\w*|"
        r"индексир\w*|"
        r"индексаци\w*|корректир\w*|устанавливать нов\w*|вводить нов\w*)\s+(?:[^.;\s]+\s+){0,6}?"
        + _PRICE_WORD_RU
    ),
    rx(
        _PRICE_WORD_RU
        + r"[^.;]{0,80}?(?:(?:может|могут) быть (?:изменен|пересмотрен|повышен|проиндексирован|"
        r"увеличен|скорректирован)\w*|"
        r"подлеж\w* (?:\w+ )?(?:изменени|индексаци|пересмотр)\w*|изменяются|меняются|пересматриваются|"
        r"индексируются|повышаются|(?:может|могут) (?:быть )?(?:изменя|пересматрива|повыша|индексир|"
        r"корректир|увеличива)\w*)"
    ),
    rx(
        _PRICE_WORD_RU + r"[^.;]{0,40}?(?:устанавлива|определя|изменя|пересматрива)\w* (?:\w+ )?"
        r"(?:оператор|исполнител|провайдер)\w* (?:самостоятельно|в одностороннем порядке|по своему "
        r"усмотрению)"
    ),
    rx(r"нов\w* (?:тариф|цен|стоимост)\w*[^.;]{0,80}?(?:вступа|применя|действу)\w*"),
]
_PRICE_WORD_EN = r"(?:prices?|pricing|fees?|rates?|tariffs?|charges?|subscription (?:fee|price)s?)\b"
PRICE_EN = [
    rx(
        r"\b(?:change|modify|increase|adjust|revise|raise|update|amend)\w*\s+(?:[^.;\s]+\s+){0,5}?"
        + _PRICE_WORD_EN
    ),
    rx(
        r"\bprice increases?\b|"
        + _PRICE_WORD_EN
        + r"[^.;]{0,40}?(?:may|can|will|are subject to) (?:be )?(?:change|increase|revis)"
    ),
]
CUSTOMER_PLAN = rx(r"тарифн\w* план|тарифн\w* опци|tariff plan|your plan")
PRICE_PROTECT = rx(
    r"(?:не (?:вправе|может|могут|подлеж\w*|допуска\w*|изменя\w*|будут)[^.;]{0,50}?(?:изменя|измен|"
    r"пересм|повыш|индекс))|"
    r"фиксирован\w*[^.;]{0,40}?(?:на весь срок|в течение|до окончания)|"
    r"(?:will not|shall not|may not|cannot) (?:be )?(?:change|increase|modif|rais)\w*"
)


def _days(value: P.Value | None) -> int | None:
    return value.value.days if value else None


def _change_params(ctx: Ctx, hit_start: int) -> tuple[dict, list[tuple[int, int]]]:
    p: dict = {}
    spans: list[tuple[int, int]] = []
    notice = P.notice_period(ctx.norm, ctx.start, ctx.end)
    if notice:
        p["notice_days"] = notice.value.days
        p["notice_day_kind"] = notice.value.kind or "unspecified"
        spans.append((notice.start, notice.end))
    published = ctx.has(PUBLICATION)
    direct = ctx.has(DIRECT_NOTICE)
    p["by_publication_only"] = published and not direct
    p["right_to_leave"] = ctx.has(RIGHT_TO_LEAVE)
    any_time = ctx.search(AT_ANY_TIME)
    if any_time and notice is None:
        p["at_any_time"] = True
        spans.append((any_time.start(), any_time.end()))
    return p, spans


def detect_price_change(ctx: Ctx) -> Hit | None:
    patterns = PRICE_RU if ctx.lang == "ru" else PRICE_EN
    for pattern in patterns:
        for m in ctx.finditer(pattern):
            sent = ctx.sentence_at(m.start())
            actor = ctx.actor(m.start())
            plan = ctx.search(CUSTOMER_PLAN, sent.start, sent.end)
            if actor == "customer" or (plan and actor != "provider"):
                continue  # the customer choosing its own tariff plan is not a risk
            if ctx.lang == "en" and not re.search(
                r"\b(?:may|can|reserves?|right|will|at any time|from time to time|subject to)\b",
                ctx.norm[sent.start : sent.end],
            ):
                continue
            hit = Hit("PRICE-" + ctx.lang.upper(), m.start(), m.end(), direction=_direction(actor, ctx.lang))
            protective = ctx.search(SIGNED_ONLY, sent.start, sent.end) or ctx.search(
                PRICE_PROTECT, sent.start, sent.end
            )
            if protective:
                hit.protective = True
                hit.direction = IN_OUR_FAVOUR
                hit.extra_spans.append((protective.start(), protective.end()))
                return hit
            hit.params, hit.extra_spans = _change_params(ctx, m.start())
            hit.confidence = 0.85 if actor == "provider" else 0.7
            return hit
    return None


# --- TERMS_CHANGE_UNILATERAL ---------------------------------------------------------------------------
_DOC_RU = r"(?:договор\w*|правил\w*|оферт\w*|регламент\w*|услови\w*|приложени\w*|редакци\w*)"
TERMS_RU = [
    rx(
        r"(?:вносить|внести|вносит|вносятся|вноситься|вносимые)\s+(?:\w+\s+){0,3}?изменени\w*[^.;]{0,60}?"
        + _DOC_RU
    ),
    rx(
        r"(?:изменя\w*|измени\w*|дополня\w*|дополни\w*)\s+(?:(?:в одностороннем порядке|по своему усмотрению|"
        r"в любое время)\s+)?(?:услови\w*|текст\w*|положени\w*)\s+(?:настоящего\s+|публичного\s+)?"
        r"(?:договор|правил|оферт|регламент)\w*"
    ),
    rx(
        r"(?:изменя\w*|измени\w*)\s+(?:в одностороннем порядке\s+)?(?:настоящ\w*\s+|публичн\w*\s+)?"
        r"(?:договор\w*|правил\w*|оферт\w*|регламент\w*|услови\w*)\b"
    ),
    rx(
        r"нов\w* редакци\w*\b(?! (?:прайс|тариф|цен|расценок|прейскурант))[^.;]{0,120}?"
        r"(?:вступа\w* в силу|действу\w*|применя\w*|становится "
        r"обязательн\w*|обязательн\w*)"
    ),
    rx(r"самостоятельно (?:\w+ )?(?:отслежива|знакоми|ознакомл|проверя|следить|контролирова)\w*"),
    rx(
        r"(?:продолжени\w*|дальнейш\w*)\s+(?:\w+\s+){0,2}?(?:пользовани|использовани)[^.;]{0,100}?"
        r"(?:означа|явля|счита|признае|расценива)\w*[^.;]{0,40}?(?:соглас|акцепт|принят)"
    ),
    rx(r"(?:договор|правил|оферт|регламент|услови)\w*[^.;]{0,60}?могут быть (?:изменен|дополнен)\w*"),
    rx(
        r"актуальн\w* редакци\w*\b(?! (?:прайс|тариф|цен|расценок|прейскурант))[^.;]{0,60}?"
        r"(?:размещ|опубликов|доступн|находится)\w*"
    ),
    # "изменять перечень и условия оказания услуг"
    rx(
        r"(?:изменя\w*|измени\w*)\s+(?:в одностороннем порядке\s+)?(?:перечень\s+и\s+)?услови\w*\s+"
        r"(?:оказания|предоставления)\s+(?:\w+\s+)?(?:услуг|сервис)\w*"
    ),
]
_DOC_EN = (
    r"(?:terms|agreement|contract|conditions|policy|policies|tos|rules|guidelines|eula|features|services?)\b"
)
TERMS_EN = [
    rx(
        r"\b(?:amend|modify|change|update|revise|alter|supplement|replace)\w*\s+(?:[^.;\s]+\s+){0,4}?"
        + _DOC_EN
    ),
    rx(
        r"\b(?:change|modif\w*|update\w*|revis\w*|amend\w*|add or remove|discontinue)\b[^.;]{0,60}?from "
        r"time to time"
    ),
    rx(r"from time to time[^.;]{0,60}?\b(?:change|modif|update|revis|amend)"),
    rx(
        r"(?:your|the user's) responsibility to (?:review|check|read)|check (?:back|this page) "
        r"(?:periodically|regularly|often)"
    ),
    rx(
        r"\b(?:may|reserves? the right to|right to|might|can|could)\b[^.;]{0,40}?\b(?:change|modif\w*|"
        r"alter|amend|update|"
        r"add or remove|remove or modify|discontinue|revise|replace|withdraw)\b"
    ),
    rx(
        r"subject to change|(?:might|may|can|could) change\b|(?:are|is) subject to (?:modification|"
        r"amendment|revision)"
    ),
    rx(
        r"(?:changes?|modifications?|amendments?|revisions?)[^.;]{0,60}?(?:effective|"
        r"binding)[^.;]{0,30}?(?:upon|when|once) (?:post|publi)"
    ),
    rx(
        r"(?:terms|agreement|conditions)[^.;]{0,40}?(?:may|can) (?:be )?(?:change|modif|amend|updat|revis)\w*"
    ),
]
BINDS_ON_PUBLICATION = rx(
    r"(?:с момента|с даты|в момент|со дня|после) (?:\w+ )?(?:опубликовани|размещени|публикаци)|"
    r"самостоятельно (?:\w+ )?(?:отслежива|знакоми|ознакомл|проверя|следить)|актуальн\w* редакци|"
    r"(?:upon|when|once) (?:post|publi)|responsibility to (?:review|check)"
)
CONTINUED_USE = rx(
    r"(?:продолжени\w*|дальнейш\w*)\s+(?:\w+\s+){0,2}?(?:пользовани|использовани)[^.;]{0,100}?(?:соглас|"
    r"акцепт|принят)|"
    r"continu\w* (?:to )?(?:use|using|access)[^.;]{0,120}?(?:accept|agree|consent|bound)"
)


def detect_terms_change(ctx: Ctx) -> Hit | None:
    patterns = TERMS_RU if ctx.lang == "ru" else TERMS_EN
    for pattern in patterns:
        for m in ctx.finditer(pattern):
            sent = ctx.sentence_at(m.start())
            actor = ctx.actor(m.start())
            customer_duty = pattern in (TERMS_RU[4], TERMS_RU[5], TERMS_EN[3])
            if actor == "customer" and not customer_duty:
                continue
            if ctx.lang == "en" and actor == "mutual":
                continue
            if (
                ctx.lang == "en"
                and pattern is TERMS_EN[0]
                and not re.search(
                    r"\b(?:may|can|reserves?|right|at any time|from time to time|might|at our)\b",
                    ctx.norm[sent.start : sent.end],
                )
            ):
                continue
            hit = Hit("TERMS-" + ctx.lang.upper(), m.start(), m.end(), direction=_direction(actor, ctx.lang))
            if actor == "customer":
                hit.direction = AGAINST_US  # "your continued use means consent" binds us
            protective = ctx.search(SIGNED_ONLY, sent.start, sent.end)
            if protective and not ctx.search(CONTINUED_USE, sent.start, sent.end):
                hit.protective = True
                hit.direction = MUTUAL if actor in (None, "mutual") else IN_OUR_FAVOUR
                return hit
            hit.params, hit.extra_spans = _change_params(ctx, m.start())
            if ctx.has(BINDS_ON_PUBLICATION) and "notice_days" not in hit.params:
                hit.params["binds_on_publication"] = True
            if ctx.has(CONTINUED_USE):
                hit.params["continued_use_consent"] = True
            hit.confidence = 0.8 if actor == "provider" else 0.7
            return hit
    return None


# --- INVOICE_DEEMED_ACCEPTED ---------------------------------------------------------------------------
INVOICE_SUBJECT = rx(
    r"сч(?:е|ё)т\w*|\bакт\w*|детализаци\w*|услуг\w*|работ\w*|отчет\w*|начислени\w*|сумм\w*|данн\w*|объем\w*|"
    r"расчет\w*|списани\w*|invoice\w*|statement\w*|bill\w*|charges?|records?|services?"
)
NOT_INVOICE_SUBJECT = rx(r"оферт\w*|договор\w*|уведомлени\w*|сообщени\w*|заявк\w*|offer|agreement|notice")
INVOICE_RU = [
    rx(
        r"(?:счита|призна)\w*\s+(?:\w+\s+){0,5}?(?:принят\w*|согласован\w*|подписан\w*|утвержден\w*|"
        r"признан\w*|"
        r"подтвержден\w*|бесспорн\w*|"
        r"оказанн\w*\s+(?:\w+\s+){0,2}?(?:надлежащ|в полном|качествен|и принят|без замечаний))"
    ),
    rx(
        r"(?:данн\w*|сведени\w*|показани\w*|информаци\w*)\s+(?:\w+\s+){0,4}?(?:биллинг\w*|"
        r"автоматизированн\w*\s+систем\w*|"
        r"учет\w*|оборудовани\w*|систем\w*\s+(?:учета|тарификации|расчетов)|оператора|"
        r"исполнителя)[^.;]{0,120}?"
        r"(?:явля\w*|призна\w*|счита\w*|служат?)\s+(?:\w+\s+){0,3}?(?:единственн|достаточн|бесспорн|"
        r"окончательн|"
        r"неоспорим|достоверн|основани)"
    ),
    rx(
        r"претензи\w*[^.;]{0,100}?(?:сч(?:е|ё)т|начислени|оплат|расчет|объем\w* услуг|стоимост|детализац|"
        r"качеств)[^.;]{0,100}?(?:принима\w*|рассматрива\w*|предъявл\w*|направл\w*|могут быть|подлеж\w*)"
    ),
    rx(r"(?:не подлеж\w*|не может быть|не могут быть) (?:\w+ )?(?:оспарива|оспорен|обжалова)\w*"),
    rx(
        r"(?:определя|устанавлива|рассчитыва|учитыва)\w*\s+(?:\w+\s+){0,2}?(?:исключительно|только|"
        r"на основании)\s+(?:\w+\s+){0,2}?(?:данн|показани|сведени)\w*"
    ),
    rx(
        r"(?:непредставлени|ненаправлени|отсутстви)\w* (?:\w+ ){0,3}?(?:мотивированн\w* )?(?:возражени|"
        r"претензи|"
        r"отказ|замечани)\w*[^.;]{0,100}?(?:означа|явля|счита|призна)\w*"
    ),
]
INVOICE_EN = [
    rx(
        r"deemed (?:to (?:have been |be )?)?(?:accepted|approved|agreed|correct|final|conclusive|binding|"
        r"accurate)|"
        r"(?:records|data|invoices?|statements?|measurements?|calculations?)[^.;]{0,60}?(?:shall|will) be "
        r"(?:conclusive|final|binding)|unless (?:disputed|contested|objected)|failure to (?:object|dispute)|"
        r"waive[sd]? (?:any|all|its|your)? ?(?:right|claim)s? to dispute|(?:must|shall) (?:dispute|contest) "
        r"(?:any|an|the) (?:invoice|charge)"
    ),
]
CONCLUSIVE = rx(
    r"(?:единственн|достаточн|бесспорн|окончательн|неоспорим)\w* (?:и \w+ )?(?:основани|доказательств|данн)|"
    r"(?:явля\w*|служат?|призна\w*)\s+(?:\w+\s+){0,2}?(?:единственн|бесспорн|неоспорим|окончательн)|"
    r"(?:не подлеж\w*|не может быть|не могут быть) (?:\w+ )?(?:оспарива|оспорен)|"
    r"(?:исключительно|только) (?:по|на основании) (?:\w+ )?(?:данн|показани|сведени)|"
    r"conclusive|final and binding"
)
CLAIMS_REFUSED = rx(
    r"претензи\w*[^.;]{0,80}?не (?:принимаются|рассматриваются|подлежат|будут)|"
    r"(?:no|not) (?:claims?|disputes?) (?:will|shall) be (?:accepted|considered)"
)
AFTER_WINDOW = rx(r"по истечении|после (?:истечения|окончания)|after (?:the|this|such) (?:period|deadline)")
ACCEPTING_OFFER = rx(r"\s*(?:\w+\s+)?(?:настоящ\w*\s+)?(?:услови|оферт|договор|правил|присоединени)")
ON_ISSUE = rx(
    r"(?:с момента|в момент|с даты|со дня) (?:\w+ )?(?:выставлени|направлени|размещени|формировани)"
)
WITHHELD = rx(
    r"(?:оспариваем|спорн)\w*[^.;]{0,80}?(?:не (?:оплачива|подлеж)|оплачива\w* после|приостанавлива|"
    r"удержива)|"
    r"disputed (?:amount|portion|sum)s?[^.;]{0,60}?(?:withh|not (?:be )?(?:due|payable)|need not)"
)


def detect_invoice(ctx: Ctx) -> Hit | None:
    patterns = INVOICE_RU if ctx.lang == "ru" else INVOICE_EN
    for i, pattern in enumerate(patterns):
        for m in ctx.finditer(pattern):
            sent = ctx.sentence_at(m.start())
            head = ctx.norm[sent.start : m.start()]
            if ctx.lang == "ru" and i == 0:
                subjects = list(INVOICE_SUBJECT.finditer(head))
                wrong = list(NOT_INVOICE_SUBJECT.finditer(head))
                if not subjects or (wrong and wrong[-1].start() > subjects[-1].start()):
                    continue
            if ctx.lang == "ru" and i == 0 and ACCEPTING_OFFER.match(ctx.norm, m.end(), ctx.end):
                continue  # "… признается принятием условий Оферты" is acceptance of the offer
            hit = Hit("INV-" + ctx.lang.upper(), m.start(), m.end(), confidence=0.85)
            p: dict = {}
            window = P.window_period(ctx.norm, ctx.start, ctx.end)
            if window:
                p["window_days"] = window.value.days
                p["window_day_kind"] = window.value.kind or "unspecified"
                hit.extra_spans.append((window.start, window.end))
            if ctx.has(CONCLUSIVE):
                p["conclusive"] = True
            if ctx.has(CLAIMS_REFUSED) and not (window and ctx.has(AFTER_WINDOW)):
                p["claims_refused"] = True
            if window is None and ctx.has(ON_ISSUE):
                p["accepted_on_issue"] = True
            withheld = ctx.search(WITHHELD)
            p["disputed_sum_withheld"] = bool(withheld)
            if withheld and window and window.value.days >= 30 and not p.get("conclusive"):
                hit.protective = True
                hit.direction = IN_OUR_FAVOUR
            hit.params = p
            return hit
    return None


# --- PENALTY -------------------------------------------------------------------------------------------
PENALTY_RU = rx(
    r"\bпен(?:и|ю|я|ей|ям|ями)\b|неустойк\w*|\bштраф\w*|проценты за пользование чужими|"
    r"за каждый (?:календарный |рабочий |банковский )?день просрочки"
)
PENALTY_EN = rx(
    r"liquidated damages|late (?:payment )?(?:fee|charge|interest|penalt)\w*|"
    r"interest (?:at|of|on)[^.;]{0,80}?(?:overdue|late|past due|unpaid|delinquent|per (?:month|annum|day))|"
    r"\bpenalt(?:y|ies)\b|(?:early )?termination (?:fee|charge|payment)|cancellation (?:fee|charge)|"
    r"service fee of|"
    r"(?:shall|will|agrees? to) (?:\w+ ){0,3}?pay (?:to )?(?:the other party|us|the company|[a-z]+) "
    r"(?:an amount|a fee|a sum|the sum)|"
    r"overdue (?:amounts?|sums?|payments?)[^.;]{0,60}?interest|per day (?:of|for each day of) (?:delay|late)"
)
NOT_A_PENALTY = rx(
    r"^[,\s]*(?:\w+\s+){0,2}?(?:наложенн|примененн|предъявленн|выставленн|"
    r"начисленн)\w*[^.;]{0,80}?(?:орган|регулятор|"
    r"роскомнадзор|третьими|друг\w* оператор|оператор\w* связи|контролирующ|надзорн)"
)
NOT_A_PENALTY_BEFORE = rx(
    r"(?:требовани|претензи|взыскани|предъявлени|выставлени)\w*[^.;]{0,60}?(?:оператор\w* связи|других "
    r"операторов|иных операторов|взаимодействующ\w* оператор|третьих лиц|государственн\w*|контролирующ\w*|"
    r"надзорн\w*|роскомнадзор\w*)[^.;]{0,40}$"
)
# "Общая сумма неустойки … не может превышать 10 %": a cap on the penalty, not a penalty
PENALTY_CAP_ONLY = rx(
    r"(?:сумм|размер)\w* (?:\w+ ){0,2}?(?:неустойк|пен|штраф)\w*[^.;]{0,80}?"
    r"(?:не может превышать|не должн\w* превышать|не превыша\w*|ограничива\w*|не более)"
)
NO_PENALTY = rx(r"без (?:[\w-]+ ){0,3}?(?:штраф|неустойк|пен)|without (?:any )?penalt")
PROVIDER_PAYS = rx(
    r"(?:оператор|исполнител|провайдер)\w*\s+(?:\w+\s+){0,3}?(?:уплачива|выплачива|обязан\w* (?:уплатить|"
    r"выплатить)|"
    r"несет ответственность в виде|уплатит|выплатит)|"
    r"(?:нарушени|просрочк|несоблюдени|неисполнени)\w*\s+(?:\w+\s+){0,3}?(?:оператор|исполнител|"
    r"провайдер)\w*|"
    r"\bwe (?:will|shall) pay you|provider shall pay"
)
CUSTOMER_PAYS = rx(
    r"(?:абонент|заказчик|клиент)\w*\s+(?:\w+\s+){0,3}?(?:уплачива|выплачива|обязан|обязуется|несет|"
    r"уплатит|выплатит|"
    r"оплачива)|(?:нарушени|просрочк|несоблюдени|неисполнени|неоплат|неуплат)\w*\s+(?:\w+\s+){0,3}?"
    r"(?:абонент|заказчик|клиент)\w*|задолженност\w* (?:абонент|заказчик)|"
    r"(?:вправе|может) (?:\w+ ){0,2}?(?:начисл|взыск|потребова|требовать|выстав|удерж|списа)|"
    r"\byou (?:will|shall|must|agree to) pay|customer shall pay"
)
MUTUAL_PAYS = rx(
    r"сторон\w*,? (?:нарушивш|допустивш|не исполнивш)|кажд\w* из сторон|виновн\w* сторон|either party|"
    r"each party|the breaching party|defaulting party"
)
# "Заказчик вправе требовать от Исполнителя уплаты неустойки": the provider pays, whoever holds the right.
CLAIMED_FROM_PROVIDER = rx(
    r"(?:требова|потребова|взыск|взыскива)\w* (?:\w+ ){0,2}?(?:от|с) (?:оператор|исполнител|провайдер)\w*"
)
SET_BY_PROVIDER = rx(
    r"в размер\w*,?\s+(?:\w+\s+){0,1}(?:установленн|определяем|определенн|указанн|"
    r"предусмотренн)\w*\s+(?:\w+\s+){0,2}?"
    r"(?:оператор|исполнител|тариф|прейскурант|провайдер)|по тарифам (?:оператора|исполнителя)|"
    r"(?:оператор|исполнитель)\w* (?:\w+ )?(?:устанавлива|определя)\w*[^.;]{0,30}?(?:размер|сумм)|"
    r"in an amount (?:determined|set) by|at (?:our|its) (?:sole )?discretion"
)


def detect_penalty(ctx: Ctx) -> Hit | None:
    pattern = PENALTY_RU if ctx.lang == "ru" else PENALTY_EN
    for m in ctx.finditer(pattern):
        if NOT_A_PENALTY.search(ctx.norm[m.end() : min(ctx.end, m.end() + 140)]):
            continue
        if NOT_A_PENALTY_BEFORE.search(ctx.norm[max(ctx.start, m.start() - 120) : m.start()]):
            continue  # "штрафы, наложенные на Оператора органами" is UNCAPPED_LIABILITY, not a penalty
        if NO_PENALTY.search(ctx.norm, max(ctx.start, m.start() - 40), min(ctx.end, m.end() + 5)):
            continue
        sent = ctx.sentence_at(m.start())
        seg = ctx.norm[sent.start : sent.end]
        hit = Hit("PEN-" + ctx.lang.upper(), m.start(), m.end(), confidence=0.8)
        if MUTUAL_PAYS.search(seg):
            hit.direction = MUTUAL
        elif CLAIMED_FROM_PROVIDER.search(seg) or (
            PROVIDER_PAYS.search(seg) and not CUSTOMER_PAYS.search(seg)
        ):
            hit.direction = IN_OUR_FAVOUR
            hit.protective = True
        elif CUSTOMER_PAYS.search(seg):
            hit.direction = AGAINST_US
            hit.confidence = 0.9
        else:
            hit.direction = AGAINST_US if ctx.lang == "ru" else UNCLEAR
        p = P.penalty_rate(ctx.norm, sent.start, ctx.end)
        hit.extra_spans.extend(s for s in p.pop("_spans") if s[0] < sent.end + 200)
        if ctx.search(SET_BY_PROVIDER, sent.start, sent.end):
            p["amount_set_by_provider"] = True
        amount_keys = ("rate_pct", "fine_pct", "fine_amount", "fine_fee_months", "amount_set_by_provider")
        if (
            ctx.lang == "ru"
            and p.get("cap_present")
            and not any(k in p for k in amount_keys)
            and ctx.search(PENALTY_CAP_ONLY, sent.start, sent.end)
        ):
            hit.protective = True
            hit.direction = IN_OUR_FAVOUR
        hit.params = p
        return hit
    return None


# --- UNCAPPED_LIABILITY --------------------------------------------------------------------------------
_CUST_RU = r"(?:абонент|заказчик|клиент|пользовател)\w*"
UNCAPPED_RU = [
    rx(
        _CUST_RU + r"\s+(?:\w+\s+){0,3}?нес\w*\s+(?:\w+\s+){0,2}?(?:полную|неограниченн\w*|"
        r"всю)\s+(?:\w+\s+)?ответственност"
    ),
    rx(
        _CUST_RU + r"[^.;]{0,100}?(?:возмещ|возмест|компенсир|компенсац)\w*"
        r"[^.;]{0,80}?(?:убытк|ущерб|расход|штраф|санкци|потер|затрат|претензи|требовани)"
    ),
    rx(
        r"(?:возмещ|возмест|компенсир)\w*\s+(?:\w+\s+){0,3}?(?:все|любые|в полном объеме|в полном "
        r"размере)\s+(?:\w+\s+){0,2}?(?:убытк|ущерб|расход|штраф)"
    ),
    rx(
        _CUST_RU + r"\s+(?:\w+\s+){0,3}?(?:нес\w*|отвеча\w*)\s+(?:\w+\s+){0,2}?(?:ответственност\w*\s+)?за\s+"
        r"(?:все|любые|весь|любой)\s+(?:\w+\s+)?(?:убытк|ущерб|вред)"
    ),
    rx(r"сверх неустойки|в полной сумме сверх|штрафн\w* неустойк"),
    rx(r"ответственност\w* (?:абонент|заказчик|клиент)\w* (?:\w+ )?не ограничен"),
]
UNCAPPED_EN = [
    rx(
        r"indemnif\w*[^.;]{0,120}?(?:any and all|all|any)\s+(?:[^.;\s]+\s+){0,6}?(?:losses|claims|"
        r"damages|liabilit\w*|"
        r"costs|expenses|fines|penalties)"
    ),
    rx(
        r"(?:shall not|will not|does not|do not|not) (?:apply|be subject) to[^.;]{0,160}?(?:indemnif|"
        r"confidential|"
        r"gross negligence|willful|wilful|infring|fraud|misconduct|death|bodily|personal injury)"
    ),
    rx(
        r"(?:except|excluding|other than|save for|with the exception of|exclusive of|"
        r"notwithstanding)\b(?:[^.;]|\.(?=\d)){0,200}?"
        r"(?:indemn|confidential|gross negligence|willful|wilful|infring|fraud|misconduct|death|bodily|"
        r"personal injury)"
    ),
    rx(
        r"(?:except|excluding|other than|save for|notwithstanding)\b(?:[^.;]|\.(?=\d)){0,200}?(?:section|"
        r"article|clause|\[\*|obligations? (?:to pay|under))"
        r"[^.;]{0,300}?(?:liab|damages)"
    ),
    rx(
        r"(?:shall|will|does|do) not (?:limit|apply)[^.;]{0,80}?(?:liabilit|obligation|damages)|none of "
        r"the limitations|limitations?[^.;]{0,40}?(?:shall|will|do|does) not apply"
    ),
    rx(
        r"unlimited liability|liable without limitation|liability (?:is|shall be) unlimited|without "
        r"(?:any )?(?:limit|cap) (?:on|of|to) (?:its|their|your|the) liability"
    ),
    rx(
        r"(?:you|customer|subscriber|user)\w* (?:shall |will |agree to |are )?(?:be )?(?:fully |solely "
        r")?(?:liable|responsible) for (?:any and all|all|any)"
    ),
]
THIRD_PARTY_FINES = rx(
    r"штраф\w*|\bсанкци\w*|(?:других|иных|"
    r"взаимодействующ\w*|присоединенн\w*) "
    r"операторов|государственн\w* орган|регулятор|роскомнадзор|надзорн|fines?\b|penalties|regulator|"
    r"third[- ]part"
)
LOST_PROFIT = rx(
    r"упущенн\w* выгод|все убытки|любые убытки|в полном объеме|в полном размере|lost profits?|loss of "
    r"profit|any and all|consequential"
)
DIRECT_ONLY = rx(r"реальн\w* ущерб|прям\w* (?:действительн\w* )?ущерб|direct damages")
CUSTOMER_CAP = rx(
    r"ответственност\w* (?:абонент|заказчик|клиент)\w*[^.;]{0,60}?(?:ограничен|не может превышать|не "
    r"превыша|не более)"
)


def detect_uncapped(ctx: Ctx) -> Hit | None:
    patterns = UNCAPPED_RU if ctx.lang == "ru" else UNCAPPED_EN
    for pattern in patterns:
        for m in ctx.finditer(pattern):
            sent = ctx.sentence_at(m.start())
            seg = ctx.norm[sent.start : sent.end]
            if ctx.lang == "ru" and re.search(
                r"не (?:несет|возмеща|отвечает)|без (?:\w+ )?(?:компенсац|возмещ)",
                ctx.norm[max(sent.start, m.start() - 40) : m.end()],
            ):
                continue
            actor = ctx.actor(m.start()) if pattern not in (UNCAPPED_EN[1], UNCAPPED_EN[2]) else None
            hit = Hit("UNC-" + ctx.lang.upper(), m.start(), m.end(), confidence=0.8)
            if actor == "provider" and ctx.lang == "ru" and pattern is not UNCAPPED_RU[3]:
                continue  # the operator compensating us is not a risk on us
            if (
                actor == "provider"
                and ctx.lang == "en"
                and pattern is UNCAPPED_EN[0]
                and re.search(r"\bwe\b|\bprovider\b", seg[: m.start() - sent.start])
            ):
                hit.direction = IN_OUR_FAVOUR
                hit.protective = True
            elif actor == "mutual" or re.search(
                r"either party|each party|neither party|кажд\w* из сторон|сторон\w*,? (?:нарушивш|виновн)",
                seg,
            ):
                hit.direction = MUTUAL
            else:
                hit.direction = AGAINST_US if (ctx.lang == "ru" or actor == "customer") else UNCLEAR
            if ctx.search(CUSTOMER_CAP, sent.start, sent.end):
                hit.protective = True
                hit.direction = IN_OUR_FAVOUR
            if ctx.search(THIRD_PARTY_FINES, sent.start, sent.end) and (
                ctx.lang == "ru" or re.search(r"fines?\b|penalt|regulat", seg)
            ):
                scope = "third_party_fines"
            elif ctx.search(DIRECT_ONLY, sent.start, sent.end) and not ctx.search(
                LOST_PROFIT, sent.start, sent.end
            ):
                scope = "direct"
            else:
                scope = "all_losses"
            hit.params = {"scope": scope}
            return hit
    return None


# --- LIABILITY_LIMITATION ------------------------------------------------------------------------------
_PROV_RU = r"(?:оператор|исполнител|провайдер|поставщик|лицензиар|компани)\w*"
LIMIT_RU = [
    rx(
        r"(?:ответственност\w*|размер\w* ответственности)\s+(?:\w+\s+){0,3}?(?:" + _PROV_RU + r"|сторон\w*)"
        r"[^.;]{0,120}?(?:огранич\w*|не может превышать|не превыша\w*|не более)"
    ),
    rx(
        _PROV_RU
        + r"\s+(?:\w+\s+){0,5}?не (?:несет|несут|отвечает|отвечают)\s+(?:\w+\s+){0,2}?(?:ответственност\w"
        r"*|за)"
    ),
    rx(_PROV_RU + r"[^.;]{0,60}?не (?:возмеща|компенсиру|гарантиру)\w*"),
    rx(r"\"как есть\"|в том виде,? (?:как|в котором)|по принципу \"как есть\""),
    rx(
        r"(?:стороны|ни одна из сторон) не (?:несут|несет|отвечают|"
        r"отвечает)[^.;]{0,40}?ответственност\w*[^.;]{0,60}?(?:упущенн|косвенн)"
    ),
    rx(r"упущенн\w* выгод\w* (?:\w+ ){0,2}?не (?:подлежит|возмещается|возмещаются)"),
    rx(
        r"(?:совокупн|максимальн|общ)\w* (?:размер\w* )?ответственност\w*[^.;]{0,120}?(?:огранич\w*|не "
        r"может превышать|не превыша\w*|не более)"
    ),
]
LIMIT_EN = [
    rx(r"(?:in no event|under no circumstances)[^.;]{0,200}?(?:liab|responsib|exceed)"),
    rx(
        r"(?:only|solely) (?:be )?(?:responsible|liable) for|(?:not|cannot) (?:\w+ ){0,3}?take "
        r"responsibility|(?:may|can|shall|will) not be held (?:liable|responsible)|"
        r"sole (?:liability|obligation)|limited recourse|(?:exclusion|limitation) of (?:liability|damages)|"
        r"(?:is|are) (?:the )?(?:sole|entire|entirely|solely) (?:responsibility|responsible)|not (?:be "
        r")?(?:liable|responsible) (?:if|for|to)|"
        r"not (?:accept|assume|bear|have) (?:any )?(?:liability|responsibility)|exclusive remedy|sole "
        r"(?:and exclusive )?remedy|only (?:be )?liable (?:if|where|when|for|to)|"
        r"liability[^.;]{0,60}?(?:is|shall be|will be) limited"
    ),
    rx(r"(?:shall|will|does|do|is|are|be)(?: not|n't) (?:be )?(?:held )?(?:liable|responsible)"),
    rx(r"\bno (?:liability|responsibility)\b|(?:accepts?|assumes?|bears?) no (?:liability|responsibility)"),
    rx(
        r"(?:aggregate|total|maximum|entire|cumulative|overall) liability[^.;]{0,160}?(?:exceed|limited|"
        r"shall be|is|will be)"
    ),
    rx(
        r"limit(?:s|ed)? (?:its|our|their|the|his|any) (?:\w+ )?liabilit|"
        r"liabilit\w*[^.;]{0,80}?(?:limited to|shall not exceed|not to exceed|capped)"
    ),
    rx(r"disclaim\w*[^.;]{0,60}?(?:liabilit|responsib)|exclud\w*[^.;]{0,40}?liabilit"),
    rx(
        r"\"?as is\"?|\"?as available\"?|sole (?:and exclusive )?remedy|only (?:be )?liable (?:to the "
        r"following extent|for)"
    ),
    rx(r"(?:we|company|provider)\w* (?:is|are|will be|shall be) liable only"),
    # "neither party shall be liable …", "in no way should the agent be liable", "none of which … will be
    # responsible", "we won't be responsible", "will only be responsible to you for"
    rx(
        r"\b(?:neither|nor|none of (?:which|whom|them)|in no way)\b[^.;]{0,120}?\b(?:shall|will|should|is|"
        r"are|be)\s+(?:\w+\s+){0,2}?(?:liable|responsible|entitled to recover)"
    ),
    rx(
        r"\b(?:won't|can't|cannot) be (?:held )?(?:liable|responsible)|"
        r"only (?:be )?(?:responsible|liable) to (?:you|the customer|customer) for"
    ),
    rx(r"liabilit\w*[^.;]{0,120}?(?:will|shall|does|may) not exceed|liabilit\w*[^.;]{0,60}?is limited to"),
]
NOT_LIMITING_EN = rx(
    r"(?:nothing|not|n't|never)\b[^.;]{0,40}?(?:exclude|limit|remove|restrict)s?\b[^.;]{0,20}?(?:our|any|"
    r"its|the)? ?"
    r"liabilit"
)
FORCE_MAJEURE = rx(r"непреодолим\w* сил|форс-мажор")
OWN_FAULT = rx(
    r"по вине (?:абонент|заказчик|клиент)|вследствие (?:нарушени\w*|действи\w*|бездействи\w*) (?:абонент|"
    r"заказчик|клиент)"
)
CAP_MONTHS = rx(r"(?:платеж|плат|стоимост|сумм|fees?|charges?|amounts?|paid|payable)")


def detect_limitation(ctx: Ctx) -> Hit | None:
    patterns = LIMIT_RU if ctx.lang == "ru" else LIMIT_EN
    if ctx.lang == "ru" and ctx.has(FORCE_MAJEURE):
        return None
    if ctx.lang == "en" and ctx.has(NOT_LIMITING_EN):
        m = ctx.search(NOT_LIMITING_EN)
        return Hit("LIM-EN-P", m.start(), m.end(), direction=IN_OUR_FAVOUR, protective=True, confidence=0.6)
    for i, pattern in enumerate(patterns):
        for m in ctx.finditer(pattern):
            sent = ctx.sentence_at(m.start())
            seg = ctx.norm[sent.start : sent.end]
            if ctx.lang == "ru" and OWN_FAULT.search(seg):
                continue
            if ctx.lang == "ru" and re.search(
                r"ответственност\w* (?:абонент|заказчик|клиент)", ctx.norm[m.start() : m.end()]
            ):
                continue
            actor = ctx.actor(m.end() if i == 0 and ctx.lang == "ru" else m.start())
            mutual = actor == "mutual" or bool(
                re.search(
                    r"кажд\w* из сторон|ни одн\w* из сторон|стороны не|either party|neither party|each "
                    r"party|both parties",
                    seg,
                )
            )
            hit = Hit("LIM-" + ctx.lang.upper(), m.start(), m.end(), confidence=0.8)
            if mutual:
                hit.direction = MUTUAL
            elif (
                actor == "customer"
                and ctx.lang == "en"
                and re.search(r"\byou\b", seg[: m.start() - sent.start])
            ):
                hit.direction = IN_OUR_FAVOUR
                hit.protective = True
            else:
                hit.direction = AGAINST_US if (ctx.lang == "ru" or actor == "provider") else UNCLEAR
            p: dict = {"mutual": mutual}
            months = P.months_number(ctx.norm, sent.start, sent.end, CAP_MONTHS.pattern)
            if months:
                p["cap_months"] = months.value
                hit.extra_spans.append((months.start, months.end))
            elif re.search(r"(?:за|одного|один|последний) (?:\w+ )?(?:расчетн\w* период|месяц)", seg):
                p["cap_months"] = 1
            hit.params = p
            return hit
    return None


# --- NON_NEGOTIABLE ------------------------------------------------------------------------------------
NONNEG_RU = [
    rx(
        r"протокол\w* разногласий[^.;]{0,60}?не (?:принима|рассматрива|подлеж|допуска|будут|может)\w*|"
        r"не (?:принима|рассматрива)\w*[^.;]{0,80}?протокол\w* разногласий"
    ),
    rx(
        r"услови\w*[^.;]{0,80}?не (?:подлежат|могут быть) (?:\w+ )?(?:изменени|изменен|"
        r"согласован)\w*[^.;]{0,60}?(?:абонент|заказчик|клиент|по инициативе|по требованию|в "
        r"индивидуальном)"
    ),
    rx(
        r"публичн\w* (?:оферт|договор)\w*|договор\w*[- ]оферт\w*|договор\w* присоединени\w*|ст(?:\.|атьи|"
        r"атьей|"
        r"атье)\s*428|п(?:\.|ункт\w*)\s*2 ст(?:\.|атьи)\s*437|п(?:\.|ункт\w*)\s*3 ст(?:\.|атьи)\s*438"
    ),
    rx(
        r"(?:полн\w* и безоговорочн|безоговорочн)\w* (?:\w+ )?(?:акцепт|приняти|согласи|присоединени)\w*|"
        r"присоединени\w* к (?:\w+ )?(?:договору|условиям|оферте|правилам)\w* в целом|"
        r"(?:принима|принял|акцептует|присоединя)\w* (?:\w+ ){0,3}?(?:полностью|в полном объеме|целиком),? "
        r"(?:и )?без (?:каких-либо |всяких |каких бы то ни было )?(?:оговорок|изъятий|исключений)"
    ),
    rx(
        r"(?:оплат|совершени|регистраци|начал\w* (?:пользовани|использовани)|факт\w* (?:пользовани|"
        r"использовани))\w*[^.;]{0,100}?(?:явля|призна|счита|означа)\w*\s+(?:\w+\s+){0,3}?(?:акцепт|"
        r"согласи|заключени)"
    ),
    rx(
        r"акцепт\w*\s+(?:\w+\s+){0,3}?(?:явля|призна|счита)\w*\s+(?:\w+\s+){0,2}?(?:оплат|регистрац|"
        r"совершени|начал|подписани|пополнени)"
    ),
]
NONNEG_EN = [
    rx(r"not (?:subject to )?negotia\w*|non-?negotiable"),
    rx(
        r"by (?:using|accessing|downloading|installing|registering|clicking|signing up|creating|"
        r"continuing|visiting|"
        r"browsing|purchasing|subscribing|ordering|checking|tapping|joining)[^.;]{0,220}?(?:you |user "
        r")?(?:agree|accept|"
        r"consent|acknowledge|are agreeing|are bound|signify|confirm)"
    ),
    rx(
        r"(?:use|using|access|accessing|registration)[^.;]{0,100}?(?:constitutes|signifies|means|"
        r"indicates|will be deemed|"
        r"is deemed|shall be deemed)[^.;]{0,60}?(?:acceptance|agreement|consent|you agree|your agreement|"
        r"acknowledg)"
    ),
    rx(
        r"agree(?:s|d)? to (?:be bound|comply with) (?:by )?(?:these|this|the)|(?:read|reviewed),? "
        r"(?:and )?understood,? and agree"
    ),
    rx(
        r"if you do not agree[^.;]{0,100}?(?:do not|may not|must not|should not|stop|discontinue|cease|"
        r"please|you must)|do not (?:use|access)[^.;]{0,60}?if you do not agree"
    ),
    rx(r"acceptance of (?:this|these|the) (?:offer|terms)|public offer"),
    rx(
        r"(?:if|when|once) you (?:\w+ ){0,3}?(?:use|continue to use|create|access|do not terminate|don't|"
        r"do not)[^.;]{0,120}?"
        r"(?:you (?:\w+ ){0,2}?(?:agree|accept|consent|be bound|are bound)|stop using|become part of)"
    ),
    rx(
        r"(?:you (?:will|shall) be|become) bound by|become part of your agreement|if you do(?: not|n't) "
        r"agree[^.;]{0,60}?stop"
    ),
]
NONNEG_PROTECT = rx(
    r"протокол\w* разногласий[^.;]{0,60}?(?:принима|рассматрива|подлежит рассмотрению|согласовыва)\w*|"
    r"(?:вправе|может) (?:\w+ ){0,3}?(?:направить|предложить) (?:\w+ ){0,2}?(?:протокол разногласий|"
    r"изменени)|"
    r"индивидуальн\w* услови\w*[^.;]{0,60}?(?:имеют приоритет|согласовываются)"
)


def detect_non_negotiable(ctx: Ctx) -> Hit | None:
    patterns = NONNEG_RU if ctx.lang == "ru" else NONNEG_EN
    for i, pattern in enumerate(patterns):
        m = ctx.search(pattern)
        if not m:
            continue
        hit = Hit("NNG-" + ctx.lang.upper(), m.start(), m.end(), confidence=0.85)
        p: dict = {}
        if i == 0 or (ctx.lang == "ru" and i == 1):
            p["protocol_refused" if i == 0 else "unchangeable"] = True
        elif ctx.lang == "ru" and i == 2:
            p["public_offer"] = True
        else:
            p["acceptance_by_conduct"] = True
        sent = ctx.sentence_at(m.start())
        if (
            i != 0
            and ctx.search(NONNEG_PROTECT, sent.start, sent.end)
            and not re.search(r"не (?:принима|рассматрива)", ctx.norm[sent.start : sent.end])
        ):
            hit.protective = True
            hit.direction = IN_OUR_FAVOUR
        hit.params = p
        return hit
    if ctx.lang == "ru":
        m = ctx.search(NONNEG_PROTECT)
        if m and not re.search(r"не (?:принима|рассматрива)", ctx.norm[m.start() : m.end()]):
            return Hit(
                "NNG-RU-P", m.start(), m.end(), direction=IN_OUR_FAVOUR, protective=True, confidence=0.7
            )
    return None


# --- NUMBER_LOCKIN -------------------------------------------------------------------------------------
_NUM = (
    r"(?:абонентск\w* |телефонн\w* |городск\w* |виртуальн\w* |выделенн\w* )?номер(?!\w*\s+(?:договор|"
    r"счет|заказ|лицев|заявк|телефона горячей))\w*"
)
LOCKIN_RU = [
    rx(
        r"(?:по (?:своему |собственному )?усмотрению|вправе отказать)[^.;]{0,80}?(?:перенос|переоформлени|"
        r"передач)\w* (?:\w+ ){0,3}?номер"
    ),
    rx(
        r"(?:при|после|в случае|по) (?:\w+ ){0,2}?(?:расторжени|прекращени|окончани|истечени|отключени)\w*"
        r"[^.;]{0,120}?"
        + _NUM
        + r"[^.;]{0,80}?(?:возвраща|изыма|изъят|освобожда|аннулир|переда\w* (?:другим|иным|в ресурс|в "
        r"пул)|подлежат? возврат|"
        r"блокиру|прекраща|выводятся|закрыва)"
    ),
    rx(
        _NUM + r"[^.;]{0,100}?(?:возвраща|изыма|изъят|освобожда|аннулир|подлежат? "
        r"возврат)\w*[^.;]{0,80}?(?:при|после|в случае) "
        r"(?:\w+ ){0,2}?(?:расторжени|прекращени|окончани|истечени)"
    ),
    rx(
        _NUM + r"[^.;]{0,60}?(?:явля|относ|принадлеж|остает|остаю|составля)\w*[^.;]{0,60}?(?:ресурс\w* "
        r"нумерации|собственност\w*|"
        r"оператор|исполнител|провайдер|партнер)"
    ),
    rx(
        r"(?:не приобретает|не получает|не возникает)[^.;]{0,40}?(?:прав\w*|"
        r"собственност\w*)[^.;]{0,40}?(?:на )?(?:\w+ )?номер"
    ),
    rx(
        r"(?:перенос|переоформлени|передач|переход|сохранени)\w* (?:\w+ "
        r"){0,3}?номер\w*[^.;]{0,100}?(?:не (?:производится|допускается|"
        r"осуществляется|предусмотрен|возможн|выполняется)|по (?:согласованию|усмотрению|решению)|"
        r"(?:только |лишь )?с (?:\w+ )?согласи\w* (?:оператор|исполнител|провайдер|партнер)|за "
        r"плату|возможн\w*|"
        r"по заявлению|по запросу|осуществляется)"
    ),
    rx(
        _NUM + r"[^.;]{0,80}?(?:выделя|предоставля)\w*[^.;]{0,40}?(?:во временное пользование|на (?:период|"
        r"срок) действия)"
    ),
    rx(
        _NUM + r"[^.;]{0,60}?(?:может быть|могут быть) (?:выделен|передан|предоставлен)\w* (?:другому|иному|"
        r"третьим)"
    ),
]
LOCKIN_RU.append(
    rx(_NUM + r"[^.;]{0,60}?(?:может|могут) быть (?:переоформлен|перенесен|передан\w* (?:на|друг))\w*")
)
# "Абонент не вправе переуступать выделенные ему номера третьим лицам без согласия Оператора"
LOCKIN_RU.append(
    rx(
        r"(?:не вправе|не может)\s+(?:\w+\s+){0,2}?(?:переуступ|передава|передать|переоформ|перенос|"
        r"перенест)\w*\s+(?:\w+\s+){0,3}?номер\w*[^.;]{0,60}?без (?:\w+ )?(?:согласи|разрешени)"
    )
)
LOCKIN_EN = [
    rx(
        r"numbers? (?:shall |will )?(?:remain|are|is|belong)\w*[^.;]{0,40}?(?:property of|owned by|belong to)"
    ),
    rx(
        r"no right to port|not (?:be )?(?:portable|ported)|port(?:ing)?[^.;]{0,40}?not (?:permitted|"
        r"supported|available|possible)"
    ),
    rx(
        r"numbers?[^.;]{0,60}?(?:released|reassigned|returned|reclaimed|withdrawn)[^.;]{0,40}?(?:upon|on|"
        r"after) (?:termination|expiry|cancellation)"
    ),
]
EXIT_RETURN_RU = rx(
    r"(?:при|после|в случае|по) (?:\w+ ){0,2}?(?:расторжени|прекращени|окончани|истечени|отключени)\w*"
    r"[^.;]{0,60}?(?:подлежат? возврат|возвраща|изыма|изъят|аннулир|освобожда|"
    r"(?:выдел|переда|предостав)\w* (?:\w+ ){0,2}?(?:другим|иным|третьим|новым))"
)
# "Номер закрепляется … и после его расторжения возвращается …": number, then exit, then return
LOCKIN_RU.append(rx(_NUM + r"[^.;]{0,100}?" + EXIT_RETURN_RU.pattern))
RETURNED = rx(
    r"возвраща|изыма|изъят|освобожда|аннулир|подлежат? возврат|не (?:производится|допускается|"
    r"осуществляется|предусмотрен|возможн)|released|reassigned|returned|reclaimed|withdrawn|no right to "
    r"port|not (?:be )?(?:portable|ported)|not (?:permitted|supported|available|possible)"
)
DISCRETION = rx(
    r"по (?:\w+ )?(?:усмотрению|решению) (?:оператор|исполнител|провайдер|партнер)|по согласованию с "
    r"(?:оператор|исполнител|провайдер|партнер)|по (?:своему )?усмотрению|at (?:its|our) discretion|"
    r"(?:с|без) (?:\w+ )?(?:согласи|разрешени)\w* (?:оператор|исполнител|провайдер|партнер|компани)"
)
NO_TRANSFER = rx(r"без (?:возможности|права) (?:\w+ ){0,2}?(?:перенос|переоформл|сохранени|передач)")
OWNS = rx(
    r"ресурс\w* нумерации|номерн\w* емкост|во временное пользование|собственност\w*|не приобретает|принадлеж|"
    r"property of|owned by|belong"
)
LOCKIN_PROTECT = rx(
    r"(?:оператор|исполнител|провайдер)\w* (?:\w+ ){0,2}?(?:обязу\w*|обязан\w*|"
    r"гарантиру\w*)[^.;]{0,60}?(?:перенос|переоформ|передат|передач|сохран)\w*[^.;]{0,40}?номер|"
    r"(?:абонент|заказчик|клиент)\w* (?:\w+ ){0,2}?(?:вправе|имеет право)[^.;]{0,60}?(?:перенес|"
    r"переоформ|сохрани|передат)\w*[^.;]{0,40}?номер|"
    r"номер\w*[^.;]{0,60}?(?:сохраняется|сохраняются|закрепля\w*) за (?:абонент|заказчик|клиент)|"
    r"(?:you|customer) (?:may|can|will be able to|has the right to) (?:port|transfer|keep)"
)


def detect_lockin(ctx: Ctx) -> Hit | None:
    if ctx.lang == "ru":
        protect = ctx.search(LOCKIN_PROTECT)
        if (
            protect
            and not ctx.search(rx(r"не (?:производится|допускается|осуществляется|предусмотрен)"))
            and not ctx.search(EXIT_RETURN_RU)
        ):
            return Hit(
                "LCK-RU-P",
                protect.start(),
                protect.end(),
                direction=IN_OUR_FAVOUR,
                protective=True,
                confidence=0.7,
            )
    patterns = LOCKIN_RU if ctx.lang == "ru" else LOCKIN_EN
    for pattern in patterns:
        m = ctx.search(pattern)
        if not m:
            continue
        seg = ctx.norm[m.start() : m.end()]
        hit = Hit("LCK-" + ctx.lang.upper(), m.start(), m.end(), confidence=0.8)
        clause = ctx.norm[ctx.start : ctx.end]
        p: dict = {}
        if RETURNED.search(seg) or re.search(
            r"(?:при|после) (?:\w+ )?(?:расторжени|прекращени)[^.;]{0,120}?номер\w*[^.;]{0,60}?(?:возвращ"
            r"а|изыма|освобожда|аннулир)",
            clause,
        ):
            p[
                "returned_on_exit"
                if re.search(
                    r"возвраща|изыма|изъят|освобожда|аннулир|возврат|released|reassigned|returned|"
                    r"reclaimed|withdrawn",
                    seg,
                )
                else "no_transfer"
            ] = True
        if "returned_on_exit" not in p and NO_TRANSFER.search(clause):
            p["no_transfer"] = True
        if "returned_on_exit" not in p and ctx.lang == "ru" and EXIT_RETURN_RU.search(clause):
            # "numbers belong to the operator and are returned on termination": the ownership cue
            # matched first, but the clause also takes the numbers back on exit
            p["returned_on_exit"] = True
        if OWNS.search(clause):
            p["provider_owns"] = True
        if DISCRETION.search(clause):
            p["transfer_at_discretion"] = True
        if re.search(r"по заявлению|по запросу|on request|upon request", clause) and not p:
            p["transfer_on_request"] = True
        hit.params = p
        return hit
    return None


# --- AUTO_RENEWAL --------------------------------------------------------------------------------------
RENEWAL_RU = [
    rx(
        r"(?:считается|будет считаться|автоматически|ежегодно)\s+(?:\w+\s+){0,4}?(?:продлен|пролонгир|"
        r"продлева|продлит)\w*"
    ),
    rx(
        r"(?:продлева|пролонгир|продлен|продлит)\w*\s+(?:\w+\s+){0,4}?на (?:тот же|каждый|следующ|"
        r"очередн|аналогичн|такой же|последующ|один|1|новый)\w*"
    ),
    rx(
        r"если (?:ни одна из сторон|ни одна сторона|стороны не|сторона не|абонент не|заказчик не|ни одна "
        r"из сторон не)[^.;]{0,140}?"
        r"(?:заявит|уведомит|сообщит|направит|известит)[^.;]{0,140}?(?:прекращени|расторжени|продлени|"
        r"намерени|непродлени|отказ)"
    ),
    rx(r"пролонгаци\w*|автопролонгаци\w*"),
    # "отказ Заказчика от продления": a renewal the customer has to decline
    rx(r"отказ\w* (?:\w+ ){0,2}?от (?:\w+ )?(?:продлени|пролонгаци)\w*|непродлени\w*"),
]
RENEWAL_EN = [
    rx(
        r"automatic(?:ally)? (?:be )?(?:renew|extend|continue)\w*|auto-?renew\w*|evergreen|month[- ]to[- "
        r"]month|year[- ]to[- ]year"
    ),
    rx(
        r"(?:wishes|desires|elect\w*|right) to (?:extend|renew)|extend (?:the|its|this) term|successor "
        r"(?:franchise|term)|continue in effect (?:until|for)"
    ),
    rx(
        r"(?:shall|will) (?:be )?(?:automatically )?(?:renew|extend)\w*[^.;]{0,80}?(?:successive|"
        r"additional|further|consecutive|subsequent|renewal|same)"
    ),
    rx(
        r"unless (?:either|a|one|the other|neither|any)? ?party[^.;]{0,120}?(?:notice|"
        r"notif)\w*[^.;]{0,100}?(?:renew|terminat|extend|expir)"
    ),
    rx(
        r"(?:notice|intention|intent) (?:of|not to) (?:non-?renewal|renew)|non-?renewal|renewal (?:term|"
        r"period)s?"
    ),
    rx(
        r"renew(?:ed|al|s)? for (?:an? )?(?:additional|successive|further|consecutive|subsequent|one|two|"
        r"three|\d)|(?:option|right) to (?:renew|extend)|may (?:be )?(?:renew|"
        r"extend)\w*[^.;]{0,80}?(?:term|period|agreement)"
    ),
]
NO_RENEWAL = rx(
    r"не (?:подлежит|продлевается|пролонгируется|будет продлен)|(?:автоматическ\w* )?(?:продлени|"
    r"пролонгаци)\w* не (?:производится|осуществляется|предусмотрен)|shall not (?:automatically )?renew|"
    r"will not (?:automatically )?renew"
)
CUSTOMER_MUST_NOTIFY = rx(
    r"если (?:абонент|заказчик|клиент)\w* не|(?:отказ|уведомлени|заявлени)\w* (?:\w+ )?(?:абонент|заказчик|"
    r"клиент)|unless (?:you|customer)"
)
MUTUAL_NOTIFY = rx(r"ни одна из сторон|ни одна сторона|любая из сторон|either party|neither party")
AUTOMATIC_EN = rx(
    r"automatic|auto-?renew|evergreen|unless (?:either|a|one|the other|neither|any)? ?party|shall (?:be "
    r")?(?:automatically )?renew|will (?:be )?(?:automatically )?renew|shall (?:be )?extend|will (?:be "
    r")?extend|non-?renewal"
)


def detect_renewal(ctx: Ctx) -> Hit | None:
    patterns = RENEWAL_RU if ctx.lang == "ru" else RENEWAL_EN
    for pattern in patterns:
        m = ctx.search(pattern)
        if not m:
            continue
        hit = Hit("REN-" + ctx.lang.upper(), m.start(), m.end(), direction=MUTUAL, confidence=0.85)
        sent = ctx.sentence_at(m.start())
        if ctx.search(NO_RENEWAL, sent.start, sent.end):
            hit.protective = True
            hit.direction = IN_OUR_FAVOUR
            return hit
        p: dict = {}
        notice = P.notice_period(ctx.norm, ctx.start, ctx.end)
        if notice:
            p["renewal_notice_days"] = notice.value.days
            p["renewal_notice_day_kind"] = notice.value.kind or "unspecified"
            hit.extra_spans.append((notice.start, notice.end))
        fee = ctx.search(EXIT_FEE)
        if fee:
            p["exit_fee"] = True
            hit.extra_spans.append((fee.start(), fee.end()))
        term = P.months_number(ctx.norm, ctx.start, ctx.end, r"(?:на|for|term of|period of|срок\w*)\s")
        if term:
            p["term_months"] = term.value
        if ctx.lang == "en":
            p["automatic"] = bool(ctx.search(AUTOMATIC_EN))
        if ctx.search(CUSTOMER_MUST_NOTIFY) and not ctx.search(MUTUAL_NOTIFY):
            hit.direction = AGAINST_US
        hit.params = p
        return hit
    return None


# --- UNILATERAL_TERMINATION ----------------------------------------------------------------------------
_STOP_RU = (
    r"(?:приостан\w*|ограничи\w*|ограничен\w*|заблокир\w*|блокир\w*|прекрати\w*|прекращ\w*|отключ\w*|"
    r"расторг\w*|"
    r"отказа\w* от (?:исполнения|договора|оказания|дальнейшего))"
)
_STOP_OBJECT = rx(
    r"оказани|доступ|услуг|предоставлени|обслуживани|договор|исполнени|номер|учетн|соединени|связ|работ|"
    r"лицев|аккаунт|кабинет|трафик"
)
TERMINATION_RU = [
    rx(r"(?:вправе|имеет право|может|оставляет за собой право|праве)\s+(?:[^.;\s]+\s+){0,8}?" + _STOP_RU),
    rx(
        r"(?:приостанавлива|блокиру|прекраща|отключа|ограничива)(?:ет|ются|ется|"
        r"ют)\s+(?:\w+\s+){0,4}?(?:оказани|доступ|услуг|предоставлени|обслуживани)"
    ),
    rx(
        r"(?:оказание услуг|доступ|услуги)[^.;]{0,40}?(?:может быть|могут быть|подлежит|подлежат) (?:\w+ "
        r")?(?:приостановлен|ограничен|прекращен|заблокирован)\w*"
    ),
    # "Оказание услуг приостанавливается Оператором …"
    rx(
        r"(?:оказание|предоставление|обслуживание|доступ)\s+(?:\w+\s+){0,3}?(?:приостанавлива|прекраща|"
        r"ограничива|блокиру)\w*ся"
    ),
]
TERMINATION_EN = [
    rx(
        r"(?:may|can|reserves? the right to|right to|shall be entitled to|is entitled to|are entitled to|"
        r"will be entitled to)\s+"
        r"(?:[^.;\s]+\s+){0,8}?(?:(?:suspend|terminat|disabl|block|cancel|discontinu|restrict|deactivat|"
        r"remov|clos|ban|"
        r"delet|refus)\w*|end)\b"
    ),
    rx(
        r"(?:will|shall|might|may|would)\s+(?:\w+\s+){0,3}?(?:terminate|suspend|disable|block|delete|"
        r"close|deactivate|end)\w*"
        r"\s+(?:\w+\s+){0,3}?(?:accounts?|access|services?|memberships?|subscriptions?|agreement|contract|"
        r"rights?|use)\b"
    ),
    # "the licences granted … terminate if you do not comply", "your account may automatically expire
    # following any period of inactivity", "your permission … will terminate automatically"
    rx(
        r"(?:licen[cs]es?|permission|account|access)\b[^.;]{0,80}?\b(?:will |shall |may )?(?:automatically )?"
        r"(?:terminate|expire|be terminated|be suspended|be closed|be deleted)\w*\s+(?:automatically|if|upon|"
        r"following|when|on)\b"
    ),
    rx(r"until terminated by (?:either|any) party"),
    rx(
        r"(?:automatically|immediately) terminat\w*|(?:disabling|suspending|terminating|closing|"
        r"blocking) (?:your|the|any) (?:account|access|service)"
    ),
    rx(
        r"terminat\w* (?:this agreement )?(?:for convenience|without cause|for any reason)|(?:suspension|"
        r"termination) of (?:your|the) (?:account|service|access)"
    ),
]
ANY_REASON = rx(
    r"по (?:своему|собственному) (?:\w+ )?(?:усмотрению|решению)|без (?:объяснения|указания|обоснования|"
    r"пояснения) (?:\w+ )?причин|"
    r"по любым (?:основаниям|причинам)|без (?:каких-либо |всяких )?(?:оснований|причин)|в любое время|в "
    r"любой момент|по любой причине|"
    r"at any time|for any (?:or no )?reason|for no reason|(?:sole|absolute|own|its|our) discretion|"
    r"without (?:cause|reason)|"
    r"with or without (?:cause|notice)|for convenience|whatever reason"
)
LAW_ONLY = rx(
    r"по (?:требованию|предписанию|решению) (?:\w+ )?(?:уполномоченн|государственн|компетентн|суд)\w*|"
    r"в случа\w*,? (?:прямо )?(?:предусмотренн|установленн)\w* (?:\w+ )?(?:законодательств|закон)\w*|"
    r"за исключением случа\w*,? (?:прямо )?(?:предусмотренн|установленн)\w*|"
    r"на основании (?:решения суда|предписани|вступившего)|(?:required|requested|ordered) by (?:law|a "
    r"court|any court|authorit|government|regulat)|"
    r"to comply with (?:applicable )?law|court order"
)
VAGUE = rx(
    r"подозрени|нетипичн|мошенническ|фрод|по мнению (?:оператора|исполнителя)|в иных случаях|и иных "
    r"случаях|угроз\w*|"
    r"несанкционированн|аномальн|признак\w*|иного нарушения|иных нарушени|любого нарушения|"
    r"suspect|believe|reasonabl\w* (?:believe|determine|suspect)|\bfraud|abus|harm|risk|security|"
    r"inappropriate|objectionable|"
    r"appropriate circumstances|any violation|in our judgment|we determine"
)
DEBT = rx(
    r"задолженност|отрицательн\w* баланс|неоплат|неуплат|просрочк\w* (?:\w+ )?(?:оплат|платеж)|"
    r"несвоевременн\w* (?:\w+ )?оплат|"
    r"недостаточн\w* (?:денежных )?средств|исчерпани|нулев\w* баланс|не поступлени\w* (?:\w+ )?оплат|не "
    r"оплат|"
    r"non-?payment|fail\w* to pay|unpaid|overdue|past due|payment default|late payment"
)
BREACH = rx(r"нарушени\w*|несоблюдени\w*|неисполнени\w*|\bbreach|violat\w*|default")
NO_NOTICE = rx(
    r"без (?:\w+ )?(?:уведомлени|предупреждени|извещени)\w*|немедленно|without (?:prior |advance |any "
    r")?notice|immediately"
)


EN_STOP_OBJECT = rx(
    r"account|access|agreement|contract|membership|subscription|services?\b|use of|licen[cs]e|"
    r"relationship|order|this|it\b|them\b|profile|card"
)
EN_FEATURE = rx(
    r"features?|functionalit|offerings?|feeds?\b|providers?|content|limits?\b|platform|timetables?"
)


def detect_termination(ctx: Ctx) -> Hit | None:
    patterns = TERMINATION_RU if ctx.lang == "ru" else TERMINATION_EN
    for i, pattern in enumerate(patterns):
        for m in ctx.finditer(pattern):
            if ctx.lang == "en" and i == 0:
                tail = ctx.norm[m.end() : min(ctx.end, m.end() + 80)]
                obj = EN_STOP_OBJECT.search(tail)
                feature = EN_FEATURE.search(tail)
                if feature and (not obj or feature.start() < obj.start()):
                    continue
            if (
                ctx.lang == "ru"
                and i == 0
                and not _STOP_OBJECT.search(ctx.norm, m.end(), min(ctx.end, m.end() + 80))
            ):
                continue
            if ctx.lang == "ru" and re.search(
                r"ответственност", ctx.norm[m.end() : min(ctx.end, m.end() + 30)]
            ):
                continue
            sent = ctx.sentence_at(m.start())
            actor = ctx.actor(m.start())
            hit = Hit("TRM-" + ctx.lang.upper(), m.start(), m.end(), confidence=0.8)
            hit.direction = _direction(actor, ctx.lang)
            if i > 0 and actor is None:
                hit.direction = AGAINST_US if ctx.lang == "ru" else UNCLEAR
            if hit.direction == IN_OUR_FAVOUR:
                hit.protective = True
                return hit
            scope_start, scope_end = sent.start, ctx.end
            seg = ctx.norm[scope_start:scope_end]
            p: dict = {
                "kind": "suspension"
                if re.search(
                    r"приостан|блокир|ограничи|suspend|block|disable|restrict", ctx.norm[m.start() : m.end()]
                )
                else "termination"
            }
            if ANY_REASON.search(seg):
                p["grounds"] = "any"
            elif VAGUE.search(seg):
                p["grounds"] = "vague"
            elif DEBT.search(seg):
                p["grounds"] = "debt"
            elif BREACH.search(seg):
                p["grounds"] = "breach"
            elif LAW_ONLY.search(seg):
                p["grounds"] = "law"
            else:
                p["grounds"] = "vague" if ctx.lang == "ru" else "unstated"
            notice = P.notice_period(ctx.norm, scope_start, scope_end)
            if notice:
                p["notice_days"] = notice.value.days
                p["notice_day_kind"] = notice.value.kind or "unspecified"
                hit.extra_spans.append((notice.start, notice.end))
            elif NO_NOTICE.search(seg):
                p["notice_days"] = 0
            if p["grounds"] == "unstated":
                p["grounds"] = "breach" if notice else "any"
            hit.params = p
            return hit
    return None


# --- JURISDICTION --------------------------------------------------------------------------------------
JURIS_RU = [
    rx(
        r"\b(?:спор\w*|разногласи\w*|иск(?:и|ов|а|у)?\b|исков\w*|дел[оа]?\b)[^.;]{0,200}?\b(?:суд\w*|"
        r"арбитраж\w*|подсуд\w*)"
    ),
    rx(
        r"(?:спор\w*|разногласи\w*)[^.;]{0,100}?(?:рассмотрени|разрешени|переда)\w*[^.;]{0,40}?по месту "
        r"нахождения"
    ),
    rx(
        r"подсудност\w*|третейск\w*|применим\w* прав\w*|регулиру\w*[^.;]{0,40}?прав\w* (?:англи|кипр|\w+ской)"
    ),
]
JURIS_EN = [
    rx(
        r"governed by (?:[^.;]{0,40}?)\blaws?\b|construed (?:in accordance with|under)|governing law|"
        r"laws of the state of|choice "
        r"of law|"
        r"laws? of [^.;]{0,60}?(?:govern|appl(?:y|ies|icable))|place of jurisdiction|district court|"
        r"(?:resolve|settle|bring|litigate)\w* (?:it |them |any \w+ )?in [^.;]{0,40}?courts?"
    ),
    rx(
        r"(?:exclusive|non-exclusive) jurisdiction|jurisdiction of|submit to the (?:\w+ )?jurisdiction|"
        r"\bvenue\b|arbitrat\w*|courts? (?:of|in|located|sitting)|"
        r"class action|jury trial|small claims|dispute resolution|disputes? (?:shall|will) be "
        r"(?:resolved|settled|brought)"
    ),
]
ARBITRATION = rx(
    r"третейск|\bарбитраж(?:а|у|ем|ом|е)?\b|арбитражн\w* (?:центр|институт|палат)|"
    r"арбитражн\w* учреждени|мкас|международн\w* коммерческ\w* арбитраж|\barbitrat\w*|\bjams\b|"
    r"american arbitration|"
    r"\bicc\b|\blcia\b"
)
FOREIGN = rx(
    r"(?:прав\w*|законодательств\w*|суд\w*) (?:\w+ )?(?:англи|великобритан|кипр|нидерланд|швейцар|"
    r"германи|сша|соединенн\w* штат|"
    r"латви|эстони|сингапур|гонконг|ирланди|люксембург|делавэр)|английск\w* прав|иностранн\w* (?:прав|"
    r"суд|государств)"
)
DEFENDANT = rx(
    r"по месту нахождения (?:\w+ )?ответчика|по общим правилам подсудности|в соответствии с (?:\w+ "
    r")?(?:подсудност|подведомственност)|"
    r"в порядке,? (?:установленном|предусмотренном) (?:действующим )?законодательств|"
    r"defendant'?s? (?:domicile|residence|location|principal)|courts? (?:where|in which) you (?:live|reside)|"
    r"your (?:country|place|state|city) of (?:residence|domicile)|courts? of your|local court|where you live|"
    r"you (?:may|can) (?:also )?bring|in your (?:country|place)|(?:country|place|state|territory) "
    r"(?:where|in which) you (?:live|reside)|"
    r"laws? of your (?:home )?(?:country|state)|mandatory (?:local )?(?:law|provision)|consumer protection|"
    r"habitually reside|habitual residence|where you (?:have your|are domiciled)|"
    r"may not apply to you|some (?:jurisdictions|states|countries) do not"
)
PROVIDER_SEAT = rx(
    r"по месту нахождения (?:\w+ )?(?:оператор|исполнител|провайдер|поставщик|истца|лицензиар|партнер|"
    r"компани)"
)
CITY = rx(
    r"(?:суд\w*|арбитраж\w*)[^.;]{0,50}?(?:\bг\.|\bгор\.|\bгорода)\s*(?P<city>(?:нижн\w+|велик\w+|санкт|"
    r"ростов)[- ][а-я-]+|[а-я][а-я-]+)"
)
REGION = rx(
    r"арбитражн\w* суд\w* (?P<region>(?:республики|[а-я]+(?:ской|ского)) [а-я]+\w*|[а-я]+ской области|"
    r"[а-я]+ского края)"
)
EXPLICIT_FORUM_EN = rx(
    r"exclusive(?:ly)? (?:\w+ )?(?:jurisdiction|govern|venue|place)|governed by the laws? of (?!your)"
)
RUSSIAN_LAW = rx(r"российск\w* федераци|\bрф\b|russian federation|russia\b")


def detect_jurisdiction(ctx: Ctx, home_city: str | None = None) -> Hit | None:
    patterns = JURIS_RU if ctx.lang == "ru" else JURIS_EN
    for pattern in patterns:
        m = ctx.search(pattern)
        if not m:
            continue
        if (
            ctx.lang == "ru"
            and ctx.has(RUSSIAN_LAW)
            and not ctx.has(FOREIGN)
            and not re.search(r"суд|арбитраж|третейск|подсудн|по месту", ctx.norm[ctx.start : ctx.end])
        ):
            return None  # "применимым правом является право РФ" names no forum: nothing to grade
        hit = Hit("JUR-" + ctx.lang.upper(), m.start(), m.end(), direction=MUTUAL, confidence=0.8)
        p: dict = {}
        city = ctx.search(CITY)
        region = ctx.search(REGION)
        if city:
            p["court_city"] = city_nominative(ctx.text[city.start("city") : city.end("city")])
            hit.extra_spans.append((city.start(), city.end()))
        elif region:
            p["court_region"] = ctx.text[region.start("region") : region.end("region")]
            hit.extra_spans.append((region.start(), region.end()))
        claim = re.search(r"претензионн\w*[^.;]{0,200}", ctx.norm[ctx.start : ctx.end])
        if claim:
            window = P.window_period(ctx.norm, ctx.start + claim.start(), ctx.end)
            if window:
                p["claim_period_days"] = window.value.days
        if ctx.has(ARBITRATION):
            p["forum"] = "arbitration"
            hit.direction = AGAINST_US
        elif ctx.has(FOREIGN) or (ctx.lang == "en" and not ctx.has(RUSSIAN_LAW) and not ctx.has(DEFENDANT)):
            p["forum"] = "foreign"
            hit.direction = AGAINST_US
        elif ctx.has(DEFENDANT) and not ctx.has(PROVIDER_SEAT) and not ctx.has(EXPLICIT_FORUM_EN):
            p["forum"] = "defendant"
            hit.direction = MUTUAL
            if ctx.lang == "en":
                hit.protective = True  # the consumer's own courts and mandatory law: in our favour
                hit.direction = IN_OUR_FAVOUR
        elif home_city and p.get("court_city", "").lower() == home_city.strip().lower():
            p["forum"] = "home"
        elif ctx.has(PROVIDER_SEAT) or city or region:
            p["forum"] = "provider"
            hit.direction = AGAINST_US
        else:
            p["forum"] = "defendant"  # "в судебном порядке" with no forum: the statutory default applies
        hit.params = p
        return hit
    return None


# --- MIN_COMMITMENT ------------------------------------------------------------------------------------
MINCOM_RU = [
    rx(
        r"минимальн\w*\s+(?:ежемесячн\w*\s+|месячн\w*\s+|гарантированн\w*\s+|обязательн\w*\s+|"
        r"неснижаем\w*\s+)?"
        r"(?:платеж|сумм|объем|размер|начислени|списани|оплат|стоимост|абонентск\w* плат|чек|расход)\w*"
    ),
    rx(r"гарантированн\w*\s+(?:ежемесячн\w*\s+|минимальн\w*\s+)?(?:платеж|объем|минимум|оплат|сумм)\w*"),
    rx(r"неснижаем\w*\s+(?:остат|баланс|сумм|платеж)\w*"),
    rx(
        r"(?:обязу|обязан|гарантиру)\w*\s+(?:\w+\s+){0,3}?(?:потреблять|оплачивать|приобретать|использовать|"
        r"заказывать|оплат\w*|потреблени\w*|пополн\w*)\s+(?:[^.;\s]+\s+){0,4}?(?:на сумму\s+|в размере\s+)?"
        r"не (?:менее|ниже)"
    ),
    rx(
        r"минимальн\w*\s+количеств\w*|не менее \d+\s*(?:\([^)]*\)\s*)?(?:лини|номер|пользовател|канал|"
        r"рабочих мест|лицензи|абонентск|sip|внутренн)"
    ),
    rx(r"(?:доплач|доплат)\w*\s+(?:\w+\s+){0,2}?разниц"),
]
MINCOM_EN = [
    rx(
        r"minimum (?:monthly |annual |yearly |quarterly |aggregate |guaranteed )?(?:commitment|purchase|"
        r"order|spend|fee|revenue|"
        r"payment|quantit|volume|amount|charge|number|royalt|sales|guarantee|annual|monthly|usage|"
        r"requirement|level)\w*"
    ),
    rx(
        r"take[- ]or[- ]pay|shortfall|committed (?:volume|spend|amount|quantit)|minimum of \d|minimum of "
        r"[a-z]+ \("
    ),
    rx(
        r"(?:volume|purchase|minimum|quarterly|annual|spend|revenue|sales) commitments?|deficiency payment|"
        r"guarantee[sd]? (?:that )?(?:it |they )?(?:will |shall )?(?:deliver|purchase|pay|meet|order|"
        r"sell)|\bminimum\b"
    ),
    rx(
        r"(?:purchase|order|buy|pay|procure|sell|supply|produce|deliver|"
        r"manufacture)\w*\s+(?:[^.;\s]+\s+){0,6}?(?:at least|not less than|a minimum of|"
        r"no less than|minimum of)"
    ),
    rx(
        r"(?:not less than|no less than|at least|a minimum of)\s+[^.;]{0,60}?(?:units|licen[cs]es|users|"
        r"lines|seats|per (?:month|year|quarter|annum)|each (?:month|year|quarter|calendar))"
    ),
]
NOT_A_COMMITMENT_EN = rx(
    r"insurance|coverage|warranty period|minimum age|minimum limits|minimum (?:wage|standards?|"
    r"requirements? of (?:applicable )?law)"
)
MINCOM_PROTECT = rx(
    r"минимальн\w* (?:\w+ )?(?:платеж|сумм|объем)\w*[^.;]{0,40}?\sне (?:устанавлива|предусмотр|применя|"
    r"взима)|без минимальн\w* (?:платеж|сумм|объем)|no minimum"
)
SHORTFALL = rx(
    r"разниц\w*|списыва\w*[^.;]{0,40}?(?:в полном объеме|полностью)|подлежит оплате в полном (?:объеме|"
    r"размере)|"
    r"оплачива\w* в полном (?:объеме|размере)|независимо от (?:факта |объема )?(?:пользовани|"
    r"использовани|потреблени|фактическ)|"
    r"shortfall|difference|take[- ]or[- ]pay|regardless of (?:actual )?(?:usage|use)"
)
UNITS_AFTER = rx(
    r"минимальн\w* количеств\w* (?:лини|номер|пользовател|канал|рабочих мест|лицензи)\w*[^.;\d]{0,60}?(\d+)"
)
UNITS = rx(
    r"(?:не менее|минимальн\w* количеств\w*)[^.;]{0,20}?(\d+)\s*(?:\([^)]*\)\s*)?(?:лини|номер|"
    r"пользовател|канал|рабочих мест|лицензи|абонентск|sip|внутренн)"
)


def detect_min_commitment(ctx: Ctx) -> Hit | None:
    if ctx.has(MINCOM_PROTECT):
        m = ctx.search(MINCOM_PROTECT)
        return Hit("MIN-P", m.start(), m.end(), direction=IN_OUR_FAVOUR, protective=True, confidence=0.7)
    patterns = MINCOM_RU if ctx.lang == "ru" else MINCOM_EN
    for pattern in patterns:
        m = ctx.search(pattern)
        if not m:
            continue
        if ctx.lang == "en":
            sent = ctx.sentence_at(m.start())
            if ctx.search(NOT_A_COMMITMENT_EN, sent.start, sent.end):
                continue  # minimum insurance cover, warranty period or age: not a spend or volume
        hit = Hit("MIN-" + ctx.lang.upper(), m.start(), m.end(), confidence=0.8)
        hit.direction = AGAINST_US if ctx.lang == "ru" else UNCLEAR
        p: dict = {}
        units = ctx.search(UNITS)
        money = P.find_money(ctx.norm, ctx.start, ctx.end)
        if money:
            p["min_amount"] = money[0][0]
            hit.extra_spans.append((money[0][1], money[0][2]))
        elif units or ctx.search(UNITS_AFTER):
            units = units or ctx.search(UNITS_AFTER)
            p["min_units"] = int(units.group(1))
            hit.extra_spans.append((units.start(), units.end()))
        if ctx.has(SHORTFALL):
            p["shortfall_charged"] = True
        if (
            ctx.lang == "ru"
            and "min_amount" not in p
            and re.search(r"платеж|сумм|оплат|начислени|списани|чек|расход", ctx.norm[m.start() : m.end()])
        ):
            p["spend"] = True
        term = P.months_number(ctx.norm, ctx.start, ctx.end, r"(?:срок\w*|в течение|на период|term|period)\s")
        if term:
            p["term_months"] = term.value
        if ctx.has(EXIT_FEE):
            p["exit_fee"] = True
        hit.params = p
        return hit
    return None


# --- scanning ------------------------------------------------------------------------------------------
Detector = Callable[[Ctx], "Hit | None"]
DETECTORS: dict[str, Detector] = {
    "PRICE_CHANGE_UNILATERAL": detect_price_change,
    "TERMS_CHANGE_UNILATERAL": detect_terms_change,
    "INVOICE_DEEMED_ACCEPTED": detect_invoice,
    "PENALTY": detect_penalty,
    "UNCAPPED_LIABILITY": detect_uncapped,
    "LIABILITY_LIMITATION": detect_limitation,
    "NON_NEGOTIABLE": detect_non_negotiable,
    "NUMBER_LOCKIN": detect_lockin,
    "AUTO_RENEWAL": detect_renewal,
    "UNILATERAL_TERMINATION": detect_termination,
    "JURISDICTION": detect_jurisdiction,
    "MIN_COMMITMENT": detect_min_commitment,
}


def _quote_span(ctx: Ctx, hit: Hit) -> tuple[int, int]:
    """The sentences holding the trigger and the parameters it relies on (never beyond the clause)."""
    points = [(hit.start, hit.end), *hit.extra_spans]
    sentences = [ctx.sentence_at(a) for a, _ in points] + [ctx.sentence_at(max(b - 1, a)) for a, b in points]
    start = min(s.start for s in sentences)
    end = max(s.end for s in sentences)
    return start, end


def _grade(code: str, hit: Hit, policy: dict | None) -> str:
    if hit.protective or hit.direction == IN_OUR_FAVOUR:
        return INFO
    return severity_for(code, hit.params, policy)


def scan(
    text: str,
    *,
    policy: dict | None = None,
    home_city: str | None = None,
    lang: str | None = None,
    codes: tuple[str, ...] | None = None,
) -> list[Finding]:
    """Findings in `text`, worst first; `start`/`end` index `text`, and text[start:end] == quote."""
    norm = normalize(text)
    lang = lang or detect_language(text)
    found: dict[tuple[str, str], Finding] = {}
    for clause in split_clauses(text):
        ctx = Ctx(text, norm, clause, lang, split_sentences(text, clause.body_start, clause.end))
        if not ctx.sentences:
            continue
        for code, detector in DETECTORS.items():
            if codes and code not in codes:
                continue
            hit = detector(ctx, home_city) if code == "JURISDICTION" else detector(ctx)
            if hit is None:
                continue
            finding = _finding(code, hit, ctx, lang, policy)
            key = (clause.number, code)
            old = found.get(key)
            if old is None or (RANK[finding.severity], finding.confidence) > (
                RANK[old.severity],
                old.confidence,
            ):
                found[key] = finding
    findings = _cross_clause(list(found.values()), policy)
    findings.sort(key=lambda f: (-RANK[f.severity], f.start, f.code))
    return findings


def _finding(code: str, hit: Hit, ctx: Ctx, lang: str, policy: dict | None) -> Finding:
    start, end = _quote_span(ctx, hit)
    params = {k: v for k, v in hit.params.items() if not k.startswith("_")}
    severity = _grade(code, hit, policy)
    confidence = round(min(0.95, hit.confidence + (0.05 if params else 0.0)), 2)
    return Finding(
        code=code,
        severity=severity,
        confidence=confidence,
        direction=hit.direction,
        clause=ctx.clause.number,
        start=start,
        end=end,
        quote=ctx.text[start:end],
        parameters=params,
        legal_basis=list(LEGAL_BASIS[code]),
        suggestion=suggestion_for(code, lang),
        rule_id=hit.rule_id,
    )


def _cross_clause(findings: list[Finding], policy: dict | None) -> list[Finding]:
    """A one-sided limitation of the provider's liability is high when our own liability is unlimited."""
    ours_unlimited = any(
        (
            f.code == "UNCAPPED_LIABILITY"
            and RANK[f.severity] >= RANK["medium"]
            and f.direction != IN_OUR_FAVOUR
        )
        or (f.code == "PENALTY" and f.severity == CRITICAL)
        for f in findings
    )
    if not ours_unlimited:
        return findings
    out = []
    for f in findings:
        if f.code == "LIABILITY_LIMITATION" and f.severity != INFO and not f.parameters.get("mutual"):
            params = {**f.parameters, "our_liability_unlimited": True}
            f = Finding(
                **{**f.__dict__, "parameters": params, "severity": severity_for(f.code, params, policy)}
            )
        out.append(f)
    return out


def regrade(findings: list[Finding], policy: dict | None = None) -> list[Finding]:
    """The findings of one text graded again under `policy`, from their stored parameters (same order).

    What `scan(text, policy=policy)` would say about the same hits: a finding graded `info` (a protective
    clause, or a right that is ours) stays `info`; every other one is put through the policy's bands, and
    the document-level LIABILITY_LIMITATION upgrade is worked out again (it may now apply, or no longer).
    """
    graded = []
    for f in findings:
        if f.severity == INFO:
            graded.append(f)
            continue
        params = {k: v for k, v in f.parameters.items() if k != "our_liability_unlimited"}
        graded.append(replace(f, parameters=params, severity=severity_for(f.code, params, policy)))
    return _cross_clause(graded, policy)


def detected_codes(text: str, *, min_severity: str = "low", lang: str | None = None) -> set[str]:
    """The codes found in `text` at `min_severity` or worse (used by the benchmark)."""
    return {f.code for f in scan(text, lang=lang) if RANK[f.severity] >= RANK[min_severity]}
