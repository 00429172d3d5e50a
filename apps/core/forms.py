"""Forms shared by every app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class WorkbookImportForm(forms.Form):
    workbook = forms.FileField(
        label=_("Inventory workbook (.xlsx)"),
        help_text=_("One sheet per kind of record, as exported by manage.py export_inventory."),
    )
    dry_run = forms.BooleanField(label=_("Only check the file, write nothing"), required=False, initial=False)

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("%(name)s is not an .xlsx workbook."), params={"name": upload.name}, code="not_xlsx"
            )
        return upload
