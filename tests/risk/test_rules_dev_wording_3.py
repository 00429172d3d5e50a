"""Cues generalised from the seventh and eighth tuning rounds (new Russian dev documents:
altai-telecom-offer, vpbx-cloud-terms, sevzap-operator-contract; dalsvyaz-offer, sip-trunk-terms). Each
case is a *variant* of the dev wording (other parties, word order, numbers), so that it pins the cue, not
one sentence."""

import pytest

from apps.risk import lexicon

RU_CASES = [
    # (code, expected severity, text, expected parameters subset)
    # disagreements not considered; the offer cannot be changed at one customer's request
    (
        "NON_NEGOTIABLE",
        "high",
        "1.3. Разногласия относительно условий настоящего Договора Провайдером не принимаются.",
        {"protocol_refused": True},
    ),
    (
        "NON_NEGOTIABLE",
        "high",
        "1.5. Текст Правил не может быть изменён по инициативе Клиента.",
        {"unchangeable": True},
    ),
    # the provider answers "only within" a sum: a one-sided cap
    (
        "LIABILITY_LIMITATION",
        "medium",
        "7.2. Провайдер отвечает перед Клиентом лишь в размере абонентской платы за один месяц.",
        {"mutual": False},
    ),
    # a mutual cap in words: twelve months' fees
    (
        "LIABILITY_LIMITATION",
        "low",
        "7.3. Совокупная ответственность каждой из Сторон не может превышать суммы платежей за "
        "двенадцать месяцев.",
        {"mutual": True, "cap_months": 12},
    ),
    # the customer is told of a change of the rules (passive): a terms change with notice
    (
        "TERMS_CHANGE_UNILATERAL",
        "high",
        "2.4. Об изменении Правил Клиент извещается сообщением в личном кабинете за 10 дней.",
        {"notice_days": 10},
    ),
    (
        "TERMS_CHANGE_UNILATERAL",
        "medium",
        "2.5. Провайдер информирует Абонента об изменении условий Договора не менее чем за сорок пять (45) "
        "дней; Абонент вправе отказаться от Договора без уплаты неустойки.",
        {"notice_days": 45, "right_to_leave": True},
    ),
    # a whole-number rate in words: «двух процентов» a day
    (
        "PENALTY",
        "critical",
        "5.1. При задержке оплаты Клиент уплачивает пеню в размере двух процентов от суммы долга за каждый "
        "день просрочки.",
        {"rate_pct_per_day": 2.0},
    ),
    # the forum is the provider's seat, with the verb «разрешаются»/«рассматриваются»
    (
        "JURISDICTION",
        "medium",
        "10.1. Все разногласия рассматриваются по месту нахождения Оператора.",
        {"forum": "provider"},
    ),
    # a minimum number of lines with adjectives between the number and the noun
    (
        "MIN_COMMITMENT",
        "medium",
        "6.3. Абонент обязан использовать не менее 15 (пятнадцати) подключённых телефонных линий.",
        {"min_units": 15},
    ),
    # round 8 (dalsvyaz-offer, sip-trunk-terms): «плата за …» as a price; a deposit the customer must make
    # «не ниже» a sum; a fine the provider decides case by case
    (
        "PRICE_CHANGE_UNILATERAL",
        "critical",
        "2.6. Плата за пользование номером может быть увеличена Провайдером в любое время.",
        {"at_any_time": True},
    ),
    (
        "MIN_COMMITMENT",
        "high",
        "6.5. Клиент обязуется каждый месяц перечислять на свой лицевой счёт в качестве аванса "
        "не менее 4 000 рублей.",
        {"min_amount": 4000},
    ),
    (
        "PENALTY",
        "critical",
        "5.2. Размер неустойки за нарушение правил пропуска трафика устанавливается Оператором "
        "по результатам проверки.",
        {},
    ),
    # a guaranteed volume (not money) with the shortfall charged
    (
        "MIN_COMMITMENT",
        "high",
        "6.4. Абонент гарантирует ежеквартальный объём входящего трафика не ниже 10 000 минут; недобор "
        "оплачивается Абонентом как разница по тарифу.",
        {"shortfall_charged": True},
    ),
]


@pytest.mark.parametrize(("code", "severity", "text", "params"), RU_CASES)
def test_the_russian_dev_wording_is_found_and_graded(find, code, severity, text, params):
    f = find(text, code, lang="ru")
    assert f is not None, f"{code} not found"
    assert f.severity == severity, f.parameters
    for key, value in params.items():
        assert f.parameters.get(key) == value, (key, f.parameters)


def test_direct_damages_only_stays_medium_when_lost_profit_is_excluded(find):
    text = "4.5. Клиент возмещает Провайдеру лишь реальный ущерб; упущенная выгода с Клиента не взыскивается."
    f = find(text, "UNCAPPED_LIABILITY", lang="ru")
    assert f is not None and f.severity == "medium" and f.parameters["scope"] == "direct"
    # and the excluded lost profit of the customer is no cap on the provider
    assert find(text, "LIABILITY_LIMITATION", lang="ru") is None
    # lost profit that is *not* excluded still makes it "all losses"
    full = find(
        "4.6. Клиент возмещает реальный ущерб и упущенную выгоду Провайдера.", "UNCAPPED_LIABILITY", lang="ru"
    )
    assert full is not None and full.severity == "high"


def test_the_provider_excluding_lost_profit_is_still_its_limitation(find):
    text = "4.7. Упущенная выгода Абонента Оператором не возмещается."
    f = find(text, "LIABILITY_LIMITATION", lang="ru")
    assert f is not None and f.severity == "medium" and f.direction == "against_us"


def test_the_customer_turning_off_auto_renewal_makes_it_against_us(find):
    f = find(
        "8.3. Подписка продлевается автоматически, если Пользователь не отключит продление за 3 дня.",
        "AUTO_RENEWAL",
        lang="ru",
    )
    assert f is not None and f.direction == "against_us" and f.parameters["renewal_notice_days"] == 3


@pytest.mark.parametrize(
    ("words", "days"),
    [
        ("двенадцати месяцев", 360),
        ("одиннадцать дней", 11),
        ("восьми рабочих дней", 8),
        ("шести месяцев", 180),
        ("девяти дней", 9),
        ("четырех недель", 28),
        ("восемнадцати дней", 18),
        ("шестидесяти дней", 60),
        ("семи дней", 7),
    ],
)
def test_more_russian_number_words_are_read(words, days):
    periods = lexicon.find_periods(words)
    assert [p.days for p in periods] == [days]
