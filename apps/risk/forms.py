"""Forms of the risk review pages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from . import policy as P
from .models import RiskFinding

DECISIONS = [(v, label) for v, label in RiskFinding.Status.choices]


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class ProtocolRowForm(forms.Form):
    """One row of the protocol as the lawyer edits it. Rows left unticked are not exported."""

    include = forms.BooleanField(label=_("Include"), required=False, initial=True)
    clause = forms.CharField(label=_("Clause"), max_length=32, required=False)
    operator_wording = forms.CharField(
        label=_("Operator's wording"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    our_wording = forms.CharField(
        label=_("Our wording"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("include") and any(data.get(k) for k in ("clause", "operator_wording", "our_wording")):
            for key in ("clause", "our_wording"):
                if not data.get(key):
                    self.add_error(key, _("A row in the protocol needs its clause and our wording."))
        return data

    @property
    def exported(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("include") and data.get("clause") and data.get("our_wording"))


ProtocolRowFormSet = forms.formset_factory(ProtocolRowForm, extra=1, max_num=200, validate_max=True)


class ProtocolHeaderForm(forms.Form):
    FORMATS = [("docx", "DOCX"), ("pdf", "PDF")]

    operator = forms.CharField(label=_("Operator (as it signs)"), max_length=300)
    customer = forms.CharField(label=_("Customer (our company)"), max_length=300)
    day = forms.DateField(label=_("Date"), initial=dt.date.today)
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="docx")


class PolicyForm(forms.Form):
    """Every numeric threshold of the severity policy, one field per (code, name)."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for code, limits in P.DEFAULT_POLICY.items():
            for key, default in limits.items():
                self.fields[f"{code}__{key}"] = forms.DecimalField(
                    label=f"{code} · {key}",
                    min_value=0,
                    max_digits=8,
                    decimal_places=3,
                    initial=current[code][key],
                    help_text=_("default %(value)s") % {"value": default},
                )

    def values(self) -> dict[str, dict]:
        result: dict[str, dict] = {code: {} for code in P.DEFAULT_POLICY}
        for name, value in self.cleaned_data.items():
            code, key = name.split("__", 1)
            default = P.DEFAULT_POLICY[code][key]
            result[code][key] = (
                int(value) if isinstance(default, int) and value == int(value) else float(value)
            )
        return result
