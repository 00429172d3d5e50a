"""DRF permission and pagination (kept apart from viewsets: DRF imports these while it loads)."""

from __future__ import annotations

from rest_framework import pagination, permissions


class RolePermission(permissions.DjangoModelPermissions):
    """Authenticated, and the role grants the model permission; reading needs `view_<model>`."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if getattr(view, "_ignore_model_permissions", False):
            return True
        required = getattr(view, "required_permissions", None)
        if required is not None:
            return user.has_perms(required)
        return super().has_permission(request, view)


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000
