from django.contrib import admin

from roundtable.core.text import ADMIN_TEXT_RULE

from .models import Group, Invite, Membership, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class MembershipInline(admin.TabularInline):
    formfield_overrides = ADMIN_TEXT_RULE
    model = Membership
    extra = 0
    raw_id_fields = ("user", "decided_by")


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("name", "kind", "format", "visibility", "join_policy", "member_count", "location_label")
    list_filter = ("kind", "format", "visibility", "join_policy")
    search_fields = ("name", "slug", "location_label")
    raw_id_fields = ("created_by",)
    filter_horizontal = ("topics",)
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("user", "group", "role", "state", "created_at")
    list_filter = ("role", "state")
    search_fields = ("user__email", "group__name")
    raw_id_fields = ("user", "group", "decided_by")


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("group", "note", "created_at", "expires_at", "revoked_at", "uses")
    raw_id_fields = ("group", "created_by")
    exclude = ("token_hash",)
