"""Building a person's tracker for the tests: one of everything, through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.test import Client

from roundtable.accounts.models import User
from roundtable.accounts.services import api_token_create
from roundtable.tracker import services
from roundtable.tracker.models import Activity, Company, Contact, Opportunity, StageChange, Task, WeeklyTarget


@dataclass
class Tracker:
    owner: User
    company: Company
    contact: Contact
    opportunity: Opportunity
    activity: Activity
    task: Task


def build(owner: User, *, name: str = "Dana Ortiz", company: str = "Northwind") -> Tracker:
    contact = services.contact_create(
        owner=owner, data=services.ContactData(name=name, company_name=company, role="Director")
    )
    assert contact.company is not None
    opp = services.opportunity_create(
        owner=owner, data=services.OpportunityData(company_name=company, role="Analyst", stage="applied")
    )
    activity = services.activity_create(
        owner=owner, data=services.ActivityData(kind="conversation", occurred_on=date(2026, 11, 2), contact=contact)
    )
    task = services.task_create(owner=owner, title="Thank Dana", due_on=date(2026, 11, 3), contact=contact)
    services.targets_set(owner=owner, per_week={"outreach": 5})
    return Tracker(owner, contact.company, contact, opp, activity, task)


def snapshot(owner: User) -> list[object]:
    """Every tracker row of the owner's, as values: equal before and after means nothing changed."""
    return [
        list(model.objects.filter(owner=owner).order_by("pk").values())
        for model in (Company, Contact, Opportunity, Activity, Task, WeeklyTarget)
    ] + [list(StageChange.objects.filter(opportunity__owner=owner).order_by("pk").values())]


def logged_in(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def bearer(user: User) -> dict[str, str]:
    _token, secret = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
