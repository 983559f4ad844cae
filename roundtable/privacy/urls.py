from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("me/data/", views.data, name="data"),
    path("me/data/download/", views.download, name="download"),
    path("me/data/summary/", views.summary, name="summary"),
    path("me/delete/", views.delete, name="delete"),
    path("account-deleted/", views.deleted, name="deleted"),
]
