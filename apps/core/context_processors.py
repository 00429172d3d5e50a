from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    roles: list[str] = []
    if user is not None and user.is_authenticated and hasattr(user, "role_labels"):
        roles = user.role_labels()
    return {"portal_roles": roles, "portal_debug": settings.DEBUG}
