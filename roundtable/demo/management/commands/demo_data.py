"""Load a believable demo: people with profiles, groups of every kind, memberships in every state.

`manage.py demo_data --if-empty` is what `make run` calls: it loads nothing when any group
already exists or when ROUNDTABLE_DEMO_DATA is off. The same --seed always gives the same
people, groups and memberships; everything is written in one transaction.

Groups and memberships go through the group services, so slugs, search text, member
counts and the rules (approval questions, invites for secret groups) are the product's
own. People are bulk-created sharing one password hash: hashing 150 passwords with
Argon2 would take longer than the rest of the load put together.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from roundtable.accounts.models import User
from roundtable.core.demo import DEMO_PASSWORD
from roundtable.demo.buddies import build_buddies
from roundtable.demo.groups import (
    backdate,
    create_groups,
    group_specs,
    populate,
    quiet_notifications,
    special_memberships,
)
from roundtable.demo.journal import journal_history
from roundtable.demo.meetings import schedule_meetings
from roundtable.demo.network import network_demo
from roundtable.demo.people import create_people
from roundtable.demo.safety import build_safety
from roundtable.demo.speakers import build_speakers, quiet_events
from roundtable.demo.stories import build_stories
from roundtable.demo.tracker import build_trackers
from roundtable.demo.world import ADMIN_EMAIL, FACILITATOR_EMAIL, MEMBER_EMAIL, TOPICS
from roundtable.groups import services
from roundtable.groups.models import (
    Group,
    Membership,
    MembershipState,
)


class Command(BaseCommand):
    help = "Load demo people, groups and memberships (deterministic; one transaction)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when there are no groups yet and ROUNDTABLE_DEMO_DATA is on.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args: Any, **options: Any) -> None:
        # Production is never a demo: the shared published password and the demo superuser
        # exist only where the development key is in use (make run, tests, benchmarks).
        if settings.SECRET_KEY != settings.DEV_SECRET_KEY:
            raise CommandError(
                "Demo data loads only into a demo (make run, with the development key), never "
                "into a site with its own SECRET_KEY: it shares one published password."
            )
        if options["if_empty"]:
            if not settings.ROUNDTABLE_DEMO_DATA:
                self.stdout.write("Demo data is off (ROUNDTABLE_DEMO_DATA=false); starting empty.")
                return
            if Group.objects.exists():
                self.stdout.write("Groups already exist; demo data not loaded.")
                return
        if User.objects.filter(email=MEMBER_EMAIL).exists():
            raise CommandError("Demo data is already loaded (member@demo.roundtable exists).")
        started = time.monotonic()
        rng = random.Random(options["seed"])
        password_hash = make_password(DEMO_PASSWORD)
        with quiet_notifications(), quiet_events(), transaction.atomic():
            topics = services.topics_from_names(TOPICS[:12]) + services.topics_from_names(TOPICS[12:])
            loaded = create_people(rng, topics, password_hash)
            specs = group_specs(rng)
            create_groups(rng, loaded, specs)
            populate(rng, loaded, specs)
            special_memberships(rng, loaded)
            backdate(rng, loaded)
            meetings = schedule_meetings(rng, loaded)
            reflections = journal_history(rng, loaded)
            activities = build_trackers(rng, loaded)
            network_demo(rng, loaded)
            build_buddies(rng, loaded)
            build_stories(rng, loaded)
            experts = build_speakers(rng, loaded)
            build_safety(rng, loaded)
            missing = set(MembershipState.values) - set(Membership.objects.values_list("state", flat=True).distinct())
            if missing:  # pragma: no cover - guarded by the tests
                raise CommandError(f"Demo data lacks memberships in states: {sorted(missing)}")
        elapsed = time.monotonic() - started
        site = settings.SITE_URL  # scripts/run sets it from HOST and PORT
        n_members = Membership.objects.filter(group__in=loaded.groups.values()).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded demo data in {elapsed:.1f} s: {len(loaded.users)} people, {len(loaded.groups)} groups, "
                f"{n_members} memberships, {meetings} meetings, {reflections} reflections, "
                f"{activities} job-search activities, {experts} experts."
            )
        )
        self.stdout.write(
            f"Log in at {site}/accounts/login/ (password {DEMO_PASSWORD} for every demo person):\n"
            f"  demo member:       {MEMBER_EMAIL}\n"
            f"  demo facilitator:  {FACILITATOR_EMAIL}  (runs 'Boston Strategic Job Search Roundtable', "
            f"3 requests waiting)\n"
            f"  admin:             {ADMIN_EMAIL}  (also {site}/admin/)"
        )
