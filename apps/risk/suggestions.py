"""What the lawyer should ask for instead, per risk code, and the law to cite.

Each suggestion has three parts: `ask` (the wording to propose), `fallback` (what to accept if the
provider refuses) and `walk_away_if` (when not to sign). Russian text for Russian contracts.
Legal references marked "(verify)" in the research notes are cited as the notes give them.
"""

from __future__ import annotations

LEGAL_BASIS: dict[str, list[str]] = {
    "PRICE_CHANGE_UNILATERAL": ["ГК РФ ст. 310 п. 2", "ГК РФ ст. 424", "ГК РФ ст. 450"],
    "TERMS_CHANGE_UNILATERAL": ["ГК РФ ст. 310 п. 2", "ГК РФ ст. 450", "ГК РФ ст. 428 п. 2-3"],
    "INVOICE_DEEMED_ACCEPTED": [
        "126-ФЗ «О связи» ст. 55",
        "ГК РФ ст. 753",
        "Определение ВС РФ 308-ЭС20-4526",
    ],
    "PENALTY": ["ГК РФ ст. 330", "ГК РФ ст. 333", "Постановление Пленума ВС РФ № 7 от 24.03.2016"],
    "UNCAPPED_LIABILITY": ["ГК РФ ст. 15", "ГК РФ ст. 393", "ГК РФ ст. 394", "ГК РФ ст. 428 п. 2-3"],
    "LIABILITY_LIMITATION": [
        "ГК РФ ст. 400",
        "ГК РФ ст. 401",
        "ГК РФ ст. 428 п. 2",
        "126-ФЗ «О связи» ст. 66, 68",
    ],
    "NON_NEGOTIABLE": ["ГК РФ ст. 426", "ГК РФ ст. 428", "ГК РФ ст. 437 п. 2", "ГК РФ ст. 438 п. 3"],
    "NUMBER_LOCKIN": ["126-ФЗ «О связи» ст. 26", "126-ФЗ «О связи» ст. 44"],
    "AUTO_RENEWAL": ["ГК РФ ст. 425", "ГК РФ ст. 450.1", "ГК РФ ст. 782"],
    "UNILATERAL_TERMINATION": [
        "ГК РФ ст. 310",
        "ГК РФ ст. 450.1",
        "ГК РФ ст. 782",
        "126-ФЗ «О связи» ст. 44",
    ],
    "JURISDICTION": ["АПК РФ ст. 35", "АПК РФ ст. 37", "АПК РФ ст. 4 ч. 5", "382-ФЗ «Об арбитраже»"],
    "MIN_COMMITMENT": ["ГК РФ ст. 421", "ГК РФ ст. 429.4", "ГК РФ ст. 782"],
}

_RU: dict[str, tuple[str, str, str]] = {
    "PRICE_CHANGE_UNILATERAL": (
        "Изменение тарифов — только дополнительным соглашением, подписанным Сторонами.",
        "Письменное уведомление Абонента не менее чем за 30 календарных дней и право Абонента расторгнуть "
        "Договор без штрафов и компенсаций до вступления новых тарифов в силу.",
        "Оператор сохраняет право менять цены в любое время или без уведомления.",
    ),
    "TERMS_CHANGE_UNILATERAL": (
        "Изменения Договора — только в письменной форме, подписанные обеими Сторонами.",
        "Уведомление о новой редакции не менее чем за 30 дней письменно (по e-mail из Договора) и право "
        "отказаться от Договора без компенсаций; продолжение пользования не считать согласием.",
        "Новая редакция обязательна с момента размещения на сайте и отказ от неё невозможен.",
    ),
    "INVOICE_DEEMED_ACCEPTED": (
        "Срок на возражения по счетам и актам — не менее 30 календарных дней с даты получения; оспариваемая "
        "сумма не оплачивается до урегулирования.",
        "Не менее 10 рабочих дней и право предъявить претензию в пределах 6 месяцев (126-ФЗ ст. 55) даже "
        "после "
        "подписания акта; детализация по запросу бесплатно.",
        "Данные Оператора объявлены бесспорными и претензии по счетам не принимаются.",
    ),
    "PENALTY": (
        "Пени не более 0,1 % от суммы задолженности за каждый день просрочки, но не более 10 % от суммы.",
        "Взаимная ответственность: такая же неустойка для Оператора за перерывы связи и просрочку.",
        "Оператор отказывается от любого ограничения размера неустойки или сам определяет размер штрафов.",
    ),
    "UNCAPPED_LIABILITY": (
        "Ответственность Абонента — только реальный ущерб, без упущенной выгоды, в пределах платежей за "
        "12 месяцев.",
        "Штрафы третьих лиц и органов возмещаются, только если они наложены по вине Абонента и подтверждены "
        "документами; с правом Абонента участвовать в их оспаривании.",
        "Абонент должен возмещать любые штрафы регуляторов и других операторов без ограничения.",
    ),
    "LIABILITY_LIMITATION": (
        "Сделать ограничение взаимным: совокупная ответственность каждой Стороны не более платежей за 12 "
        "месяцев.",
        "Исключить из ограничения умысел, грубую неосторожность и перерывы связи сверх установленного SLA.",
        "Оператор ограничивает только свою ответственность, а ответственность Абонента остаётся "
        "неограниченной.",
    ),
    "NON_NEGOTIABLE": (
        "Заключить отдельный договор или дополнительное соглашение с согласованными условиями; принять "
        "протокол "
        "разногласий.",
        "Зафиксировать ключевые условия (цены, срок на возражения, номера) в подписанном приложении, которое "
        "имеет приоритет над офертой.",
        "Оператор отказывается рассматривать любые изменения по существенным для нас пунктам.",
    ),
    "NUMBER_LOCKIN": (
        "Закрепить обязанность Оператора переоформить номера на Абонента или указанного им оператора по "
        "заявлению в течение 10 рабочих дней после расторжения.",
        "Сохранение номеров за Абонентом не менее 90 дней после расторжения с правом переоформления за "
        "фиксированную плату.",
        "Номера изымаются при расторжении без возможности переоформления.",
    ),
    "AUTO_RENEWAL": (
        "Срок уведомления о непродлении — не более 30 календарных дней; без платы за досрочное расторжение.",
        "Не более 60 дней и право отказаться от Договора в любое время с уведомлением за 30 дней.",
        "Продление связано с платой за досрочный выход или длинным сроком уведомления, от которых Оператор "
        "не отказывается.",
    ),
    "UNILATERAL_TERMINATION": (
        "Приостановление — только при задолженности свыше 30 дней и после письменного уведомления не менее "
        "чем за 5 рабочих дней; расторжение Оператором — только по основаниям закона.",
        "Перечень конкретных оснований вместо «по своему усмотрению»; немедленное восстановление после "
        "устранения причины.",
        "Оператор оставляет право отключить услуги без оснований или без уведомления.",
    ),
    "JURISDICTION": (
        "Споры — в арбитражном суде по месту нахождения ответчика (или Абонента).",
        "Арбитражный суд по месту нахождения Оператора в РФ с претензионным сроком не более 30 дней; без "
        "третейского суда и иностранного права.",
        "Обязательный третейский суд или иностранное право.",
    ),
    "MIN_COMMITMENT": (
        "Без минимального платежа: оплата только фактически оказанных услуг.",
        "Минимальное количество линий/номеров без доплаты разницы; право уменьшать объём с уведомлением за "
        "30 дней.",
        "Минимальный платёж с доплатой разницы на долгий срок и платой за досрочный выход.",
    ),
}

_EN: dict[str, tuple[str, str, str]] = {
    "PRICE_CHANGE_UNILATERAL": (
        "Prices change only by a written amendment signed by both parties.",
        "At least 30 days' written notice and a right to terminate without fees before new prices apply.",
        "The provider keeps a right to change prices at any time or without notice.",
    ),
    "TERMS_CHANGE_UNILATERAL": (
        "Amendments only in writing signed by both parties.",
        "30 days' written notice of a new version and a right to terminate without fees; continued use is "
        "not consent.",
        "A new version binds on posting and cannot be refused.",
    ),
    "INVOICE_DEEMED_ACCEPTED": (
        "At least 30 days from receipt to dispute an invoice; the disputed amount is withheld until "
        "resolved.",
        "At least 10 business days, and claims stay possible for 6 months after payment.",
        "The provider's records are conclusive and no dispute is possible.",
    ),
    "PENALTY": (
        "Late-payment interest of at most 0.1 % per day, capped at 10 % of the overdue amount.",
        "Make the penalty mutual (the same rate for the provider's outages and delays).",
        "The provider refuses any cap or sets fines at its own discretion.",
    ),
    "UNCAPPED_LIABILITY": (
        "Our liability limited to direct damages, excluding lost profit, capped at 12 months' fees.",
        "Third-party and regulator fines only where caused by us and documented, with a right to contest "
        "them.",
        "We must indemnify any losses and third-party fines without limitation.",
    ),
    "LIABILITY_LIMITATION": (
        "A mutual cap: each party's aggregate liability at most 12 months' fees.",
        "Carve out wilful misconduct, gross negligence and outages beyond the SLA from the provider's cap.",
        "Only the provider's liability is limited while ours stays unlimited.",
    ),
    "NON_NEGOTIABLE": (
        "A negotiated agreement or a signed side letter that prevails over the standard terms.",
        "Fix the key terms (prices, dispute window, numbers) in a signed annex.",
        "The provider refuses to negotiate any material term.",
    ),
    "NUMBER_LOCKIN": (
        "The provider must transfer the numbers to us or our new carrier on request after termination.",
        "Numbers are held for us for at least 90 days after termination, transferable for a fixed fee.",
        "Numbers are withdrawn on exit with no transfer.",
    ),
    "AUTO_RENEWAL": (
        "Non-renewal notice of at most 30 days and no early-exit fee.",
        "At most 60 days, and a right to terminate on 30 days' notice at any time.",
        "Renewal carries an early-exit fee or a long notice the provider will not drop.",
    ),
    "UNILATERAL_TERMINATION": (
        "Suspension only for debt, after at least 5 business days' written notice; termination only on "
        "grounds stated in law.",
        "A closed list of grounds instead of 'at its discretion'; service restored once the cause is cured.",
        "The provider keeps a right to cut service for any reason or without notice.",
    ),
    "JURISDICTION": (
        "Disputes in the state commercial court at the defendant's location, under Russian law.",
        "The provider's city in Russia, with a pre-trial claim period of at most 30 days.",
        "Mandatory arbitration or foreign law.",
    ),
    "MIN_COMMITMENT": (
        "No minimum spend: pay only for services rendered.",
        "A minimum number of lines without a shortfall charge, reducible on 30 days' notice.",
        "A minimum spend with a shortfall charge over a long term with an exit payment.",
    ),
}


def suggestion_for(code: str, lang: str) -> dict:
    ask, fallback, walk = (_RU if lang == "ru" else _EN)[code]
    return {"ask": ask, "fallback": fallback, "walk_away_if": walk, "legal_basis": LEGAL_BASIS[code]}
