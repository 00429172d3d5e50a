"""Wordings found on the dev split (new Russian dev documents, English benchmark dev) that the scanner
used to miss or misgrade; each case pins one generalised cue. Offsets are checked by `find`."""

import pytest

RU_CASES = [
    # (code, expected severity, text, expected parameters subset)
    (
        "PRICE_CHANGE_UNILATERAL",
        "critical",
        "2.3. Стоимость Услуг может быть пересмотрена Оператором в одностороннем порядке; новые тарифы "
        "применяются с даты их размещения на официальном сайте Оператора.",
        {"at_any_time": True},
    ),
    (
        "PRICE_CHANGE_UNILATERAL",
        "high",
        "2.4. Тарифы Исполнителя подлежат ежегодной индексации, размер которой Исполнитель определяет "
        "самостоятельно.",
        {},
    ),
    (
        "NUMBER_LOCKIN",
        "critical",
        "5.2. Выделенные Абоненту номера не являются собственностью Абонента и при расторжении Договора "
        "подлежат возврату Оператору.",
        {"returned_on_exit": True, "provider_owns": True},
    ),
    (
        "NUMBER_LOCKIN",
        "critical",
        "5.3. По окончании срока действия Договора номера, предоставленные Клиенту, изымаются Исполнителем.",
        {"returned_on_exit": True},
    ),
    (
        "NUMBER_LOCKIN",
        "high",
        "5.1. Переоформление виртуальных номеров на другого оператора производится только с согласия "
        "Исполнителя.",
        {"transfer_at_discretion": True},
    ),
    (
        "PENALTY",
        "critical",
        "4.1. За несвоевременную оплату Исполнитель вправе начислить Клиенту пени из расчета 1 % от суммы "
        "задолженности за каждые сутки просрочки.",
        {"rate_pct_per_day": 1.0},
    ),
    (
        "UNCAPPED_LIABILITY",
        "high",
        "4.4. Клиент несет ответственность за любые убытки, причиненные Исполнителю в связи с использованием "
        "Услуг.",
        {"scope": "all_losses"},
    ),
    (
        "INVOICE_DEEMED_ACCEPTED",
        "high",
        "3.2. Претензии по счетам принимаются в течение 5 (пяти) дней с даты выставления счета; по истечении "
        "указанного срока претензии не принимаются, а счет считается принятым Клиентом.",
        {"window_days": 5},
    ),
]


@pytest.mark.parametrize(("code", "severity", "text", "params"), RU_CASES)
def test_the_russian_dev_wording_is_found_and_graded(find, code, severity, text, params):
    f = find(text, code, lang="ru")
    assert f is not None, f"{code} not found"
    assert f.severity == severity
    assert params.items() <= f.parameters.items()


def test_refusing_claims_after_the_window_is_not_a_refusal_of_all_claims(find):
    f = find(RU_CASES[-1][2], "INVOICE_DEEMED_ACCEPTED", lang="ru")
    assert "claims_refused" not in f.parameters


def test_accepting_an_offer_by_topping_up_the_account_is_not_an_accepted_invoice(find):
    text = (
        "1.3. Совершение Клиентом действий по регистрации в Личном кабинете и пополнению лицевого счета "
        "признается безоговорочным принятием настоящих Условий."
    )
    assert find(text, "INVOICE_DEEMED_ACCEPTED", lang="ru") is None
    assert find(text, "NON_NEGOTIABLE", lang="ru") is not None


EN_CASES = [
    (
        "LIABILITY_LIMITATION",
        "Neither Party shall be liable to the other for any special, indirect or consequential damages.",
    ),
    ("LIABILITY_LIMITATION", "In no way should the Agent be liable for incidental or consequential damages."),
    ("LIABILITY_LIMITATION", "We won't be responsible to you for any loss of income or profit."),
    (
        "LIABILITY_LIMITATION",
        "EACH PARTY'S LIABILITY ARISING OUT OF THIS AGREEMENT WILL NOT EXCEED THE AMOUNTS PAID IN "
        "TWELVE MONTHS.",
    ),
    ("UNILATERAL_TERMINATION", "Tinder will terminate the accounts of repeat infringers."),
    (
        "UNILATERAL_TERMINATION",
        "The licences granted by Amazon terminate if you do not comply with these Conditions of Use.",
    ),
    (
        "UNCAPPED_LIABILITY",
        "EXCEPT FOR EACH PARTY'S OBLIGATIONS UNDER SECTION 11.2 (INDEMNITY), UNDER NO CIRCUMSTANCES WILL "
        "EITHER PARTY BE LIABLE FOR CONSEQUENTIAL DAMAGES.",
    ),
]


@pytest.mark.parametrize(("code", "text"), EN_CASES)
def test_the_english_dev_wording_is_found(find, code, text):
    assert find(text, code, lang="en") is not None, f"{code} not found"


def test_governed_by_these_terms_is_not_a_choice_of_law(find):
    text = "Outstanding Work Orders shall continue to be governed by the terms of this Agreement."
    assert find(text, "JURISDICTION", lang="en") is None


def test_a_minimum_insurance_cover_is_not_a_minimum_commitment(find):
    text = (
        "Distributor shall maintain at a minimum general liability coverage of US$2 million per occurrence."
    )
    assert find(text, "MIN_COMMITMENT", lang="en") is None


def test_the_consumers_habitual_residence_is_the_defendants_forum(find):
    text = (
        "With respect to jurisdiction, you and the Provider agree to choose the courts of the country to "
        "which we direct the Services where you have your habitual residence."
    )
    f = find(text, "JURISDICTION", lang="en")
    assert f is None or f.severity == "info"
