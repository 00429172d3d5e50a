"""Views shared by every app."""

from __future__ import annotations

from django.urls import get_resolver, reverse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def api_root(request):
    """Index of the API: every list endpoint under /api/v1/ by name."""
    names = sorted(key for key in _url_names(get_resolver()) if key.endswith("-list") and "-api:" in key)
    return Response({name: request.build_absolute_uri(reverse(name)) for name in names})


def _url_names(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _url_names(pattern, ns)
        elif pattern.name:
            yield prefix + pattern.name
