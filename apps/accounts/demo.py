"""Demo users: one per role, username = the role's name, one documented password (docs/pages.md)."""

from __future__ import annotations

from .models import User
from .roles import GROUP_NAMES, Role
from .services import user_ensure

DEMO_PASSWORD = "demo-portal-2026"

DEMO_NAMES = {
    Role.ACCOUNTING: ("Ольга", "Бухарова", "Accounting: costs per salon, invoices"),
    Role.MARKETER: ("Артём", "Маркелов", "Marketer: rollout, call routes, call analytics"),
    Role.LAWYER: ("Ирина", "Законова", "Lawyer: contracts and their risky clauses"),
    Role.ADMIN: ("Сергей", "Админов", "Admin: inventory, connectors, users"),
}


def demo_logins() -> list[tuple[str, str, str]]:
    """[(username, password, what the role does)] for every demo user."""
    return [(role, DEMO_PASSWORD, DEMO_NAMES[role][2]) for role in Role.values]


def seed(*, stdout) -> None:
    created = 0
    for role in Role.values:
        first, last, _what = DEMO_NAMES[role]
        user = User.objects.filter(username=role).first()
        in_place = (
            user is not None
            and user.first_name == first
            and user.last_name == last
            and user.is_active
            and list(user.groups.values_list("name", flat=True)) == [GROUP_NAMES[role]]
            and user.check_password(DEMO_PASSWORD)
        )
        if in_place:
            continue  # re-hashing the same password would change the row for nothing
        user_ensure(
            username=role,
            password=DEMO_PASSWORD,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{role}@demo.example",
            is_active=True,
        )
        created += 1
    stdout.write(f"accounts: {len(Role.values)} demo users ({created} created or reset)")
