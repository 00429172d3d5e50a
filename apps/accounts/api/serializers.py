"""Input of the token endpoint."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers


class TokenObtainSerializer(serializers.Serializer):
    """A username and password, checked by the same backends as the login page (lockout included)."""

    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        why: dict = {}  # the lockout backend (django-axes) says here why it refused
        user = authenticate(
            request=self.context["request"],
            username=attrs["username"],
            password=attrs["password"],
            response_context=why,
        )
        if why.get("error"):
            raise exceptions.PermissionDenied(why["error"])
        if user is None:
            raise serializers.ValidationError(
                _("Unable to log in with this username and password."), code="authorization"
            )
        return {"user": user}
