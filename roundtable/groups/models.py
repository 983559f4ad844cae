from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class Kind(models.TextChoices):
    SPEAKERS = "speakers", "Speakers group"
    STRATEGIC = "strategic", "Strategic planning group"
    SUPPORT = "support", "Support group"


class Format(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Online"
    HYBRID = "hybrid", "Hybrid (in person and online)"


class JoinPolicy(models.TextChoices):
    OPEN = "open", "Open: anyone can join"
    APPROVAL = "approval", "Approval: facilitators review requests"
    INVITE = "invite", "Invite only"


class GroupVisibility(models.TextChoices):
    LISTED = "listed", "Listed: anyone can find it"
    UNLISTED = "unlisted", "Unlisted: reachable only by its link"
    SECRET = "secret", "Secret: invisible to everyone but members"


class Topic(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.IN_PERSON)
    purpose = models.CharField(max_length=300, blank=True)
    description = models.TextField(max_length=10000, blank=True)
    description_html = models.TextField(blank=True, editable=False)
    ground_rules = models.TextField(max_length=4000, blank=True)
    # Issue 12: the rules are versioned. A facilitator's edit that changes their text
    # (rules.text_changed) bumps the version; members who accepted an older one are asked to
    # accept again before they enter a live room (Membership.rules_version_accepted).
    rules_version = models.PositiveIntegerField(default=1)
    rules_changed_at = models.DateTimeField(null=True, blank=True)
    cadence = models.CharField(max_length=80, blank=True)
    meeting_minutes = models.PositiveSmallIntegerField(default=90)
    # Place: a city or ZIP resolved offline, plus a venue; empty for online-only groups.
    location_text = models.CharField(max_length=120, blank=True)
    location_label = models.CharField(max_length=120, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    audience = models.CharField(max_length=120, blank=True)
    eligibility = models.CharField(max_length=300, blank=True)
    join_policy = models.CharField(max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN)
    eligibility_question = models.CharField(max_length=300, blank=True)
    visibility = models.CharField(max_length=16, choices=GroupVisibility.choices, default=GroupVisibility.LISTED)
    topics = models.ManyToManyField(Topic, blank=True, related_name="groups")
    member_count = models.PositiveIntegerField(default=0)
    # Words that full-text search indexes (name, purpose, description, audience,
    # place, topics); kept by services.group_reindex.
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # An archived group keeps its page and history for its members, but leaves discovery,
    # takes no new members and has no meetings ahead (services.group_archive). Issue 9:
    # a group whose last facilitator goes is handed over or archived, never orphaned.
    archived_at = models.DateTimeField(null=True, blank=True)
    # Issue 12, item 4: members may appear by a chosen name only (Membership.pseudonym; who
    # sees what: groups/identity.py). Turning it off stops new pseudonyms; members who chose
    # one keep it, since showing their real names then would break what they joined under.
    allow_pseudonyms = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["visibility", "kind", "-member_count"], name="group_vis_kind_idx"),
            models.Index(fields=["visibility", "-member_count"], name="group_vis_members_idx"),
            models.Index(fields=["latitude", "longitude"], name="group_lat_lon_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_online_only(self) -> bool:
        return self.format == Format.VIRTUAL

    @property
    def place_display(self) -> str:
        if self.format == Format.VIRTUAL:
            return "Online"
        label = self.location_label or self.location_text
        if self.format == Format.HYBRID:
            return f"{label} and online" if label else "Online"
        return label or "Place to be announced"


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Member"
    FACILITATOR = "facilitator", "Facilitator"


class MembershipState(models.TextChoices):
    PENDING = "pending", "Asked to join"
    ACTIVE = "active", "Member"
    DECLINED = "declined", "Request declined"
    LEFT = "left", "Left"
    REMOVED = "removed", "Removed"
    BANNED = "banned", "Banned"


class Admission(models.TextChoices):
    """How a membership began. Only FOUNDED, APPROVED and INVITED went through a facilitator
    (groups.permissions.shares_a_group counts only those)."""

    JOINED = "joined", "Joined an open group"
    APPROVED = "approved", "Approved by a facilitator"
    INVITED = "invited", "Came in through an invite"
    FOUNDED = "founded", "Started the group"


VETTED_ADMISSIONS = (Admission.FOUNDED, Admission.APPROVED, Admission.INVITED)


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    state = models.CharField(max_length=16, choices=MembershipState.choices)
    answer = models.TextField("answer to the eligibility question", max_length=2000, blank=True)
    # Set by membership_join / membership_decide / group_create, never from the group's policy
    # at viewing time: a policy switched later must not vet people who joined in one click.
    admission = models.CharField(max_length=16, choices=Admission.choices, default=Admission.JOINED)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The version of the group's ground rules this person accepted (Group.rules_version) and
    # when. Memberships from before rules were versioned count as having accepted version 1,
    # with no time (null): nobody was locked out by the change.
    rules_version_accepted = models.PositiveIntegerField(default=1)
    rules_accepted_at = models.DateTimeField(null=True, blank=True)
    # How this person appears in this group when they chose not to appear by their real name
    # ("" = by their profile's name). Set only through services.membership_pseudonym_set;
    # read only through groups/identity.py.
    pseudonym = models.CharField(max_length=40, blank=True, default="")
    # A ban's end (safety.services.member_ban): null for a ban without end. Once it passes the
    # person counts as an ex-member (may see an unlisted group again, and rejoin): see
    # ban_in_force. The state stays "banned" until they rejoin, for the moderation log's sake.
    banned_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_one_per_person"),
            # Case-insensitively unique within the group (the service compares casefolded names
            # first and explains; this catches two people choosing at once).
            models.UniqueConstraint(
                Lower("pseudonym"), "group", condition=~Q(pseudonym=""), name="membership_pseudonym_unique"
            ),
            models.CheckConstraint(
                condition=Q(role="member") | Q(state="active"),
                name="membership_facilitator_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "state"], name="membership_user_state_idx")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == MembershipState.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role == MembershipRole.FACILITATOR

    @property
    def is_pseudonymous(self) -> bool:
        return bool(self.pseudonym)

    @property
    def ban_in_force(self) -> bool:
        """Banned, and the ban has no end or its end has not passed."""
        if self.state != MembershipState.BANNED:
            return False
        return self.banned_until is None or self.banned_until > timezone.now()


class Invite(models.Model):
    """An invite link. Only a SHA-256 of the token is stored."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    note = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    # The role a person joining through this link gets: "facilitator" invites another facilitator.
    role = models.CharField(max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Invite to {self.group}"

    def is_usable(self, now: object | None = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]
