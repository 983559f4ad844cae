from django.urls import path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import views

app_name = "speakers"

urlpatterns = [
    path("speakers/", views.directory, name="directory"),
    path("speakers/volunteer/", views.volunteer, name="volunteer"),
    path("speakers/listing/", views.listing, name="listing"),
    path("speakers/invitations/", views.invitations, name="invitations"),
    path("speakers/invitations/<pid:public_id>/", views.invitation, name="invitation"),
    path("speakers/invitations/<pid:public_id>/accept/", views.accept, name="accept"),
    path("speakers/invitations/<pid:public_id>/decline/", views.decline, name="decline"),
    path("speakers/<pid:public_id>/", views.expert, name="expert"),
    path("speakers/<pid:public_id>/invite/", views.invite, name="invite"),
]
