"""Meetings in the admin: to look, not to change.

Every change to a meeting, a series, a talk or an RSVP goes through meetings.services,
which keep what the admin's plain forms would not: capacity and the waitlist's order, the
counts on each meeting, iCalendar sequence numbers, reminders owed for a new start, the
emails that say a meeting moved, and the discovery cache. So these pages list, search and
filter, and every change form shows its fields read-only: the admin refuses adding,
changing and deleting (403), as tests/meetings/test_admin.py checks. A calendar feed's
secret (its token's hash) is not shown at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from roundtable.core.text import ADMIN_TEXT_RULE

from .models import CalendarFeed, Meeting, MeetingSeries, Rsvp, Talk


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists, search and filters; no add, change or delete (the services own every write)."""

    formfield_overrides = ADMIN_TEXT_RULE
    list_per_page = 50
    # The changelist's count of all rows is a second COUNT(*) over the whole table.
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ReadOnlyAdmin):
    list_display = ("title", "group", "rule", "time_zone", "first_start", "ended", "created_at")
    list_filter = ("ended", "format")
    search_fields = ("title", "group__name", "rule")
    list_select_related = ("group",)
    raw_id_fields = ("group", "origin", "created_by")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "group", "starts_at", "time_zone", "status", "going_count", "waitlist_count",
                    "capacity", "public_id")  # fmt: skip
    list_filter = ("status", "format")
    search_fields = ("title", "public_id", "group__name")
    list_select_related = ("group",)
    raw_id_fields = ("group", "series")


@admin.register(Talk)
class TalkAdmin(ReadOnlyAdmin):
    list_display = ("title", "speaker_name", "organisation", "meeting")
    search_fields = ("title", "speaker_name", "organisation", "meeting__title", "meeting__public_id")
    list_select_related = ("meeting",)
    raw_id_fields = ("meeting",)


@admin.register(Rsvp)
class RsvpAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "user", "status", "waitlisted_at", "attended", "updated_at")
    list_filter = ("status", "attended")
    search_fields = ("user__email", "meeting__title", "meeting__public_id")
    list_select_related = ("meeting", "user")
    raw_id_fields = ("meeting", "user")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    # The token's hash is the feed's secret: whoever has it can test guesses offline.
    fields = ("user", "created_at", "revoked_at")
    raw_id_fields = ("user",)
