from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from rest_framework.authtoken.admin import TokenProxy

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "roles", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Portal", {"fields": ("language",)}))

    actions = ["revoke_api_tokens"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    @admin.action(description="Revoke API tokens of the selected users", permissions=["change"])
    def revoke_api_tokens(self, request, queryset):
        deleted, _ = TokenProxy.objects.filter(user__in=queryset).delete()
        self.message_user(request, f"{deleted} API token(s) revoked.")


# DRF's token admin lists API tokens in full, and a token's primary key *is* its key, so every link of
# that admin would carry it: anyone with view rights there could sign in as anyone. Tokens are not
# shown at all; the "Revoke API tokens" action on users replaces that admin.
admin.site.unregister(TokenProxy)
