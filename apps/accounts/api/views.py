"""API tokens: a script trades a username and password for a token once, then sends the token."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .serializers import TokenObtainSerializer

TokenResponse = inline_serializer("TokenResponse", fields={"token": serializers.CharField()})


class TokenView(ObtainAuthToken):
    """POST obtains the caller's token; DELETE revokes it (the next POST issues a new one)."""

    serializer_class = TokenObtainSerializer

    def get_permissions(self):
        # Obtaining needs no login (the password is the credential); revoking needs the token itself.
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    @extend_schema(
        tags=["auth"],
        summary="Obtain an API token",
        description=(
            "Send a username and password; the answer holds a token. Authenticate later calls with the "
            "header `Authorization: Token <token>`. The same token is returned until it is revoked."
        ),
        request=TokenObtainSerializer,
        responses={
            200: TokenResponse,
            400: OpenApiResponse(description="Wrong username or password."),
            403: OpenApiResponse(description="Locked out after repeated failures; try again later."),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    @extend_schema(
        tags=["auth"],
        summary="Revoke the caller's API token",
        request=None,
        responses={204: OpenApiResponse(description="The token no longer works.")},
    )
    def delete(self, request, *args, **kwargs):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
