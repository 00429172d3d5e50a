"""The interface in Russian and English: catalogue, switch, the user's saved language, formats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD
from tests.factories import CityFactory, PhoneNumberFactory, ProviderFactory

PO_FILE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def _po_entries(path: Path) -> list[dict]:
    """msgid/msgid_plural/msgstr[n] entries of a .po file (enough of the format for the checks below)."""
    entries, current, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                current = {"fuzzy": True}
                entries.append(current)
            elif not line and current is not None:
                current = None
            continue
        if line.startswith('"'):
            current[key] += line[1:-1]
            continue
        key, _space, value = line.partition(" ")
        if key in ("msgctxt", "msgid") and (current is None or "msgid" in current):
            current = {}
            entries.append(current)
        current[key] = value[1:-1]
    return [e for e in entries if e.get("msgid")]


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


def test_every_message_of_the_interface_has_a_russian_translation():
    entries = _po_entries(PO_FILE)
    assert len(entries) > 250
    untranslated = [
        e["msgid"]
        for e in entries
        if not e.get("msgstr", "") and not all(e.get(f"msgstr[{i}]") for i in range(4))
    ]
    assert untranslated == []
    assert [e["msgid"] for e in entries if e.get("fuzzy")] == []


def test_the_compiled_catalogue_matches_the_po_file():
    """A .po edited but not compiled would show English on the Russian pages."""
    with translation.override("ru"):
        for entry in _po_entries(PO_FILE):
            if "msgstr" in entry and "msgctxt" not in entry:
                assert translation.gettext(_unescape(entry["msgid"])) == _unescape(entry["msgstr"]), entry[
                    "msgid"
                ]


def test_russian_plurals_follow_russian_grammar():
    with translation.override("ru"):
        texts = [
            translation.ngettext("%(counter)s number", "%(counter)s numbers", n) % {"counter": n}
            for n in (1, 3, 5, 11, 21)
        ]
    assert texts == ["1 номер", "3 номера", "5 номеров", "11 номеров", "21 номер"]


def _render(source: str, **context) -> str:
    return Template("{% load portal %}" + source).render(Context(context))


def test_roubles_in_russian_have_a_thin_space_between_thousands_and_a_decimal_comma():
    with translation.override("ru"):
        assert _render("{{ v|money }}", v=Decimal("1234567.5")) == "1\u202f234\u202f567,50\u00a0₽"


def test_roubles_in_english_keep_the_decimal_point():
    with translation.override("en"):
        assert _render("{{ v|money }}", v=Decimal("1234567.5")) == "1\u202f234\u202f567.50\u00a0₽"


def test_dates_are_written_the_russian_way_in_russian():
    day = dt.date(2026, 3, 16)
    with translation.override("ru"):
        assert _render('{{ d|date:"SHORT_DATE_FORMAT" }} · {{ d|date:"DATE_FORMAT" }}', d=day) == (
            "16.03.2026 · 16 марта 2026 г."
        )
    with translation.override("en"):
        assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=day) == "2026-03-16"


def test_the_dashboard_speaks_russian_when_russian_is_chosen(client_as):
    client = client_as("accounting")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="ru">' in page
    assert "Сводка" in page
    assert "Бухгалтерия" in page  # the role, translated
    assert "Dashboard" not in page


def test_a_number_page_in_russian_shows_the_fee_and_dates_in_russian_format(client_as):
    number = PhoneNumberFactory(
        city=CityFactory(),
        carrier=ProviderFactory(),
        monthly_fee=Decimal("1190.5"),
        activated_on=dt.date(2026, 3, 2),
    )
    client = client_as("marketer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get(reverse("telecom:number-detail", args=[number.pk])).content.decode()
    assert "1\u202f190,50\u00a0₽" in page
    assert "02.03.2026" in page


def test_the_header_offers_both_languages(client_as):
    page = client_as("lawyer").get(reverse("dashboard")).content.decode()
    assert f'action="{reverse("set_language")}"' in page
    assert 'name="language" value="ru"' in page
    assert 'name="language" value="en"' in page


def test_the_language_switch_remembers_the_choice_for_the_next_sign_in(client_as, personas):
    client = client_as("lawyer")
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/numbers/"})
    assert response.status_code == 302
    assert response["Location"] == "/numbers/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    personas["lawyer"].refresh_from_db()
    assert personas["lawyer"].language == "ru"


def test_the_language_switch_ignores_a_language_the_portal_does_not_have(client_as, personas):
    client = client_as("lawyer")
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    personas["lawyer"].refresh_from_db()
    assert personas["lawyer"].language == ""


def test_signing_in_applies_the_users_saved_language(client, personas):
    user = personas["accounting"]
    user.language = "ru"
    user.save()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert "Сводка" in client.get(reverse("dashboard")).content.decode()


def test_signing_in_without_a_saved_language_keeps_the_browsers_choice(client, personas):
    response = client.post(
        reverse("login"), {"username": "marketer-user", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Сводка" in page


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_sign_in_page_renders_in_each_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("login")).content.decode()
    assert {"en": "Sign in", "ru": "Войти"}[language] in page
