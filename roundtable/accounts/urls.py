from django.urls import path

from roundtable.core import ids  # noqa: F401 - registers the `pid` path converter

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/profile/", views.profile_edit, name="profile_edit"),
    path("people/<pid:public_id>/", views.profile, name="profile"),
    path("people/<pid:public_id>/block/", views.block, name="block"),
    path("people/<pid:public_id>/unblock/", views.unblock, name="unblock"),
    path("me/blocked/", views.blocked, name="blocked"),
    path("me/security/", views.security, name="security"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
