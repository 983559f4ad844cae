from django.urls import path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import views

app_name = "live"

urlpatterns = [
    path("meetings/<pid:public_id>/live/", views.room, name="room"),
    path("meetings/<pid:public_id>/live/open/", views.open_room, name="open"),
    path("meetings/<pid:public_id>/live/status.json", views.status, name="status"),
    path("meetings/<pid:public_id>/live/display/", views.display, name="display"),
    path("meetings/<pid:public_id>/live/summary/", views.summary, name="summary"),
    path("me/roundtables/", views.my_history, name="my_history"),
    path("me/roundtables/sharing/", views.history_sharing, name="history_sharing"),
    path("groups/<slug:slug>/people/<pid:public_id>/roundtables/", views.member_history, name="member_history"),
]
