"""Admin base shared by the inventory apps: CSV/XLSX import and export through django-import-export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from . import files
from .exports import SafeCSV, SafeXLSX
from .workbook import WorkbookError, _sheet_from_rows, csv_rows, read_xlsx_bytes

MAX_LISTED_ERRORS = 10


class CheckedXLSX(XLSX):
    """XLSX upload read like a workbook sheet: zip checked before parsing, rows capped, headers normalised."""

    def create_dataset(self, in_stream):
        return read_xlsx_bytes(bytes(in_stream), "uploaded file").dataset


class CheckedCSV(CSV):
    """CSV upload read like a workbook sheet: binary refused, rows capped while reading, headers normalised,
    and cells our own CSV export protected against formulas ("'=…") read back as typed."""

    def create_dataset(self, in_stream):
        text = in_stream.decode("utf-8-sig") if isinstance(in_stream, bytes) else in_stream
        if "\x00" in text:
            raise WorkbookError("uploaded file", "not a CSV file (it contains binary data).")
        return _sheet_from_rows("upload", "uploaded file", csv_rows(text)).dataset


class CheckedImportForm(ImportForm):
    """Refuses, before anything reads it, an upload over the size cap or whose content is not what its
    extension says (an HTML page renamed .xlsx, a zip renamed .csv)."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > files.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"{upload.name}: larger than {files.MAX_UPLOAD_BYTES // 2**20} MiB; split the file."
            )
        head = upload.read(2048)
        upload.seek(0)
        try:
            files.check_content_matches(upload.name, head)
        except files.FileRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class SafeFormatsMixin:
    """Import only CSV and XLSX, checked; export only formula-safe CSV and XLSX (apps.core.exports).

    Put it first in the bases of every import-export ModelAdmin; system check core.E005 finds the ones
    that do not.
    """

    import_formats = [CheckedCSV, CheckedXLSX]
    export_formats = [SafeCSV, SafeXLSX]
    import_form_class = CheckedImportForm

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, WorkbookError):
            form.add_error("import_file", str(e))  # ours say exactly what is wrong with the file
        else:
            super().add_data_read_fail_error_to_form(form, e)


def result_problems(result) -> list[str]:
    """Row errors of an import-export Result as "row N, column X: message" lines."""
    lines = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        lines += [f"row {number}: {error.error}" for error in errors]
    for invalid in result.invalid_rows:
        for field, field_messages in invalid.error_dict.items():
            where = f"row {invalid.number}" + ("" if field == "__all__" else f", column {field}")
            lines += [f"{where}: {message}" for message in field_messages]
    return lines


class PortalImportExportAdmin(SafeFormatsMixin, ImportExportModelAdmin):
    """Import shows a dry run first (row errors name the row and column); confirm writes all or nothing.

    Only CSV and XLSX are offered: fewer parsers, less attack surface (django-import-export PR #1606).
    """

    list_per_page = 50

    def process_dataset(self, dataset, form, request, **kwargs):
        # The confirm step re-reads the file and imports it for real. Should the data have changed since
        # the dry run (a provider renamed meanwhile), django-import-export would keep the valid rows and
        # drop the invalid ones; we roll the whole file back instead.
        with transaction.atomic():
            result = super().process_dataset(dataset, form, request, **kwargs)
            if result.has_errors() or result.has_validation_errors():
                transaction.set_rollback(True)
        return result

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            problems = result_problems(result)
            shown = "; ".join(problems[:MAX_LISTED_ERRORS])
            more = (
                f" (and {len(problems) - MAX_LISTED_ERRORS} more)"
                if len(problems) > MAX_LISTED_ERRORS
                else ""
            )
            messages.error(request, f"Nothing was imported: {shown}{more}.")
            info = self.model._meta.app_label, self.model._meta.model_name
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info)))
        return super().process_result(result, request)
