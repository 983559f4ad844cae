import pytest
from django.test import Client

from tests.factories import GroupFactory, UserFactory, facilitator_of


@pytest.mark.django_db
def test_factories_build_a_group_with_a_facilitator() -> None:
    group = GroupFactory(name="Boston Roundtable")
    user = facilitator_of(group)
    group.refresh_from_db()
    assert group.member_count == 1
    c = Client()
    assert c.login(email=user.email, password="correct-horse-battery-9") is True
    r = c.get(f"/groups/{group.slug}/")
    assert r.status_code == 200
    assert b"Manage group" in r.content
    assert UserFactory().profile.display_name.startswith("Person ")
