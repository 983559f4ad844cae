"""The main menu's current item, decided in one place for every page.

`nav(request)` is a context processor: it gives templates `nav_current`, a mapping from a
menu item's key to the value of its `aria-current` attribute:

- ``"page"`` when the page is the item's own page (WAI-ARIA 1.2, aria-current: "the current
  page within a set of pages");
- ``"true"`` when the page lies inside the item's section.

The rule, one sentence per kind of page (tester's finding 6):

- **A group's pages, and its meetings' pages, light "My groups" for the group's members and
  "Find a group" for everyone else.** A member reached the group through My groups; anyone
  else found it. A meeting belongs to its group, so its page, its live room, display,
  summary and the facilitators' pages (Manage, settings, edit or cancel a meeting) follow
  the group. Pages only members can open are listed under "mine"; the pages anyone may open
  (SHARED_GROUP_PAGES) ask the view, which says whether the viewer is a member with
  `mark_group(request, member=...)` (it knows already: no extra query).
- **A confirmation page lights the section of what it confirms**: it has the address of the
  action it confirms (core/confirm.py), so it is listed with that action (removing a member
  or revoking an invite under the group; revoking a token, removing an email address under
  the account).
- **Pages about oneself light the account item** (the person's name): one's own profile,
  account security (email, password, two-factor login, passkeys, devices), API tokens and
  roundtable history. Someone else's profile lights nothing.
- **The agenda lights "Agenda"**, with the calendar link page.
- **Every page of the job-search tracker lights "Job search"** (the namespace `tracker:`).
- **Every page of the experts directory and invitations to speak lights "Talks"** (`speakers:`):
  the experts are the people who give the talks, a tab of the Talks section.
- **Introductions and the work search buddy light "People"**, a section with a tab for each.
- **Starting a group lights "My groups"**, where its button is.
- Pages in no section (the 404 page, the API docs, footer pages) light nothing.

Pages are matched by their full view name (``namespace:name``), never by the bare URL name:
``feeds:mine`` (the calendar page) and ``groups:mine`` (My groups) share the name "mine",
and matching the bare name lit "My groups" on the calendar page.
"""

from __future__ import annotations

from django.http import HttpRequest

# A group's or a meeting's pages that people outside the group may open too: the section
# depends on whether the viewer is a member (mark_group), "Find a group" when unmarked.
SHARED_GROUP_PAGES = frozenset({"groups:detail", "groups:join", "groups:members", "groups:invite", "meetings:detail"})

# Menu item key -> (its own page, the other pages of its section).
SECTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "home": ("home", frozenset()),
    "discover": ("groups:discover", frozenset()),
    "talks": ("meetings:talks", frozenset()),
    "stories": (
        "stories:list",
        frozenset(
            {
                "stories:new",
                "stories:story",
                "stories:story_edit",
                "stories:story_delete",
                "stories:lessons",
                "stories:lesson_new",
                "stories:lesson_edit",
                "stories:lesson_delete",
                "stories:like_yours",
            }
        ),
    ),
    "mine": (
        "groups:mine",
        frozenset(
            {
                # A group's pages for its members and facilitators, confirmations included.
                "groups:dashboard",
                "groups:edit",
                "groups:leave",
                "groups:hand_over",
                "groups:archive",
                "groups:decide",
                "groups:member_action",
                "groups:invite_new",
                "groups:invite_revoke",
                "live:member_history",
                # Its meetings' pages that only members open.
                "meetings:create",
                "meetings:edit",
                "meetings:cancel",
                "live:room",
                "live:display",
                "live:summary",
                # A meeting's goal and reflection pages, and a group's health for facilitators.
                "journal:goal",
                "journal:goal_clear",
                "journal:reflection",
                "journal:reflection_dismiss",
                "journal:health",
                "buddies:group_pool",
                # Starting a group: the button is on My groups (and Find a group).
                "groups:create",
            }
        ),
    ),
    "agenda": ("meetings:agenda", frozenset({"feeds:mine"})),
    "people": (
        "network:introductions",
        frozenset(
            {
                "network:introduction",
                "network:ask",
                "network:accept",
                "network:decline",
                "buddies:home",
                "buddies:pool",
                "buddies:leave",
                "buddies:checkin",
                "buddies:end",
                "buddies:reply",
            }
        ),
    ),
    "account": (
        "accounts:profile_edit",
        frozenset(
            {
                "accounts:tokens",
                "accounts:token_revoke",
                "account_email",
                "account_change_password",
                "account_set_password",
                "account_reauthenticate",
                "account_logout",
                # Account security (issue 12, item 5): two-factor login, passkeys, devices.
                "accounts:security",
                "usersessions_list",
                "mfa_index",
                "mfa_reauthenticate",
                "mfa_activate_totp",
                "mfa_deactivate_totp",
                "mfa_view_recovery_codes",
                "mfa_generate_recovery_codes",
                "mfa_list_webauthn",
                "mfa_add_webauthn",
                "mfa_remove_webauthn",
                "mfa_edit_webauthn",
                "live:my_history",
                "live:history_sharing",
                "journal:journal",
                "journal:landed",
                "journal:landed_done",
            }
        ),
    ),
    "login": ("account_login", frozenset({"account_reset_password", "account_reset_password_done"})),
    "signup": ("account_signup", frozenset({"account_email_verification_sent"})),
}

_MEMBER_FLAG = "_nav_group_member"


def mark_group(request: HttpRequest, *, member: bool) -> None:
    """Say, from a view of SHARED_GROUP_PAGES, whether the viewer is an active member of the
    page's group: "My groups" is lit for a member, "Find a group" for anyone else."""
    setattr(request, _MEMBER_FLAG, member)


def current_items(view_name: str | None, *, member: bool = False, own_profile: bool = False) -> dict[str, str]:
    """``{item key: "page" | "true"}`` for the page named `view_name`; empty when no menu
    item holds the page (the 404 page, the API docs). `member`: the viewer is a member of
    the group of a shared group page; `own_profile`: the page is the viewer's own profile."""
    if not view_name:
        return {}
    if view_name in SHARED_GROUP_PAGES:
        return {"mine" if member else "discover": "true"}
    if view_name == "accounts:profile":
        return {"account": "true"} if own_profile else {}
    if view_name.startswith("tracker:"):
        return {"tracker": "page" if view_name == "tracker:home" else "true"}
    if view_name.startswith("speakers:"):
        return {"talks": "true"}
    out: dict[str, str] = {}
    for key, (own, section) in SECTIONS.items():
        if view_name == own:
            out[key] = "page"
        elif view_name in section:
            out[key] = "true"
    return out


def nav(request: HttpRequest) -> dict[str, dict[str, str]]:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_current": {}}
    user = getattr(request, "user", None)
    own_profile = (
        match.view_name == "accounts:profile"
        and user is not None
        and user.is_authenticated
        and str(match.kwargs.get("public_id")) == str(getattr(user, "public_id", ""))
    )
    member = bool(getattr(request, _MEMBER_FLAG, False))
    return {"nav_current": current_items(match.view_name, member=member, own_profile=own_profile)}
