from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Source


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=Source.objects.enabled(), to_field_name="slug", empty_label=None
    )
    file = forms.FileField(label=_("Call-record file"))
