from django.urls import path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import views

app_name = "buddies"

urlpatterns = [
    path("me/buddy/", views.home, name="home"),
    path("me/buddy/pool/", views.pool, name="pool"),
    path("me/buddy/leave/", views.leave, name="leave"),
    path("me/buddy/pairs/<pid:public_id>/checkin/", views.checkin, name="checkin"),
    path("me/buddy/pairs/<pid:public_id>/end/", views.end, name="end"),
    path("me/buddy/checkins/<pid:public_id>/reply/", views.reply, name="reply"),
    path("groups/<slug:slug>/buddies/", views.group_pool, name="group_pool"),
]
