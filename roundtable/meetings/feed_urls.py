"""Calendar downloads and feeds. Included at the site root."""

from django.urls import path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("meetings/<pid:public_id>.ics", feeds.meeting_ics, name="meeting_ics"),
    path("calendar/<str:token>.ics", feeds.private_feed, name="private"),
    path("groups/<slug:slug>/calendar.ics", feeds.group_feed, name="group"),
    path("me/calendar/", feeds.my_calendar, name="mine"),
]
