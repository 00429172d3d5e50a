from django import forms
from django.contrib import admin

from .models import CallRecord, ImportRun, QuarantinedRow, Source, StatementProfile


class SourceForm(forms.ModelForm):
    """The secret is write-only: typed in, stored encrypted, never shown back."""

    new_secret = forms.CharField(
        label="Secret (API key / password)",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave blank to keep the stored one.",
    )
    new_ssh_key = forms.CharField(
        label="SSH private key (SFTP sources)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text="An unencrypted OpenSSH/PEM key, stored encrypted, never shown back. Leave blank to keep "
        "the stored one. The server's host key fingerprint goes in settings.host_key.",
    )

    class Meta:
        model = Source
        fields = [
            "slug", "name", "connector", "settings", "timezone", "url", "login", "pbx_account",
            "schedule_minutes", "overlap_minutes", "enabled",
        ]  # fmt: skip

    def save(self, commit=True):
        if self.cleaned_data.get("new_secret"):
            self.instance.secret = self.cleaned_data["new_secret"]
        if self.cleaned_data.get("new_ssh_key"):
            self.instance.ssh_key = self.cleaned_data["new_ssh_key"].strip() + "\n"
        return super().save(commit=commit)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ["slug", "connector", "timezone", "enabled", "schedule_minutes", "watermark", "last_error"]
    list_filter = ["connector", "enabled"]
    search_fields = ["slug", "name"]
    readonly_fields = ["watermark", "last_pull_at", "last_error"]


@admin.register(StatementProfile)
class StatementProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "encoding", "delimiter", "duration_format", "currency"]


class QuarantinedInline(admin.TabularInline):
    model = QuarantinedRow
    extra = 0
    can_delete = False
    readonly_fields = ["line", "reason", "raw"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "pk", "source", "kind", "status", "read", "inserted", "duplicates", "rejected", "created_at",
    ]  # fmt: skip
    list_filter = ["status", "kind", "source"]
    list_select_related = ["source"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    inlines = [QuarantinedInline]


@admin.register(CallRecord)
class CallRecordAdmin(admin.ModelAdmin):
    list_display = ["started_at", "direction", "caller", "callee", "duration", "disposition", "department"]
    list_filter = ["direction", "disposition", "source"]
    list_select_related = ["department"]
    search_fields = ["caller", "callee", "external_id", "call_group_id"]
    raw_id_fields = ["our_number", "line", "department", "run"]
    date_hierarchy = "started_at"
