from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from roundtable.core.text import ADMIN_TEXT_RULE

from .models import ApiToken, Block, Profile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    ordering = ("email",)
    list_display = ("email", "is_active", "is_staff", "date_joined")
    search_fields = ("email", "profile__display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("display_name", "user", "location_label", "search_status")
    search_fields = ("display_name", "user__email")
    raw_id_fields = ("user",)
    filter_horizontal = ("interests",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    raw_id_fields = ("user",)
    exclude = ("token_hash",)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    """Read-only: a block is its maker's own choice (accounts.blocks). Operators look at blocks
    when they handle a harassment report; they never make or lift one for someone."""

    list_display = ("blocker", "blocked", "created_at")
    raw_id_fields = ("blocker", "blocked")
    readonly_fields = ("blocker", "blocked", "created_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


# allauth's own admin for two-factor methods shows their `data` (a TOTP secret, recovery-code
# seeds, a passkey's credential) in its change form: operators never need to read those. Ours
# lists who has which method, and lets an operator delete one for a person who lost their
# phone and their recovery codes (once sure who is asking); nothing else.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
    exclude = ("data",)
    readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
