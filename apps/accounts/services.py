"""Users and roles: the writes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import User
from .roles import GROUP_NAMES, Role


@transaction.atomic
def user_ensure(*, username: str, password: str, role: str, **fields) -> User:
    """Create or update a user holding exactly `role`; admins are staff (they use the admin panel)."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    user, _created = User.objects.get_or_create(username=username, defaults=fields)
    for key, value in fields.items():
        setattr(user, key, value)
    user.is_staff = role == Role.ADMIN
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=GROUP_NAMES[role])])
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Remember the interface language the user picked; it applies from their next sign-in on."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(
            {"language": _("%(value)s is not a language of the portal.") % {"value": language}}
        )
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
