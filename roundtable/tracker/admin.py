"""The tracker in the admin: to look, not to change, and always with its owner shown.

A person's tracker is theirs alone (design: "Owner-only data"); staff may need to look when
answering a data request, so the lists show the owner first and search by the owner's
email. Every write goes through tracker.services (positions on the board, stage history,
last touches), so the admin refuses adding, changing and deleting. (Landing, "I landed", is
the journal's to show.)
"""

from __future__ import annotations

from django.contrib import admin

from roundtable.core.text import ADMIN_TEXT_RULE
from roundtable.meetings.admin import ReadOnlyAdmin

from .models import Activity, Company, Contact, Opportunity, StageChange, Task, WeeklyTarget

OWNER_SEARCH = ("owner__email",)


@admin.register(Company)
class CompanyAdmin(ReadOnlyAdmin):
    list_display = ("owner", "name", "industry", "created_at")
    search_fields = (*OWNER_SEARCH, "name")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("owner", "name", "company", "role", "last_touch_on", "next_touch_on")
    search_fields = (*OWNER_SEARCH, "name")
    list_select_related = ("owner", "company")
    raw_id_fields = ("owner", "company", "meeting", "group", "person")


class StageChangeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = StageChange
    formfield_overrides = ADMIN_TEXT_RULE
    extra = 0
    can_delete = False
    readonly_fields = ("from_stage", "to_stage", "changed_at")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyAdmin):
    list_display = ("owner", "role", "company", "stage", "source", "stage_changed_at")
    list_filter = ("stage", "source")
    search_fields = (*OWNER_SEARCH, "role", "company__name")
    list_select_related = ("owner", "company")
    raw_id_fields = ("owner", "company", "source_group", "source_contact")
    inlines = (StageChangeInline,)


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("owner", "kind", "occurred_on", "starts_at", "contact", "company")
    list_filter = ("kind",)
    search_fields = OWNER_SEARCH
    list_select_related = ("owner", "contact", "company")
    raw_id_fields = ("owner", "contact", "company", "opportunity", "meeting")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("owner", "title", "due_on", "done_at")
    search_fields = (*OWNER_SEARCH, "title")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "contact", "opportunity", "meeting")


@admin.register(WeeklyTarget)
class WeeklyTargetAdmin(ReadOnlyAdmin):
    list_display = ("owner", "kind", "per_week", "updated_at")
    search_fields = OWNER_SEARCH
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
