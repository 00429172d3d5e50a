from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    roles: list[str] = []
    if user is not None and user.is_authenticated and hasattr(user, "role_names"):
        roles = user.role_names()
    return {"portal_roles": roles, "portal_debug": settings.DEBUG}
