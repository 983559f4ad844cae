from django.urls import path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import views

app_name = "journal"

urlpatterns = [
    path("meetings/<pid:public_id>/goal/", views.goal, name="goal"),
    path("meetings/<pid:public_id>/goal/clear/", views.goal_clear, name="goal_clear"),
    path("meetings/<pid:public_id>/reflection/", views.reflection, name="reflection"),
    path("meetings/<pid:public_id>/reflection/dismiss/", views.reflection_dismiss, name="reflection_dismiss"),
    path("me/journal/", views.journal, name="journal"),
    path("me/insights/", views.insights, name="insights"),
    path("me/landed/", views.landed, name="landed"),
    path("me/landed/next/", views.landed_done, name="landed_done"),
    path("groups/<slug:slug>/health/", views.group_health, name="health"),
]
