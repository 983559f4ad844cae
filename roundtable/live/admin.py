"""Live roundtables in the admin: to look, not to change.

A room's state belongs to live.services: each change there bumps the room's version,
broadcasts it to every open socket, and keeps turns, phases and commitments in step. A row
edited here would do none of that (the room would show stale state until its next change),
so these pages list, search and filter, and refuse adding, changing and deleting (403), as
tests/live/test_admin.py checks. Moderation of what people wrote is the safety app's.
"""

from __future__ import annotations

from django.contrib import admin

from roundtable.meetings.admin import ReadOnlyAdmin

from .models import Challenge, Commitment, Roundtable, Suggestion, Turn


@admin.register(Roundtable)
class RoundtableAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "mode", "status", "started_at", "ended_at", "version")
    list_filter = ("status", "mode")
    search_fields = ("meeting__title", "meeting__public_id")
    list_select_related = ("meeting",)
    raw_id_fields = ("meeting", "current_turn", "opened_by")


@admin.register(Turn)
class TurnAdmin(ReadOnlyAdmin):
    list_display = ("roundtable", "user", "position", "status", "started_at", "ended_at")
    list_filter = ("status",)
    search_fields = ("user__email", "roundtable__meeting__title")
    list_select_related = ("roundtable", "user")
    raw_id_fields = ("roundtable", "user")


@admin.register(Challenge)
class ChallengeAdmin(ReadOnlyAdmin):
    list_display = ("text", "turn", "written_by", "updated_at")
    search_fields = ("text", "turn__user__email")
    list_select_related = ("turn", "written_by")
    raw_id_fields = ("turn", "written_by")


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ("text", "turn", "author", "starred", "created_at")
    list_filter = ("starred",)
    search_fields = ("text", "contact", "author__email")
    list_select_related = ("turn", "author")
    raw_id_fields = ("turn", "author", "starred_by")


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ("text", "user", "status", "created_at", "reviewed_at")
    list_filter = ("status",)
    search_fields = ("text", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("turn", "user", "reviewed_in")
