"""What happened in the network app, one function per event, each the single place that
tells people: it calls notifications' notify() for each recipient (issue 11's contract; the
kinds are in notify.py). The notifications app records it after commit, re-checks that the
recipient may still see the introduction (network/permissions.py) when it records, emails
and shows it, and emails it now or in the digest as the recipient chose. Before
everyone accepted, no message carries anything beyond display names, the group's name and
the notes written for the recipient; the accepted message carries the other's email, to the
asker and the target only.
"""

from __future__ import annotations

from dataclasses import dataclass

from roundtable.accounts.models import User

from . import permissions
from .models import Introduction, Role

REQUESTED = "requested"
PASSED_ON = "passed_on"
PROPOSED = "proposed"
ACCEPTED = "accepted"
DECLINED = "declined"
REMINDER = "reminder"
EVENTS = (REQUESTED, PASSED_ON, PROPOSED, ACCEPTED, DECLINED, REMINDER)


@dataclass(frozen=True)
class Message:
    """One person's message about one event: the shape of notifications' Rendered."""

    title: str  # one line
    text: str  # a short plain-text body
    url: str  # a path: where acting on it happens


def recipients(intro: Introduction, event: str) -> list[User]:
    """Who hears of `event` (before the access re-check)."""
    if event == REQUESTED:
        return [intro.introducer]
    if event == PASSED_ON:
        return [intro.target]
    if event == PROPOSED:
        return [intro.asker, intro.target]
    if event == ACCEPTED:
        return [intro.asker, intro.target, intro.introducer]
    if event == DECLINED:
        return [intro.asker]
    if event == REMINDER:
        return [intro.asker, intro.target]
    raise ValueError(f"Unknown network event {event!r}.")


def message_for(intro: Introduction, event: str, recipient: User) -> Message:
    """The message `recipient` gets about `event` (see the module rule on contact details)."""
    asker, introducer, target = intro.asker.display_name, intro.introducer.display_name, intro.target.display_name
    group = intro.group.name
    url = intro.get_absolute_url()
    role = intro.role_of(recipient.pk)
    if event == REQUESTED:
        return Message(
            f"{asker} asks you for an introduction to {target}",
            f"{asker}, in {group}, would like to meet {target} and asks you to introduce them. "
            f"Their note: “{intro.asker_note}”. Pass it on with a line of your own, or say not now: "
            f"{asker} won't be told why.",
            url,
        )
    if event == PASSED_ON:
        return Message(
            f"{introducer} would like to introduce you to {asker}",
            f"{introducer}, in {group}, says: “{intro.introducer_note}”. {asker} wrote: “{intro.asker_note}”. "
            f"Accept and you can contact each other; or say not now, and {asker} won't be told why.",
            url,
        )
    if event == PROPOSED:
        other = target if role == Role.ASKER else asker
        return Message(
            f"{introducer} suggests you meet {other}",
            f"{introducer}, who facilitates {group}, says: “{intro.introducer_note}”. If you both accept, you can "
            f"contact each other. Saying not now tells no one why.",
            url,
        )
    if event == ACCEPTED:
        if role == Role.INTRODUCER:
            return Message(f"{asker} and {target} accepted your introduction", "Thank you for connecting them.", url)
        person = intro.target if role == Role.ASKER else intro.asker
        detail = f" Their email: {person.email}." if permissions.sees_contact_details(recipient, intro) else ""
        return Message(
            f"You and {person.display_name} can now contact each other",
            f"Everyone said yes.{detail} {person.display_name} is now a contact in your job search tracker.",
            url,
        )
    if event == DECLINED:
        return Message(
            f"Your introduction to {target}: {permissions.NOT_POSSIBLE.lower()}",
            "This introduction is not possible at the moment. Other people in your groups may help: "
            "see who to meet at your next meeting.",
            url,
        )
    if event == REMINDER:
        other = target if role == Role.ASKER else asker
        return Message(
            f"Have you and {other} talked yet?",
            f"A week ago you and {other} accepted an introduction from {introducer}. A short message is "
            "enough to start; note how it went in your tracker.",
            url,
        )
    raise ValueError(f"Unknown network event {event!r}.")


def tell(intro: Introduction, event: str, *, actor: User | None = None) -> None:
    """notify() each recipient of `event` (recorded after the caller's commit)."""
    from roundtable.notifications.services import notify

    from .notify import key

    for person in recipients(intro, event):
        notify(recipient=person, kind=key(event), subject=intro, actor=actor)


def _send(intro: Introduction, event: str) -> None:
    actors = {REQUESTED: intro.asker, PASSED_ON: intro.introducer, PROPOSED: intro.introducer}
    tell(intro, event, actor=actors.get(event))


def introduction_requested(intro: Introduction) -> None:
    _send(intro, REQUESTED)


def introduction_passed_on(intro: Introduction) -> None:
    _send(intro, PASSED_ON)


def introduction_proposed(intro: Introduction) -> None:
    _send(intro, PROPOSED)


def introduction_accepted(intro: Introduction) -> None:
    _send(intro, ACCEPTED)


def introduction_declined(intro: Introduction) -> None:
    _send(intro, DECLINED)
