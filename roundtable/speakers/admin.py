"""Experts and invitations in the admin: to look, not to change (the services own every
write; an expert unlists themselves on their page). Invitations show who, which group and
when, for support questions about an email that did not arrive."""

from __future__ import annotations

from django.contrib import admin

from roundtable.meetings.admin import ReadOnlyAdmin

from .models import Expert, Invitation


@admin.register(Expert)
class ExpertAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "user", "listed", "in_person", "online", "region", "updated_at")
    list_filter = ("listed", "in_person", "online")
    search_fields = ("public_id", "user__email")
    list_select_related = ("user",)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "expert", "group", "status", "created_at", "answered_at")
    list_filter = ("status",)
    search_fields = ("public_id", "group__slug", "expert__user__email")
    list_select_related = ("expert", "group")
