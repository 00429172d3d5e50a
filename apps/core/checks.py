"""System checks for the security infrastructure: bad configuration fails `manage.py check` loudly."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def check_encryption_keys(app_configs=None, **kwargs):
    from . import crypto

    try:
        keys = crypto.configured_keys()
        crypto.fernet()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="core.E001")]
    if getattr(settings, "PRODUCTION", False) and crypto.dev_only_key() in keys:
        return [
            checks.Error("the public DEV-ONLY encryption key is configured in production", id="core.E002")
        ]
    return []


@checks.register()
def check_audit_sink(app_configs=None, **kwargs):
    from . import audit

    if audit.registry() and not audit.has_sink():
        names = sorted(m._meta.label for m in audit.registry())
        return [checks.Error(f"audited models {names} but no audit sink: add apps.audit", id="core.E003")]
    return []


@checks.register(checks.Tags.security)
def check_defusedxml(app_configs=None, **kwargs):
    from .files import defusedxml_active

    if not defusedxml_active():
        return [checks.Error("openpyxl would parse XLSX without defusedxml: install it", id="core.E004")]
    return []


@checks.register(checks.Tags.admin, checks.Tags.security)
def check_import_export_admins(app_configs=None, **kwargs):
    """Every import-export admin offers only the checked/safe formats (apps.core.admin.SafeFormatsMixin)."""
    from django.contrib import admin
    from import_export.mixins import BaseImportExportMixin

    from .exports import SafeCSV, SafeXLSX

    errors = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, BaseImportExportMixin):
            continue
        formats = model_admin.get_export_formats()
        unsafe = [f.__name__ for f in formats if not issubclass(f, SafeCSV | SafeXLSX)]
        if unsafe:
            errors.append(
                checks.Error(
                    f"{type(model_admin).__name__} exports {unsafe} without formula neutralisation",
                    hint="put apps.core.admin.SafeFormatsMixin first in its bases",
                    obj=model,
                    id="core.E005",
                )
            )
    return errors
