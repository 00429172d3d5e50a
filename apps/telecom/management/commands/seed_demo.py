"""Load the demo data of every installed app, in INSTALLED_APPS order (idempotent)."""

from __future__ import annotations

import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_modules():
    """Each installed app's `demo` module that has `seed(*, stdout)`, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if callable(getattr(module, "seed", None)):
            yield config.label, module


class Command(BaseCommand):
    help = "Load demo data (9 cities, ~20 salons, numbers, phones, one user per role). Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            for label, module in demo_modules():
                module.seed(stdout=self.stdout)
                self.stdout.write(f"  seeded {label}")
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Logins: manage.py demo_logins"))
