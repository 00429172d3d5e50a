"""Cues generalised from the fourth and fifth tuning rounds (seven new Russian dev documents). Each case is
a *variant* of a dev wording (other parties, word order, numbers), so that it pins the cue, not one
sentence. Offsets are checked by `find`."""

import pytest

RU_CASES = [
    # (code, expected severity, text, expected parameters subset)
    # price list, «может быть увеличен», billing method, change effective «с момента такого изменения»
    (
        "PRICE_CHANGE_UNILATERAL",
        "critical",
        "2.1. Прайс-лист Исполнителя может корректироваться Исполнителем; новая редакция прайс-листа "
        "применяется с момента её опубликования.",
        {"at_any_time": True},
    ),
    (
        "PRICE_CHANGE_UNILATERAL",
        "medium",
        "2.2. Размер абонентской платы может быть увеличен Исполнителем с уведомлением Заказчика за 45 дней; "
        "Заказчик вправе отказаться от Договора без уплаты неустойки.",
        {"notice_days": 45, "right_to_leave": True},
    ),
    (
        "PRICE_CHANGE_UNILATERAL",
        "critical",
        "2.3. Исполнитель вправе без согласования с Заказчиком изменять порядок тарификации соединений.",
        {"at_any_time": True},
    ),
    (
        "PRICE_CHANGE_UNILATERAL",
        "critical",
        "2.4. Стоимость услуг изменяется Оператором при изменении цен его поставщиков с момента такого "
        "изменения.",
        {"at_any_time": True},
    ),
    # the customer's right to leave after a comma-separated aside
    (
        "PRICE_CHANGE_UNILATERAL",
        "medium",
        "2.5. Оператор вправе индексировать тарифы, уведомив Абонента не менее чем за 30 дней. Абонент, "
        "не согласный с новыми тарифами, вправе расторгнуть Договор без уплаты штрафа.",
        {"right_to_leave": True},
    ),
    (
        "TERMS_CHANGE_UNILATERAL",
        "high",
        "1.6. Исполнитель вправе в одностороннем порядке изменять условия предоставления услуг.",
        {},
    ),
    (
        "INVOICE_DEEMED_ACCEPTED",
        "medium",
        "3.4. Возражения по списаниям принимаются в течение 12 дней; по истечении этого срока списания "
        "считаются согласованными Абонентом.",
        {"window_days": 12},
    ),
    # a rate written in words, a cap after it
    (
        "PENALTY",
        "high",
        "4.1. Абонент уплачивает пени в размере двух десятых процента от суммы долга за каждый день "
        "просрочки.",
        {"rate_pct_per_day": 0.2, "cap_present": False},
    ),
    (
        "PENALTY",
        "low",
        "4.2. Заказчик уплачивает пени в размере одной десятой процента за каждый день просрочки, но не "
        "более 10 % от суммы долга.",
        {"rate_pct_per_day": 0.1, "cap_present": True, "cap_pct": 10.0},
    ),
    # a percentage with no period and a fee multiple are fixed fines: high without a cap
    (
        "PENALTY",
        "high",
        "4.3. За нарушение сроков оплаты Клиент уплачивает штраф в размере 15% от суммы счёта.",
        {"fine_pct": 15.0},
    ),
    (
        "PENALTY",
        "high",
        "4.4. При нарушении правил пропуска трафика Абонент уплачивает неустойку в размере двухмесячной "
        "абонентской платы.",
        {"fine_fee_months": 2},
    ),
    (
        "PENALTY",
        "critical",
        "4.5. Штрафы взимаются в размерах, установленных тарифами Оператора на дату нарушения.",
        {"amount_set_by_provider": True},
    ),
    (
        "UNCAPPED_LIABILITY",
        "high",
        "4.6. Заказчик возмещает Исполнителю все расходы в связи с претензиями третьих лиц.",
        {"scope": "all_losses"},
    ),
    (
        "UNCAPPED_LIABILITY",
        "high",
        "4.7. Абонент несёт полную ответственность за ущерб от несанкционированного доступа к его учётной "
        "записи.",
        {"scope": "all_losses"},
    ),
    (
        "UNCAPPED_LIABILITY",
        "critical",
        "4.8. Клиент возмещает Компании суммы, взысканные с Компании по требованиям других операторов об "
        "уплате штрафов за нарушения Клиента.",
        {"scope": "third_party_fines"},
    ),
    (
        "LIABILITY_LIMITATION",
        "medium",
        "4.9. Компания не отвечает за перерывы связи, вызванные действиями третьих лиц.",
        {},
    ),
    (
        "NON_NEGOTIABLE",
        "medium",
        "1.2. Абонент принимает условия Договора полностью и без каких-либо изъятий.",
        {},
    ),
    (
        "NUMBER_LOCKIN",
        "high",
        "5.1. Номера предоставляются Клиенту во временное пользование.",
        {"provider_owns": True},
    ),
    (
        "NUMBER_LOCKIN",
        "critical",
        "5.2. При отключении услуги номера освобождаются и передаются другим абонентам.",
        {"returned_on_exit": True},
    ),
    (
        "NUMBER_LOCKIN",
        "critical",
        "5.3. Номера закрепляются за Заказчиком на срок действия Договора и после его прекращения подлежат "
        "возврату Исполнителю.",
        {"returned_on_exit": True},
    ),
    (
        "NUMBER_LOCKIN",
        "critical",
        "5.4. Номера не являются собственностью Абонента; при расторжении Договора Оператор вправе выделить "
        "их иным лицам.",
        {"returned_on_exit": True},
    ),
    (
        "NUMBER_LOCKIN",
        "medium",
        "5.5. По заявлению Абонента номер может быть переоформлен на другое лицо.",
        {"transfer_on_request": True},
    ),
    (
        "NUMBER_LOCKIN",
        "high",
        "5.6. Заказчик не вправе передавать выделенные номера третьим лицам без письменного согласия "
        "Исполнителя.",
        {"transfer_at_discretion": True},
    ),
    (
        "NUMBER_LOCKIN",
        "critical",
        "5.7. По окончании срока действия договора право пользования номерами прекращается без возможности "
        "их переноса.",
        {"no_transfer": True},
    ),
    (
        "AUTO_RENEWAL",
        "critical",
        "7.2. При отказе Заказчика от продления позднее установленного срока Заказчик выплачивает "
        "компенсацию в размере абонентской платы за 2 месяца.",
        {"exit_fee": True},
    ),
    (
        "UNILATERAL_TERMINATION",
        "medium",
        "6.1. Предоставление услуг приостанавливается Исполнителем при наличии задолженности с уведомлением "
        "Заказчика за 7 дней.",
        {"kind": "suspension", "grounds": "debt", "notice_days": 7},
    ),
    (
        "JURISDICTION",
        "high",
        "8.1. Спор подлежит разрешению путём арбитража по регламенту Арбитражного центра при РСПП.",
        {"forum": "arbitration"},
    ),
    (
        "JURISDICTION",
        "medium",
        "8.2. Разногласия передаются на рассмотрение по месту нахождения Исполнителя.",
        {"forum": "provider"},
    ),
    (
        "MIN_COMMITMENT",
        "high",
        "9.1. Заказчик гарантирует оплату услуг в сумме не менее 40 000 рублей ежемесячно.",
        {"min_amount": 40000.0},
    ),
    (
        "MIN_COMMITMENT",
        "high",
        "9.2. Клиент обязан ежемесячно пополнять лицевой счёт не менее чем на 2 000 рублей.",
        {"min_amount": 2000.0},
    ),
    (
        "MIN_COMMITMENT",
        "medium",
        "9.3. Минимальное количество линий по Договору — 8 (восемь).",
        {"min_units": 8},
    ),
]


@pytest.mark.parametrize(("code", "severity", "text", "params"), RU_CASES)
def test_the_russian_dev_wording_is_found_and_graded(find, code, severity, text, params):
    f = find(text, code, lang="ru")
    assert f is not None, f"{code} not found"
    assert f.severity == severity, f.parameters
    for key, value in params.items():
        assert f.parameters.get(key) == value, (key, f.parameters)


def test_a_penalty_the_customer_claims_from_the_provider_is_in_our_favour(find):
    text = "4.2. Заказчик вправе потребовать от Исполнителя уплаты неустойки 0,2 % за каждый день просрочки."
    f = find(text, "PENALTY", lang="ru")
    assert f is None or (f.severity == "info" and f.direction == "in_our_favour")


def test_a_cap_on_the_penalty_alone_is_protective(find):
    text = "4.3. Совокупный размер пеней не может превышать 5 % от суммы задолженности."
    f = find(text, "PENALTY", lang="ru")
    assert f is None or f.severity == "info"
    unlimited = find("4.4. Размер пеней ничем не ограничен.", "PENALTY", lang="ru")
    assert unlimited is not None and unlimited.severity == "critical"


def test_the_party_to_be_notified_does_not_hold_the_right(find):
    text = "2.6. Провайдер вправе без уведомления Клиента изменять тарифы."
    f = find(text, "PRICE_CHANGE_UNILATERAL", lang="ru")
    assert f is not None and f.severity == "critical" and f.direction == "against_us"


def test_a_price_list_edition_is_not_a_new_edition_of_the_contract(find):
    text = "3.1. Актуальная редакция прайс-листа размещена на сайте Оператора."
    assert find(text, "TERMS_CHANGE_UNILATERAL", lang="ru") is None


def test_russian_applicable_law_alone_names_no_forum(find):
    assert find("9.4. Применимое право — право Российской Федерации.", "JURISDICTION", lang="ru") is None
    english = find("9.5. Договор регулируется правом Англии.", "JURISDICTION", lang="ru")
    assert english is not None and english.severity == "high"


def test_the_state_commercial_court_is_not_arbitration(find):
    f = find("8.3. Споры рассматриваются в Арбитражном суде г. Казани.", "JURISDICTION", lang="ru")
    assert f is not None and f.parameters["forum"] == "provider" and f.severity == "medium"
