from django.urls import path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import views

app_name = "network"

urlpatterns = [
    path("meetings/<pid:public_id>/who-to-meet/", views.who_to_meet, name="who_to_meet"),
    path("meetings/<pid:public_id>/who-to-meet/<pid:person>/meet/", views.meet, name="meet"),
    path("meetings/<pid:public_id>/who-to-meet/<pid:person>/unmeet/", views.unmeet, name="unmeet"),
    path("network/introductions/", views.introductions, name="introductions"),
    path("network/introductions/ask/", views.ask, name="ask"),
    path("network/introductions/<pid:public_id>/", views.introduction, name="introduction"),
    path("network/introductions/<pid:public_id>/accept/", views.accept, name="accept"),
    path("network/introductions/<pid:public_id>/decline/", views.decline, name="decline"),
    path("network/introductions/<pid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("groups/<slug:slug>/introductions/", views.suggestions, name="suggestions"),
    path("groups/<slug:slug>/introductions/propose/", views.propose, name="propose"),
]
