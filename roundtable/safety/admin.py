"""Reports, mutes, hidden content and the audit trail in the admin: to look, not to change.

Every change goes through safety.services, which records it in the audit trail and tells the
people concerned; a row edited here would do neither. The operators' own pages
(/operators/moderation/) are where they act."""

from __future__ import annotations

from django.contrib import admin

from roundtable.meetings.admin import ReadOnlyAdmin

from .models import AuditEvent, Hidden, Mute, Report


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "kind", "reason", "status", "group", "created_at", "decided_at")
    list_filter = ("status", "kind", "reason")
    search_fields = ("public_id", "object_ref", "group__slug")
    list_select_related = ("group",)
    raw_id_fields = ("reporter", "subject", "group", "decided_by")


@admin.register(Mute)
class MuteAdmin(ReadOnlyAdmin):
    list_display = ("group", "user", "until", "created_at")
    list_select_related = ("group", "user")
    raw_id_fields = ("group", "user", "by")


@admin.register(Hidden)
class HiddenAdmin(ReadOnlyAdmin):
    list_display = ("kind", "object_ref", "group", "hidden_at")
    list_filter = ("kind",)
    list_select_related = ("group",)
    raw_id_fields = ("group", "author", "hidden_by")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "actor", "subject", "group")
    list_filter = ("action",)
    search_fields = ("action", "group__slug")
    list_select_related = ("actor", "subject", "group")
    raw_id_fields = ("actor", "subject", "group")
