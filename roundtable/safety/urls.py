from django.urls import path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import views

app_name = "safety"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("me/reports/", views.my_reports, name="my_reports"),
    path("groups/<slug:slug>/moderation/", views.queue, name="queue"),
    path("groups/<slug:slug>/moderation/reports/<pid:public_id>/", views.decide, name="decide"),
    path("groups/<slug:slug>/moderation/content/", views.content_action, name="content"),
    # A public id, or a pseudonymous member's group-scoped handle (views._member_or_404).
    path("groups/<slug:slug>/moderation/people/<slug:public_id>/", views.person, name="person"),
    path("operators/moderation/", views.operators, name="operators"),
    path("operators/moderation/log/", views.audit, name="audit"),
    path("operators/moderation/reports/<pid:public_id>/", views.operator_decide, name="operator_decide"),
    path("operators/moderation/content/", views.operator_content, name="operator_content"),
    path("operators/moderation/people/<pid:public_id>/", views.operator_person, name="operator_person"),
]
