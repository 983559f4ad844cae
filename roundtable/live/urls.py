from django.urls import path

from . import views

app_name = "live"

urlpatterns = [
    path("meetings/<int:meeting_id>/live/", views.room, name="room"),
    path("meetings/<int:meeting_id>/live/open/", views.open_room, name="open"),
    path("meetings/<int:meeting_id>/live/status.json", views.status, name="status"),
    path("meetings/<int:meeting_id>/live/display/", views.display, name="display"),
    path("meetings/<int:meeting_id>/live/summary/", views.summary, name="summary"),
    path("me/roundtables/", views.my_history, name="my_history"),
    path("me/roundtables/sharing/", views.history_sharing, name="history_sharing"),
    path("groups/<slug:slug>/people/<int:user_id>/roundtables/", views.member_history, name="member_history"),
]
