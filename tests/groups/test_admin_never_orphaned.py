"""The Django admin guards a group's last facilitator as the pages do (issue 9, "a group is
never orphaned"): single delete, bulk delete, the change form and a group's membership rows
all refuse, naming the group and the two ways out."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from roundtable.groups.admin import headless_message
from roundtable.groups.models import Group, Membership, MembershipRole, MembershipState
from tests.factories import GroupFactory, MeetingFactory, MembershipFactory, UserFactory

REFUSED = (
    "“Career Changers” would have no facilitator, so nothing was changed. Hand the group over first "
    "(make another active member a facilitator), or archive it with “Archive selected groups” on the Groups list."
)


def _admin() -> Client:
    c = Client()
    c.force_login(UserFactory(is_staff=True, is_superuser=True))
    return c


def _group_with_one_facilitator() -> tuple[Group, Membership, Membership]:
    group = GroupFactory(name="Career Changers")
    fac = MembershipFactory(group=group, role=MembershipRole.FACILITATOR)
    member = MembershipFactory(group=group)
    MeetingFactory(group=group)
    return group, fac, member


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request)]


def _change_data(m: Membership, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "group": m.group_id,
        "user": m.user_id,
        "role": m.role,
        "state": m.state,
        "answer": m.answer,
        "admission": m.admission,
        "created_at_0": m.created_at.strftime("%Y-%m-%d"),
        "created_at_1": m.created_at.strftime("%H:%M:%S"),
        "decided_at_0": "",
        "decided_at_1": "",
        "decided_by": "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_message_names_the_group_and_both_ways_out() -> None:
    group, _fac, _member = _group_with_one_facilitator()
    assert headless_message([group]) == REFUSED


@pytest.mark.django_db
def test_deleting_the_only_facilitator_is_refused_on_the_confirm_page_and_on_post() -> None:
    _group, fac, _member = _group_with_one_facilitator()
    c = _admin()
    for method in (c.get, c.post):
        r = method(f"/admin/groups/membership/{fac.pk}/delete/", follow=True)
        assert r.redirect_chain == [(f"/admin/groups/membership/{fac.pk}/change/", 302)]
        assert _messages(r) == [REFUSED]
    assert Membership.objects.get(pk=fac.pk).is_facilitator


@pytest.mark.django_db
def test_deleting_one_of_two_facilitators_goes_ahead() -> None:
    group, fac, _member = _group_with_one_facilitator()
    MembershipFactory(group=group, role=MembershipRole.FACILITATOR)
    r = _admin().post(f"/admin/groups/membership/{fac.pk}/delete/", {"post": "yes"})
    assert (r.status_code, r["Location"]) == (302, "/admin/groups/membership/")
    assert not Membership.objects.filter(pk=fac.pk).exists()


@pytest.mark.django_db
def test_deleting_the_only_facilitator_of_an_archived_group_goes_ahead() -> None:
    group, fac, _member = _group_with_one_facilitator()
    from roundtable.groups.services import group_archive

    group_archive(group=group, by=None)
    r = _admin().post(f"/admin/groups/membership/{fac.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert not Membership.objects.filter(pk=fac.pk).exists()


@pytest.mark.django_db
def test_bulk_delete_with_the_only_facilitator_is_refused_before_the_confirm_page() -> None:
    _group, fac, member = _group_with_one_facilitator()
    other_group = GroupFactory(name="Second Act")
    MembershipFactory(group=other_group, role=MembershipRole.FACILITATOR)
    other = MembershipFactory(group=other_group)
    c = _admin()
    for confirmed in ({}, {"post": "yes"}):
        r = c.post(
            "/admin/groups/membership/",
            {"action": "delete_selected", "_selected_action": [fac.pk, member.pk, other.pk], **confirmed},
            follow=True,
        )
        assert r.redirect_chain == [("/admin/groups/membership/", 302)]
        assert _messages(r) == [REFUSED]
    assert Membership.objects.filter(pk__in=[fac.pk, member.pk, other.pk]).count() == 3


@pytest.mark.django_db
def test_bulk_delete_of_every_facilitator_of_two_groups_names_both() -> None:
    _group, fac, _member = _group_with_one_facilitator()
    other_fac = MembershipFactory(group=GroupFactory(name="Second Act"), role=MembershipRole.FACILITATOR)
    r = _admin().post(
        "/admin/groups/membership/",
        {"action": "delete_selected", "_selected_action": [fac.pk, other_fac.pk], "post": "yes"},
        follow=True,
    )
    assert _messages(r) == [
        "“Career Changers”, “Second Act” would have no facilitators, so nothing was changed. Hand the group "
        "over first (make another active member a facilitator), or archive it with “Archive selected groups” "
        "on the Groups list."
    ]
    assert Membership.objects.filter(pk__in=[fac.pk, other_fac.pk]).count() == 2


@pytest.mark.django_db
def test_bulk_delete_of_members_only_still_asks_then_deletes() -> None:
    _group, _fac, member = _group_with_one_facilitator()
    c = _admin()
    r = c.post("/admin/groups/membership/", {"action": "delete_selected", "_selected_action": [member.pk]})
    assert r.status_code == 200
    assert "Are you sure you want to delete the selected membership?" in r.text
    r = c.post(
        "/admin/groups/membership/",
        {"action": "delete_selected", "_selected_action": [member.pk], "post": "yes"},
    )
    assert r.status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"role": MembershipRole.MEMBER},
        {"role": MembershipRole.MEMBER, "state": MembershipState.LEFT},
        {"role": MembershipRole.MEMBER, "state": MembershipState.BANNED},
    ],
)
def test_the_change_form_refuses_to_demote_or_end_the_only_facilitator(changes: dict[str, str]) -> None:
    _group, fac, _member = _group_with_one_facilitator()
    r = _admin().post(f"/admin/groups/membership/{fac.pk}/change/", _change_data(fac, **changes))
    assert r.status_code == 200
    assert r.context["adminform"].form.non_field_errors() == [REFUSED]
    fac.refresh_from_db()
    assert (fac.role, fac.state) == (MembershipRole.FACILITATOR, MembershipState.ACTIVE)


@pytest.mark.django_db
def test_the_change_form_refuses_to_move_the_only_facilitator_to_another_group() -> None:
    group, fac, _member = _group_with_one_facilitator()
    elsewhere = GroupFactory(name="Second Act")
    r = _admin().post(f"/admin/groups/membership/{fac.pk}/change/", _change_data(fac, group=elsewhere.pk))
    assert r.status_code == 200
    assert r.context["adminform"].form.non_field_errors() == [REFUSED]
    assert Membership.objects.get(pk=fac.pk).group_id == group.pk


@pytest.mark.django_db
def test_the_change_form_demotes_when_a_co_facilitator_remains() -> None:
    group, fac, _member = _group_with_one_facilitator()
    MembershipFactory(group=group, role=MembershipRole.FACILITATOR)
    r = _admin().post(f"/admin/groups/membership/{fac.pk}/change/", _change_data(fac, role=MembershipRole.MEMBER))
    assert r.status_code == 302
    fac.refresh_from_db()
    assert fac.role == MembershipRole.MEMBER


def _inline_data(group: Group, rows: list[tuple[Membership, dict[str, object]]]) -> dict[str, object]:
    data: dict[str, object] = {
        "name": group.name,
        "slug": group.slug,
        "kind": group.kind,
        "format": group.format,
        "visibility": group.visibility,
        "join_policy": group.join_policy,
        "purpose": group.purpose,
        "location_text": group.location_text,
        "location_label": group.location_label,
        "latitude": group.latitude,
        "longitude": group.longitude,
        "meeting_minutes": group.meeting_minutes,
        "time_zone": group.time_zone,
        "member_count": group.member_count,
        "created_by": UserFactory().pk,
        "created_at_0": group.created_at.strftime("%Y-%m-%d"),
        "created_at_1": group.created_at.strftime("%H:%M:%S"),
        "memberships-TOTAL_FORMS": len(rows),
        "memberships-INITIAL_FORMS": len(rows),
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    for i, (m, changes) in enumerate(rows):
        row = _change_data(m, **changes)
        row.pop("group")
        row["id"] = m.pk
        row["group"] = group.pk
        data.update({f"memberships-{i}-{k}": v for k, v in row.items()})
    return data


@pytest.mark.django_db
def test_the_group_page_rows_refuse_deleting_or_demoting_the_only_facilitator() -> None:
    group, fac, member = _group_with_one_facilitator()
    c = _admin()
    for change in ({"DELETE": "on"}, {"role": MembershipRole.MEMBER}):
        r = c.post(f"/admin/groups/group/{group.pk}/change/", _inline_data(group, [(fac, change), (member, {})]))
        assert (r.status_code, r.context["adminform"].form.errors) == (200, {})
        assert r.context["inline_admin_formsets"][0].formset.non_form_errors() == [REFUSED]
    assert Membership.objects.get(pk=fac.pk).is_facilitator


@pytest.mark.django_db
def test_the_group_page_rows_allow_a_swap_of_facilitators_in_one_save() -> None:
    group, fac, member = _group_with_one_facilitator()
    data = _inline_data(group, [(fac, {"role": MembershipRole.MEMBER}), (member, {"role": MembershipRole.FACILITATOR})])
    r = _admin().post(f"/admin/groups/group/{group.pk}/change/", data)
    assert r.status_code == 302
    assert list(
        Membership.objects.filter(group=group, role=MembershipRole.FACILITATOR).values_list("pk", flat=True)
    ) == [member.pk]


@pytest.mark.django_db
def test_the_archive_action_archives_with_the_product_rules() -> None:
    group, fac, _member = _group_with_one_facilitator()
    r = _admin().post("/admin/groups/group/", {"action": "archive_groups", "_selected_action": [group.pk]}, follow=True)
    assert _messages(r) == ["Archived 1 group(s); 1 meeting(s) ahead cancelled and their people told."]
    group.refresh_from_db()
    assert group.archived_at is not None
    # Archived, the group needs nobody to run it: the membership may now go.
    r = _admin().post(f"/admin/groups/membership/{fac.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
