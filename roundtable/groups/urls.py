from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("groups/", views.discover, name="discover"),
    path("groups/new/", views.create, name="create"),
    path("me/groups/", views.mine, name="mine"),
    path("invite/<str:token>/", views.invite_accept, name="invite"),
    path("groups/<slug:slug>/", views.detail, name="detail"),
    path("groups/<slug:slug>/members/", views.members, name="members"),
    path("groups/<slug:slug>/join/", views.join, name="join"),
    path("groups/<slug:slug>/appearance/", views.appearance, name="appearance"),
    path("groups/<slug:slug>/rules/", views.ground_rules, name="rules"),
    path("groups/<slug:slug>/leave/", views.leave, name="leave"),
    path("groups/<slug:slug>/manage/", views.dashboard, name="dashboard"),
    path("groups/<slug:slug>/manage/settings/", views.edit, name="edit"),
    path("groups/<slug:slug>/manage/hand-over/", views.hand_over, name="hand_over"),
    path("groups/<slug:slug>/manage/archive/", views.archive, name="archive"),
    path("groups/<slug:slug>/manage/restore/", views.restore, name="restore"),
    path("groups/<slug:slug>/manage/requests/<int:membership_id>/", views.decide, name="decide"),
    path("groups/<slug:slug>/manage/members/<int:membership_id>/", views.member_action, name="member_action"),
    path("groups/<slug:slug>/manage/invites/", views.invite_new, name="invite_new"),
    path("groups/<slug:slug>/manage/invites/<int:invite_id>/revoke/", views.invite_revoke, name="invite_revoke"),
]
