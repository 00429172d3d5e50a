"""Each risk code, its severity boundaries and its protective variant, on Russian clauses."""

import pytest

from apps.risk.rules import scan

CASES_RU = [
    (
        "PRICE_CHANGE_UNILATERAL",
        "critical",
        "3.1. Оператор вправе изменять тарифы без предварительного уведомления Абонента.",
    ),
    (
        "TERMS_CHANGE_UNILATERAL",
        "high",
        "2.1. Оператор вправе вносить изменения в Правила; новая редакция вступает в силу с момента "
        "размещения на сайте.",
    ),
    (
        "INVOICE_DEEMED_ACCEPTED",
        "high",
        "4.2. Если в течение 3 рабочих дней Абонент не направит возражений, акт считается подписанным.",
    ),
    (
        "PENALTY",
        "critical",
        "5.1. Абонент уплачивает пени в размере 1 % от суммы долга за каждый день просрочки.",
    ),
    ("UNCAPPED_LIABILITY", "high", "5.4. Абонент возмещает Оператору все убытки, включая упущенную выгоду."),
    (
        "LIABILITY_LIMITATION",
        "medium",
        "5.6. Оператор не несет ответственности за перерывы связи в сетях других операторов.",
    ),
    ("NON_NEGOTIABLE", "high", "1.3. Протокол разногласий Оператором не принимается."),
    (
        "NUMBER_LOCKIN",
        "critical",
        "6.2. При расторжении Договора номера возвращаются в ресурс нумерации Оператора.",
    ),
    (
        "AUTO_RENEWAL",
        "high",
        "7.1. Договор пролонгируется на тот же срок, если Абонент не заявит об отказе за 90 дней до "
        "окончания срока.",
    ),
    ("UNILATERAL_TERMINATION", "critical", "7.3. Оператор вправе расторгнуть Договор по своему усмотрению."),
    ("JURISDICTION", "medium", "8.1. Споры рассматриваются в Арбитражном суде г. Екатеринбурга."),
    ("MIN_COMMITMENT", "high", "9.1. Минимальный ежемесячный платеж составляет 7 000 рублей."),
]


@pytest.mark.parametrize(("code", "severity", "text"), CASES_RU, ids=[c[0] for c in CASES_RU])
def test_each_code_is_found_in_russian_with_its_severity(find, code, severity, text):
    f = find(text, code)
    assert f is not None, f"{code} not found"
    assert f.severity == severity
    assert f.direction in {"against_us", "mutual"}
    assert f.clause == text.split(" ")[0].rstrip(".")
    assert f.suggestion["ask"] and f.suggestion["fallback"] and f.suggestion["walk_away_if"]
    assert any("ст." in ref for ref in f.legal_basis)
    assert "Абонент" in f.suggestion["ask"] + f.suggestion["fallback"] + f.suggestion["walk_away_if"] or any(
        "а" <= ch <= "я" for ch in f.suggestion["ask"]
    )


@pytest.mark.parametrize(
    ("text", "severity", "rate", "cap"),
    [
        (
            "5.2. Пени составляют 0,1 % от суммы задолженности за каждый день просрочки, но не более 10 "
            "% суммы.",
            "low",
            0.1,
            True,
        ),
        ("5.2. Пени составляют 0,1 % от суммы задолженности за каждый день просрочки.", "medium", 0.1, False),
        (
            "5.2. Пени составляют 0,15 % от суммы задолженности за каждый день просрочки, но не более 10 %.",
            "high",
            0.15,
            True,
        ),
        ("5.2. Пени составляют 0,5 % от суммы задолженности за каждый день просрочки.", "high", 0.5, False),
        (
            "5.2. Пени составляют 0,6 % от суммы задолженности за каждый день просрочки, но не более 10 %.",
            "critical",
            0.6,
            True,
        ),
    ],
)
def test_penalty_rate_boundaries(find, text, severity, rate, cap):
    f = find(text, "PENALTY")
    assert (f.severity, f.parameters["rate_pct_per_day"], f.parameters["cap_present"]) == (
        severity,
        rate,
        cap,
    )


@pytest.mark.parametrize(
    ("days", "kind", "severity"),
    [
        ("30", "календарных", "low"),
        ("29", "календарных", "medium"),
        ("10", "рабочих", "medium"),
        ("9", "рабочих", "high"),
    ],
)
def test_invoice_window_boundaries_count_days_as_written(find, days, kind, severity):
    text = f"4.4. Если в течение {days} {kind} дней Абонент не заявит возражений, счет считается принятым."
    f = find(text, "INVOICE_DEEMED_ACCEPTED")
    assert f.severity == severity
    assert f.parameters["window_days"] == int(days)
    assert f.parameters["window_day_kind"] == ("calendar" if kind == "календарных" else "working")


@pytest.mark.parametrize(
    ("days", "severity"), [("30", "low"), ("31", "medium"), ("60", "medium"), ("61", "high")]
)
def test_renewal_notice_boundaries(find, days, severity):
    text = (
        "7.2. Договор автоматически продлевается на следующий год, если ни одна из Сторон не уведомит "
        f"другую о прекращении не позднее чем за {days} дней до окончания срока."
    )
    f = find(text, "AUTO_RENEWAL")
    assert (f.severity, f.parameters["renewal_notice_days"]) == (severity, int(days))


def test_renewal_with_an_early_exit_fee_is_critical(find):
    text = (
        "7.2. Договор автоматически продлевается на следующий год, если Абонент не уведомит Оператора за "
        "20 дней; "
        "при досрочном расторжении Абонент уплачивает компенсацию в размере двух абонентских плат."
    )
    assert find(text, "AUTO_RENEWAL").severity == "critical"


@pytest.mark.parametrize(("days", "severity"), [("5", "medium"), ("4", "high")])
def test_suspension_for_debt_notice_boundary(find, days, severity):
    text = (
        "6.1. Оператор вправе приостановить оказание услуг при наличии задолженности, "
        f"уведомив Абонента не менее чем за {days} дней."
    )
    f = find(text, "UNILATERAL_TERMINATION")
    assert (f.severity, f.parameters["grounds"], f.parameters["notice_days"]) == (severity, "debt", int(days))


@pytest.mark.parametrize(("days", "severity"), [("30", "medium"), ("29", "high")])
def test_price_change_notice_boundary(find, days, severity):
    text = (
        f"3.3. Оператор вправе изменить тарифы, письменно уведомив Абонента не менее чем за {days} дней; "
        "Абонент вправе расторгнуть Договор без уплаты штрафов."
    )
    f = find(text, "PRICE_CHANGE_UNILATERAL")
    assert (f.severity, f.parameters["notice_days"]) == (severity, int(days))


def test_jurisdiction_bands_by_forum(find):
    assert (
        find("8.1. Споры рассматриваются по месту нахождения ответчика в суде.", "JURISDICTION").severity
        == "low"
    )
    assert find("8.1. Споры передаются в третейский суд.", "JURISDICTION").severity == "high"
    city = find("8.1. Споры рассматриваются в Арбитражном суде г. Казани.", "JURISDICTION")
    assert (city.severity, city.parameters["court_city"]) == ("medium", "Казань")


def test_a_court_in_our_own_city_is_low(find):
    f = find("8.1. Споры рассматриваются в Арбитражном суде г. Казани.", "JURISDICTION", home_city="Казань")
    assert f.severity == "low"


def test_min_commitment_grows_with_term_and_exit_payment(find):
    units = find("2.1. Абонент подключает не менее 15 номеров.", "MIN_COMMITMENT")
    spend = find("2.2. Минимальный ежемесячный платеж — 9 000 рублей.", "MIN_COMMITMENT")
    locked = find(
        "2.3. Минимальный ежемесячный платеж — 9 000 рублей на срок 18 месяцев; при досрочном расторжении "
        "Абонент оплачивает платежи за оставшийся срок.",
        "MIN_COMMITMENT",
    )
    assert (units.severity, spend.severity, locked.severity) == ("medium", "high", "critical")
    assert units.parameters["min_units"] == 15
    assert locked.parameters["term_months"] == 18


PROTECTIVE_RU = [
    (
        "PRICE_CHANGE_UNILATERAL",
        "3.1. Тарифы изменяются только по соглашению Сторон путем подписания дополнительного соглашения.",
    ),
    (
        "TERMS_CHANGE_UNILATERAL",
        "9.2. Изменения Договора действительны, только если совершены в письменной форме и подписаны "
        "Сторонами.",
    ),
    (
        "INVOICE_DEEMED_ACCEPTED",
        "4.1. Абонент вправе оспорить счет в течение 30 дней с даты получения; оспариваемая сумма не "
        "оплачивается до урегулирования спора, после чего счет считается согласованным.",
    ),
    (
        "NUMBER_LOCKIN",
        "6.1. Оператор обязуется переоформить номера на Абонента по его заявлению "
        "после расторжения Договора.",
    ),
    ("NON_NEGOTIABLE", "1.5. Протокол разногласий рассматривается Оператором в течение 10 дней."),
    (
        "UNILATERAL_TERMINATION",
        "7.1. Абонент вправе в любое время отказаться от Договора без уплаты штрафов.",
    ),
    (
        "PENALTY",
        "5.5. За нарушение сроков устранения аварий Оператор уплачивает Абоненту неустойку 0,5 % за "
        "каждый день просрочки.",
    ),
    (
        "UNCAPPED_LIABILITY",
        "5.7. Ответственность Абонента по Договору ограничена суммой платежей за один месяц.",
    ),
    ("MIN_COMMITMENT", "2.4. Минимальный ежемесячный платеж для Абонента не устанавливается."),
    ("AUTO_RENEWAL", "7.5. Договор не продлевается автоматически."),
]


@pytest.mark.parametrize(("code", "text"), PROTECTIVE_RU, ids=[c[0] for c in PROTECTIVE_RU])
def test_protective_clauses_are_never_medium_or_above(code, text):
    worst = [f for f in scan(text) if f.code == code and f.severity not in {"info", "low"}]
    assert worst == []


def test_inflections_and_yo_are_recognised(find):
    text = (
        "4.3. Счёт, по которому Абонент в течение пяти рабочих дней не заявил возражений, считается "
        "утверждённым."
    )
    f = find(text, "INVOICE_DEEMED_ACCEPTED")
    assert f.parameters["window_days"] == 5
    assert "утверждённым" in f.quote


def test_a_one_sided_limitation_is_high_when_our_liability_is_unlimited():
    text = (
        "5.1. Ответственность Оператора ограничена суммой абонентской платы за месяц.\n"
        "5.2. Абонент возмещает Оператору штрафы, наложенные на Оператора государственными органами.\n"
    )
    by_code = {f.code: f for f in scan(text)}
    assert by_code["LIABILITY_LIMITATION"].severity == "high"
    assert by_code["LIABILITY_LIMITATION"].parameters["our_liability_unlimited"] is True
    alone = {f.code: f for f in scan(text.splitlines()[0])}
    assert alone["LIABILITY_LIMITATION"].severity == "medium"


def test_the_customer_choosing_its_tariff_plan_is_not_a_price_risk():
    assert [
        f
        for f in scan("3.5. Абонент вправе сменить тарифный план в личном кабинете.")
        if f.code == "PRICE_CHANGE_UNILATERAL"
    ] == []


def test_offsets_point_at_the_quoted_text_in_a_whole_contract():
    text = (
        "ДОГОВОР-ОФЕРТА\r\n\r\n"
        "1.1. Настоящий договор является публичной офертой.\r\n"
        "3.2. Оператор вправе изменять тарифы в любое время. Абонент уведомляется через личный кабинет.\r\n"
        "п. 5.1 За просрочку оплаты начисляются пени 2 % за каждый день просрочки.\r\n"
    )
    findings = scan(text)
    assert {f.clause for f in findings} >= {"preamble", "1.1", "3.2", "п. 5.1"}
    for f in findings:
        assert text[f.start : f.end] == f.quote
        assert f.quote == f.quote.strip()
    penalty = next(f for f in findings if f.code == "PENALTY")
    assert penalty.quote.startswith("За просрочку оплаты")
    assert text.index("За просрочку") == penalty.start
