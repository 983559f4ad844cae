"""The inbox, its preferences and the one-click unsubscribe, under /inbox/ (owner-only: another
person's notification answers 404)."""

from django.urls import path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import views

app_name = "notifications"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.mark_all_read, name="mark_all_read"),
    path("inbox/preferences/", views.preferences, name="preferences"),
    path("inbox/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("inbox/<pid:public_id>/", views.open_item, name="open"),
    path("inbox/<pid:public_id>/read/", views.mark_read, name="mark_read"),
]
