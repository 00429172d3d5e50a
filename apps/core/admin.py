"""Admin base shared by the inventory apps: CSV/XLSX import and export through django-import-export."""

from __future__ import annotations

from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX


class PortalImportExportAdmin(ImportExportModelAdmin):
    """Import shows a dry run first (row errors name the row and column); confirm writes all or nothing.

    Only CSV and XLSX are offered: fewer parsers, less attack surface (django-import-export PR #1606).
    """

    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    list_per_page = 50
