"""The journal in the admin: delivery records only, to look, not to change.

Goals, reflections and the people in them are not registered at all: they are private to
their owner (design: "Owner-only data"), and staff need none of them to run the site. What
support does need is whether an email went: "How was it?" (ReflectionPromptSent) and a
landing's thanks to a group (LandingThanks). Those pages show who, which meeting or group and
when, never a value, a takeaway or where someone landed. A person's own entries reach staff
only through the privacy app's export, at that person's request.
"""

from __future__ import annotations

from django.contrib import admin

from roundtable.meetings.admin import ReadOnlyAdmin

from .models import LandingThanks, ReflectionPromptSent


@admin.register(ReflectionPromptSent)
class ReflectionPromptSentAdmin(ReadOnlyAdmin):
    list_display = ("user", "meeting", "sent_at")
    search_fields = ("user__email", "meeting__public_id")
    list_select_related = ("user", "meeting")
    raw_id_fields = ("user", "meeting")


@admin.register(LandingThanks)
class LandingThanksAdmin(ReadOnlyAdmin):
    list_display = ("owner", "group", "sent_at")
    search_fields = ("owner__email", "group__slug")
    list_select_related = ("owner", "group")
    raw_id_fields = ("owner", "group")
