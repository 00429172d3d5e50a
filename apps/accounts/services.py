"""Users and roles: the writes."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

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
