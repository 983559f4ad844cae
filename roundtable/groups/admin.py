from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from roundtable.core.text import ADMIN_TEXT_RULE

from . import services
from .models import Group, Invite, Membership, Topic


def _after_admin_change(memberships: list[Membership]) -> None:
    # The admin writes rows directly; losing access must still take effect at once on every
    # surface (design.md, "Privacy, precisely"), exactly as the group pages' services do.
    for m in memberships:
        services.membership_changed_elsewhere(group=m.group, user=m.user)


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

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if formset.model is Membership:
                touched = [f.instance for f in formset.forms if f.has_changed() or f in formset.deleted_forms]
                _after_admin_change([m for m in touched if m.user_id])


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("user", "group", "role", "state", "created_at")
    list_filter = ("role", "state")
    search_fields = ("user__email", "group__name")
    raw_id_fields = ("user", "group", "decided_by")

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            _after_admin_change([obj])

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            _after_admin_change([obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        with transaction.atomic():
            gone = list(queryset.select_related("group", "user"))
            super().delete_queryset(request, queryset)
            _after_admin_change(gone)


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("group", "note", "created_at", "expires_at", "revoked_at", "uses")
    raw_id_fields = ("group", "created_by")
    exclude = ("token_hash",)
