"""The safety app's notification kinds (roundtable.notifications.kinds), registered in
SafetyConfig.ready().

- safety.report_received: a report waits for a decision. Told to the facilitators of the
  group the reported content belongs to, or to operators (is_staff) for a person, a group
  itself or content of no group (content.Target.group). The subject is the report; the
  recipient may see it while they still moderate it. It asks for an action: a decision marks
  it read for everyone.
- safety.report_decided: the reporter is told the outcome in fixed words ("we took action" or
  "we looked and found no breach"), never who was acted on or how. Theirs alone.
- safety.moderation_notice: a moderator warned, muted or banned the recipient, or suspended
  their account's posting; the subject is the action's AuditEvent, the text the moderator's
  reason. Theirs alone; emailed at once by default (a warning should not wait for a digest).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from roundtable.notifications.kinds import Kind, Rendered, register

from .models import AuditEvent, Report, ReportStatus

if TYPE_CHECKING:
    from roundtable.accounts.models import User
    from roundtable.notifications.models import Notification

REPORT_RECEIVED = "safety.report_received"
REPORT_DECIDED = "safety.report_decided"
MODERATION_NOTICE = "safety.moderation_notice"


def _moderates(user: User, report: Any) -> bool:
    from .permissions import may_moderate_report

    return isinstance(report, Report) and may_moderate_report(user, report)


def _render_received(notification: Notification) -> Rendered:
    report = notification.subject
    assert isinstance(report, Report)
    if report.group_id is not None:
        url = reverse("safety:queue", args=[report.group.slug])  # type: ignore[union-attr]
        where = f" in {report.group.name}"  # type: ignore[union-attr]
    else:
        url, where = reverse("safety:operators"), ""
    return Rendered(
        title=f"New report{where}: {report.get_kind_display().lower()}, {report.get_reason_display().lower()}",
        text="Look at it in the moderation queue and decide what to do.",
        url=url,
    )


def _reporter_only(user: User, report: Any) -> bool:
    return isinstance(report, Report) and report.reporter_id == user.pk


DECIDED_WORDS = {
    ReportStatus.ACTIONED: (
        "We took action on your report",
        "Thank you for telling us. A moderator looked at what you reported and acted on it.",
    ),
    ReportStatus.DISMISSED: (
        "We looked at your report and found no breach",
        "Thank you for telling us. A moderator looked at what you reported and found it within the rules. "
        "You can block anyone you'd rather not hear from.",
    ),
}


def _render_decided(notification: Notification) -> Rendered:
    report = notification.subject
    assert isinstance(report, Report)
    title, text = DECIDED_WORDS.get(report.status, ("Your report is being looked at", ""))  # type: ignore[call-overload]
    return Rendered(title=title, text=text, url=reverse("safety:my_reports"))


def _notice_to(user: User, event: Any) -> bool:
    return isinstance(event, AuditEvent) and event.subject_id == user.pk


NOTICE_TITLES = {
    "moderation.warn": "A moderator sent you a warning",
    "moderation.mute": "A facilitator paused your posting in live rooms",
    "moderation.ban": "You were banned from a group",
    "moderation.suspend": "Your account was suspended",
}


def _render_notice(notification: Notification) -> Rendered:
    event = notification.subject
    assert isinstance(event, AuditEvent)
    title = NOTICE_TITLES.get(event.action, "A message from the moderators")
    group_name = notification.data.get("group", "")
    if group_name:
        title = f"{title} ({group_name})"
    until = notification.data.get("until", "")
    text = f"Reason: {event.reason}" + (f" Until {until}." if until else "")
    return Rendered(title=title, text=text, url=reverse("code_of_conduct"))


KINDS = (
    Kind(
        key=REPORT_RECEIVED,
        label="Someone reports something in a group I facilitate",
        email_default="now",
        may_see=_moderates,
        render=_render_received,
        asks_action=True,
    ),
    Kind(
        key=REPORT_DECIDED,
        label="A report I made is decided",
        email_default="now",
        may_see=_reporter_only,
        render=_render_decided,
    ),
    Kind(
        key=MODERATION_NOTICE,
        label="A moderator warns me or limits what I can do",
        email_default="now",
        may_see=_notice_to,
        render=_render_notice,
    ),
)


def register_kinds() -> None:
    for kind in KINDS:
        register(kind)
