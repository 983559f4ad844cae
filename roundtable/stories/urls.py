"""The stories app's pages, under /stories/."""

from django.urls import path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import views

app_name = "stories"

urlpatterns = [
    path("stories/", views.story_list, name="list"),
    path("stories/new/", views.story_new, name="new"),
    path("stories/lessons/", views.lesson_list, name="lessons"),
    path("stories/lessons/new/", views.lesson_new, name="lesson_new"),
    path("stories/lessons/<pid:public_id>/edit/", views.lesson_edit, name="lesson_edit"),
    path("stories/lessons/<pid:public_id>/delete/", views.lesson_delete, name="lesson_delete"),
    path("stories/like-yours/", views.like_yours, name="like_yours"),
    path("stories/sharing/", views.sharing, name="sharing"),
    path("stories/<pid:public_id>/", views.story, name="story"),
    path("stories/<pid:public_id>/edit/", views.story_edit, name="story_edit"),
    path("stories/<pid:public_id>/delete/", views.story_delete, name="story_delete"),
]
