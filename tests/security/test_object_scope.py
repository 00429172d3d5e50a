"""The base viewset scopes querysets with `.visible_to(user)`: what is outside is 404 on every verb."""

from __future__ import annotations

import pytest
from django.urls import include, path
from rest_framework import routers, serializers

from apps.core.api import PortalModelViewSet
from apps.telecom.models import PhoneNumber, PhoneNumberQuerySet
from tests.factories import PhoneNumberFactory


class _OnlyActive(PhoneNumberQuerySet):
    def visible_to(self, user):
        return self if user.is_superuser else self.exclude(status=PhoneNumber.Status.RELEASED)


class _Serializer(serializers.ModelSerializer):
    class Meta:
        model = PhoneNumber
        fields = ["id", "number", "status"]


class _ScopedNumbers(PortalModelViewSet):
    queryset = _OnlyActive(model=PhoneNumber)
    serializer_class = _Serializer


_router = routers.SimpleRouter()
_router.register("scoped-numbers", _ScopedNumbers, basename="scoped")
urlpatterns = [path("api/", include(_router.urls))]


@pytest.fixture
def scoped(settings, db):
    settings.ROOT_URLCONF = __name__
    visible = PhoneNumberFactory(status=PhoneNumber.Status.ACTIVE)
    hidden = PhoneNumberFactory(status=PhoneNumber.Status.RELEASED)
    return visible, hidden


def test_the_list_holds_only_objects_in_scope(scoped, api_as):
    visible, _hidden = scoped
    ids = [row["id"] for row in api_as("admin").get("/api/scoped-numbers/").json()["results"]]
    assert ids == [visible.pk]


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_an_object_outside_scope_is_not_found_on_every_verb(scoped, api_as, method):
    _visible, hidden = scoped
    response = getattr(api_as("admin"), method)(f"/api/scoped-numbers/{hidden.pk}/", {}, format="json")
    assert response.status_code == 404
    assert PhoneNumber.objects.filter(pk=hidden.pk, status=PhoneNumber.Status.RELEASED).exists()


def test_an_object_in_scope_is_served(scoped, api_as):
    visible, _hidden = scoped
    assert api_as("admin").get(f"/api/scoped-numbers/{visible.pk}/").status_code == 200
