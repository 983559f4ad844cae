from django.urls import path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import views

app_name = "meetings"

urlpatterns = [
    path("groups/<slug:slug>/meetings/new/", views.create, name="create"),
    path("meetings/<pid:public_id>/", views.detail, name="detail"),
    path("meetings/<pid:public_id>/rsvp/", views.rsvp, name="rsvp"),
    path("meetings/<pid:public_id>/edit/", views.edit, name="edit"),
    path("meetings/<pid:public_id>/cancel/", views.cancel, name="cancel"),
    path("meetings/<pid:public_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/<pid:public_id>/message/", views.message, name="message"),
    path("meetings/<pid:public_id>/talk-links/", views.talk_links, name="talk_links"),
    # Addresses from before public identifiers (old emails, bookmarks): listed groups'
    # meetings only; any other answers as a missing meeting does (views.legacy_redirect).
    path("meetings/<int:meeting_id>/", views.legacy_redirect, {"target": "meetings:detail"}, name="legacy_detail"),
    path("meetings/<int:meeting_id>.ics", views.legacy_redirect, {"target": "feeds:meeting_ics"}, name="legacy_ics"),
    path("meetings/<int:meeting_id>/live/", views.legacy_redirect, {"target": "live:room"}, name="legacy_room"),
    path(
        "meetings/<int:meeting_id>/live/summary/",
        views.legacy_redirect,
        {"target": "live:summary"},
        name="legacy_summary",
    ),
    path("me/agenda/", views.agenda, name="agenda"),
    path("talks/", views.talks, name="talks"),
]
