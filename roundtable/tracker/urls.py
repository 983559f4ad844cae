"""The tracker's pages, all under /tracker/ (owner-only: another person's id answers 404)."""

from django.urls import path, re_path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import views

app_name = "tracker"

urlpatterns = [
    path("tracker/", views.home, name="home"),
    path("tracker/contacts/", views.contacts, name="contacts"),
    path("tracker/contacts/new/", views.contact_new, name="contact_new"),
    path("tracker/contacts/<pid:public_id>/", views.contact, name="contact"),
    path("tracker/contacts/<pid:public_id>/edit/", views.contact_edit, name="contact_edit"),
    path("tracker/contacts/<pid:public_id>/delete/", views.contact_delete, name="contact_delete"),
    path("tracker/companies/", views.companies, name="companies"),
    path("tracker/companies/new/", views.company_new, name="company_new"),
    path("tracker/companies/<pid:public_id>/", views.company, name="company"),
    path("tracker/companies/<pid:public_id>/edit/", views.company_edit, name="company_edit"),
    path("tracker/companies/<pid:public_id>/delete/", views.company_delete, name="company_delete"),
    path("tracker/board/", views.board, name="board"),
    path("tracker/opportunities/new/", views.opportunity_new, name="opportunity_new"),
    path("tracker/opportunities/<pid:public_id>/", views.opportunity, name="opportunity"),
    path("tracker/opportunities/<pid:public_id>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("tracker/opportunities/<pid:public_id>/delete/", views.opportunity_delete, name="opportunity_delete"),
    path("tracker/opportunities/<pid:public_id>/move/", views.opportunity_move, name="opportunity_move"),
    path("tracker/activities/", views.activities, name="activities"),
    path("tracker/activities/new/", views.activity_new, name="activity_new"),
    path("tracker/activities/<pid:public_id>/edit/", views.activity_edit, name="activity_edit"),
    path("tracker/activities/<pid:public_id>/delete/", views.activity_delete, name="activity_delete"),
    path("tracker/quick-add/", views.quick_add_pickers, name="quick_add"),
    path("tracker/tasks/", views.tasks, name="tasks"),
    path("tracker/tasks/<pid:public_id>/edit/", views.task_edit, name="task_edit"),
    path("tracker/tasks/<pid:public_id>/done/", views.task_done, name="task_done"),
    path("tracker/tasks/<pid:public_id>/delete/", views.task_delete, name="task_delete"),
    path("tracker/targets/", views.targets, name="targets"),
    path("tracker/import/", views.import_page, name="import"),
    path("tracker/export/", views.export_page, name="export"),
    re_path(r"^tracker/export/tracker\.(?P<fmt>zip|json)$", views.export_file, name="export_file"),
]
