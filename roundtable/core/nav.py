"""The main menu's current item, decided in one place for every page.

`nav(request)` is a context processor: it gives templates `nav_current`, a mapping from a
menu item's key to the value of its `aria-current` attribute:

- ``"page"`` when the page is the item's own page (WAI-ARIA 1.2, aria-current: "the current
  page within a set of pages");
- ``"true"`` when the page lies inside the item's section (a group's page under "Find a
  group", the email and password pages under the person's own name).

Pages are matched by their full view name (``namespace:name``), never by the bare URL name:
``feeds:mine`` (the calendar page) and ``groups:mine`` (My groups) share the name "mine",
and matching the bare name lit "My groups" on the calendar page.
"""

from __future__ import annotations

from django.http import HttpRequest

# Menu item key -> (its own page, the other pages of its section).
SECTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "home": ("home", frozenset()),
    "discover": ("groups:discover", frozenset({"groups:detail", "groups:members", "groups:invite"})),
    "talks": ("meetings:talks", frozenset()),
    "mine": (
        "groups:mine",
        frozenset({"groups:dashboard", "groups:edit", "meetings:create", "meetings:edit", "meetings:cancel"}),
    ),
    "agenda": (
        "meetings:agenda",
        frozenset({"feeds:mine", "meetings:detail", "live:room", "live:display", "live:summary", "live:my_history"}),
    ),
    "create": ("groups:create", frozenset()),
    "account": (
        "accounts:profile_edit",
        frozenset(
            {
                "accounts:tokens",
                "account_email",
                "account_change_password",
                "account_set_password",
                "account_reauthenticate",
                "account_logout",
                "live:member_history",
            }
        ),
    ),
    "login": ("account_login", frozenset({"account_reset_password", "account_reset_password_done"})),
    "signup": ("account_signup", frozenset({"account_email_verification_sent"})),
}


def current_items(view_name: str | None) -> dict[str, str]:
    """``{item key: "page" | "true"}`` for the page named `view_name`; empty when no menu
    item holds the page (the 404 page, the API docs)."""
    if not view_name:
        return {}
    out: dict[str, str] = {}
    for key, (own, section) in SECTIONS.items():
        if view_name == own:
            out[key] = "page"
        elif view_name in section:
            out[key] = "true"
    return out


def nav(request: HttpRequest) -> dict[str, dict[str, str]]:
    match = getattr(request, "resolver_match", None)
    return {"nav_current": current_items(match.view_name if match else None)}
