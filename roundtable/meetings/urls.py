from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("groups/<slug:slug>/meetings/new/", views.create, name="create"),
    path("meetings/<int:meeting_id>/", views.detail, name="detail"),
    path("meetings/<int:meeting_id>/rsvp/", views.rsvp, name="rsvp"),
    path("meetings/<int:meeting_id>/edit/", views.edit, name="edit"),
    path("meetings/<int:meeting_id>/cancel/", views.cancel, name="cancel"),
    path("meetings/<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:meeting_id>/message/", views.message, name="message"),
    path("meetings/<int:meeting_id>/talk-links/", views.talk_links, name="talk_links"),
    path("me/agenda/", views.agenda, name="agenda"),
    path("talks/", views.talks, name="talks"),
]
