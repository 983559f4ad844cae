"""Emails about memberships, handed to the task worker (called after commit)."""

from __future__ import annotations

from . import tasks


def request_received(*, membership_id: int) -> None:
    tasks.email_membership.enqueue(membership_id=membership_id, event="request_received")


def request_decided(*, membership_id: int) -> None:
    tasks.email_membership.enqueue(membership_id=membership_id, event="request_decided")


def handed_over(*, membership_id: int) -> None:
    tasks.email_membership.enqueue(membership_id=membership_id, event="handed_over")
