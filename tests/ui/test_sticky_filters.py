"""Lists remember their last filters for the session, and forget them when asked."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import CityFactory


def test_a_list_shows_the_last_filters_again_when_reopened(client_as):
    kazan = CityFactory(name="Kazan")
    client = client_as("marketer")
    url = reverse("telecom:number-list")
    assert client.get(url, {"city": kazan.pk, "page": "1"}).status_code == 200
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{url}?city={kazan.pk}"  # the page number is not remembered


def test_each_list_remembers_its_own_filters(client_as):
    client = client_as("marketer")
    client.get(reverse("telecom:number-list"), {"q": "843"})
    assert client.get(reverse("telecom:line-list")).status_code == 200


def test_clearing_forgets_the_filters(client_as):
    client = client_as("marketer")
    url = reverse("company:city-list")
    client.get(url, {"q": "Каз"})
    response = client.get(url, {"clear": "1"})
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.get(url).status_code == 200


def test_the_clear_button_clears_the_remembered_filters(client_as):
    client = client_as("accounting")
    page = client.get(reverse("telecom:numbers-at-risk"), {"city": CityFactory().pk}).content.decode()
    assert f'href="{reverse("telecom:numbers-at-risk")}?clear=1"' in page


def test_filters_are_remembered_per_user_session(client_as):
    url = reverse("telecom:number-list")
    client_as("marketer").get(url, {"q": "843"})
    assert client_as("marketer").get(url).status_code == 200  # a new session starts unfiltered


def test_yes_no_filters_offer_any_instead_of_unknown(client_as):
    page = client_as("marketer").get(reverse("telecom:number-list")).content.decode()
    held = page.split('name="held"')[1].split("</select>")[0]
    assert '<option value="unknown" selected>Any</option>' in held
    assert '<option value="false">No</option>' in held
    assert "Unknown" not in held


def test_choosing_no_filters_the_list(client_as):
    from apps.telecom.models import PhoneNumber
    from tests.factories import PhoneNumberFactory

    PhoneNumberFactory(status=PhoneNumber.Status.ACTIVE, number="+78432000777")
    page = client_as("marketer").get(reverse("telecom:number-list"), {"held": "false"}).content.decode()
    assert "+7 843 200-07-77" in page
    assert 'value="false" selected' in page


def test_applying_the_filters_all_left_at_any_remembers_nothing(client_as):
    client = client_as("marketer")
    url = reverse("telecom:number-list")
    page = client.get(url, {"q": "", "city": "", "held": "unknown", "through_intermediary": "unknown"})
    assert 'href="/numbers/?clear=1"' not in page.content.decode()  # nothing to clear
    assert client.get(url).status_code == 200
