"""Users of the portal. Roles are groups (see roles.py); a user may hold more than one."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import GROUP_NAMES, ROLE_BY_GROUP, Role


class User(AbstractUser):
    """A person who signs in to the portal: an accountant, the marketer, a lawyer or an admin."""

    language = models.CharField(
        _("interface language"), max_length=8, blank=True, choices=[("en", "English"), ("ru", "Русский")]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def role_names(self) -> list[str]:
        if not hasattr(self, "_role_cache"):
            names = self.groups.values_list("name", flat=True) if self.pk else []
            self._role_cache = sorted(ROLE_BY_GROUP[n] for n in names if n in ROLE_BY_GROUP)
        return self._role_cache

    def role_labels(self) -> list[str]:
        """The roles as people read them, in the active language ("Бухгалтерия")."""
        return [str(Role(name).label) for name in self.role_names()]

    def has_role(self, role: str) -> bool:
        return self.is_superuser or role in self.role_names()

    @staticmethod
    def group_name(role: str) -> str:
        return GROUP_NAMES[role]
