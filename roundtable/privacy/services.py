"""Data rights: the export (recorded, a few an hour) and the account's deletion.

account_delete, in one transaction:
1. the account is deactivated first, so every app's account_deactivated receiver runs as for
   any closed account: each group the person alone facilitates is archived
   (groups.services.groups_release), their live-room sockets close, they leave every buddy pool
   and their open pairings end kindly;
2. their stories and lessons are kept anonymised or removed, as they chose (CHOICE holdings);
3. other people's rows that stay and named them (the `scrub` fields of registered holdings,
   through `mine` for ANONYMISE holdings and `linked` for the rest) lose their names and email,
   and the admin log's records of their account lose its email;
4. background jobs still waiting that name them are dropped (no email goes to them);
5. every ERASE holding's rows are deleted, "privacy.account_deleted" is recorded naming
   nobody, and the User row is deleted: every other foreign key to it is CASCADE (private rows
   go) or SET_NULL (rows kept for others).
After commit: every browser session of theirs is deleted (signed out), the discovery cache moves
on. API tokens and calendar feeds went with the row (CASCADE), so they answer 401 and 404.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.core.errors import ServiceError
from roundtable.groups.cache import bump_discovery_generation
from roundtable.safety.audit import audit_record
from roundtable.safety.models import AuditEvent

from . import export
from .registry import Deletion, Holding, holdings

EXPORTS_PER_HOUR = 5
FORMER_MEMBER = "a former member"
EXPORT_ACTION = "privacy.export"
DELETED_ACTION = "privacy.account_deleted"
# The keyword arguments by which background jobs name a person (their tasks.py).
TASK_PERSON_ARGS = ("user_id", "owner_id", "recipient_id", "sender_id", "requested_by_id", "person_id")


class PrivacyError(ServiceError):
    pass


def exports_left(user: User, *, now: Any = None) -> int:
    """How many exports the person may still make this hour (the audit trail counts them)."""
    since = (now or timezone.now()) - timedelta(hours=1)
    made = AuditEvent.objects.filter(action=EXPORT_ACTION, subject=user, at__gte=since).count()
    return max(0, EXPORTS_PER_HOUR - made)


def export_make(*, user: User, request: HttpRequest | None = None) -> dict[str, Any]:
    """The person's export (export.document), recorded as "privacy.export". Refused (429) past
    EXPORTS_PER_HOUR an hour: an export reads everything, and a stolen session should not be
    able to pull it over and over."""
    with transaction.atomic():
        if exports_left(user) <= 0:
            raise PrivacyError(
                f"You can download your data {EXPORTS_PER_HOUR} times an hour. Please try again later.", status=429
            )
        audit_record(action=EXPORT_ACTION, actor=user, subject=user, request=request)
        return export.document(user)


def needles(user: User) -> list[str]:
    """What names the person in text: their email, display name, first and last names (each of
    at least three characters, so a two-letter name cannot blank out other words)."""
    found = [user.email, user.display_name if user.display_name != "New member" else ""]
    found += [user.first_name, user.last_name, f"{user.first_name} {user.last_name}".strip()]
    return sorted({n for n in found if n and len(n) >= 3}, key=len, reverse=True)


def scrubbed(value: Any, pattern: re.Pattern[str]) -> Any:
    """`value` (text, or a JSON value) with every match of `pattern` replaced by FORMER_MEMBER."""
    if isinstance(value, str):
        return pattern.sub(FORMER_MEMBER, value)
    if isinstance(value, dict):
        return {k: scrubbed(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [scrubbed(v, pattern) for v in value]
    return value


def _pattern(user: User) -> re.Pattern[str]:
    return re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in needles(user)), re.IGNORECASE)


def _scrub_rows(qs: models.QuerySet[Any], fields: tuple[str, ...], pattern: re.Pattern[str]) -> None:
    for row in qs.only("pk", *fields).iterator():
        changed = []
        for name in fields:
            before = getattr(row, name)
            after = scrubbed(before, pattern)
            if after != before:
                setattr(row, name, after)
                changed.append(name)
        if changed:
            row.save(update_fields=changed)


def _drop_pending_tasks(user: User) -> int:
    from django_tasks_db.models import DBTaskResult

    dropped = []
    for task in DBTaskResult.objects.filter(status="READY").only("pk", "args_kwargs").iterator():
        kwargs = (task.args_kwargs or {}).get("kwargs") or {}
        if any(kwargs.get(name) == user.pk for name in TASK_PERSON_ARGS):
            dropped.append(task.pk)
    DBTaskResult.objects.filter(pk__in=dropped).delete()
    return len(dropped)


def _session_keys(user_pk: int) -> list[str]:
    """The keys of the person's unexpired database sessions (each decoded: Django keeps no index
    of sessions by person)."""
    wanted = str(user_pk)
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == wanted:
            keys.append(session.session_key)
    return keys


def account_delete(*, user: User, keep_contributions: bool, request: HttpRequest | None = None) -> None:
    """Delete the person's account (module docstring). `keep_contributions`: their stories and
    lessons stay, anonymised ("a former member"), rather than being removed."""
    with transaction.atomic():
        user = User.objects.select_for_update(of=("self",)).select_related("profile").get(pk=user.pk)
        pattern = _pattern(user)
        user_pk = user.pk
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])  # accounts.signals: account_deactivated

        done: set[Any] = set()
        for holding in holdings():
            if holding.deletion is Deletion.CHOICE:
                step = holding.anonymise if keep_contributions else holding.remove
                if step is not None and step not in done:
                    done.add(step)
                    step(user)
            if holding.scrub:
                refs = Q()
                if holding.deletion is Deletion.ANONYMISE:
                    for lookup in holding.mine:
                        refs |= Q(**{lookup: user_pk})
                for name in holding.linked:
                    refs |= Q(**{name: user_pk})
                if refs:
                    _scrub_rows(holding.model._default_manager.filter(refs), holding.scrub, pattern)

        # Private rows go now, last registered first (an app registers what refers to its other
        # rows after them: tracker's opportunities PROTECT their companies).
        for holding in reversed(holdings()):
            if holding.deletion is Deletion.ERASE and holding.model is not User:
                erase = Q()
                for lookup in holding.mine:
                    erase |= Q(**{lookup: user_pk})
                holding.model._default_manager.filter(erase).delete()

        # The admin's record of changes to this account names it by its email (User.__str__).
        user_type = ContentType.objects.get_for_model(get_user_model())
        LogEntry.objects.filter(content_type=user_type, object_id=str(user_pk)).update(object_repr=FORMER_MEMBER)
        _drop_pending_tasks(user)
        audit_record(
            action=DELETED_ACTION,
            actor=None,
            reason="Contributions kept anonymised." if keep_contributions else "Contributions removed.",
        )
        user.delete()

        sessions = _session_keys(user_pk)
        transaction.on_commit(lambda: _after_commit(sessions))


def _after_commit(session_keys: list[str]) -> None:
    Session.objects.filter(session_key__in=session_keys).delete()
    bump_discovery_generation()


def deletion_plan(user: User) -> dict[str, Any]:
    """What the deletion page lists: the notes of each area, and the groups the person alone
    facilitates (archived by groups_release unless they hand them over first)."""
    from roundtable.groups.models import Group, MembershipRole, MembershipState
    from roundtable.groups.services import is_sole_facilitator

    facilitated = list(
        Group.objects.filter(
            memberships__user=user,
            memberships__state=MembershipState.ACTIVE,
            memberships__role=MembershipRole.FACILITATOR,
            archived_at__isnull=True,
        ).order_by("name")
    )
    sole = [g for g in facilitated if is_sole_facilitator(group=g, user=user)]
    shared = [g for g in facilitated if g not in sole]
    erase: list[Holding] = []
    keep: list[Holding] = []
    choice: list[Holding] = []
    for holding in holdings():
        if not holding.note:
            continue
        {Deletion.ERASE: erase, Deletion.ANONYMISE: keep, Deletion.CHOICE: choice}[holding.deletion].append(holding)
    return {
        "erase": erase,
        "keep": keep,
        "choice": list({h.note: h for h in choice}.values()),
        "sole_groups": sole,
        "shared_groups": shared,
    }


def export_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False)
