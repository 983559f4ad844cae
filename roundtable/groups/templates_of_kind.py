"""Starting points for a new group, one per kind. Facilitators change any of it."""

from dataclasses import dataclass

from .models import Kind


@dataclass(frozen=True)
class GroupTemplate:
    kind: str
    purpose: str
    ground_rules: str
    # The schedule form's first suggestion ("weekly", "biweekly", "monthly"): how often the
    # group meets is then what its meetings say (issue 9, item 1), never a text of its own.
    repeat: str
    meeting_minutes: int
    description: str
    # Members may appear by a chosen name only (issue 12, item 4): on by default where people
    # come to ask for help safely.
    allow_pseudonyms: bool = False


TEMPLATES: dict[str, GroupTemplate] = {
    Kind.SPEAKERS: GroupTemplate(
        kind=Kind.SPEAKERS,
        purpose="Meet other job seekers, then learn from an expert on one part of the search.",
        ground_rules=(
            "Arrive for the open networking and bring your 30-second introduction.\n"
            "Keep questions constructive and focused on solutions.\n"
            "Offer help as freely as you ask for it."
        ),
        repeat="monthly",
        meeting_minutes=90,
        description=(
            "Each meeting opens with informal networking, followed by a talk from a career "
            "coach, recruiter or hiring manager, and questions from the room."
        ),
    ),
    Kind.STRATEGIC: GroupTemplate(
        kind=Kind.STRATEGIC,
        purpose="Each member gets a timed turn to share progress and the challenge in the way; "
        "the group brainstorms solutions.",
        ground_rules=(
            "Be on time: turns are timed and everyone gets one.\n"
            "Share your challenge, then listen: the group brings solutions, not sympathy alone.\n"
            "Stay constructive; the facilitator will steer us back to solutions."
        ),
        repeat="biweekly",
        meeting_minutes=120,
        description=(
            "A small, committed roundtable. Bring a status update, the one thing holding you "
            "back since last time, and leave with commitments the group will ask about next time."
        ),
    ),
    Kind.SUPPORT: GroupTemplate(
        kind=Kind.SUPPORT,
        purpose="A facilitated circle to talk about how the search feels, and to feel less alone.",
        ground_rules=(
            "What is said here stays here: confidentiality is our first rule.\n"
            "Speak from your own experience; listen without fixing unless asked.\n"
            "Be kind to each other and to yourself."
        ),
        repeat="weekly",
        meeting_minutes=75,
        description="A safe, confidential space to share the ups and downs of the job search.",
        allow_pseudonyms=True,
    ),
}

# How often each kind is worth attending, shown where people choose.
KIND_ADVICE: dict[str, str] = {
    Kind.SPEAKERS: "Networking, then an expert talk on one topic (LinkedIn, resumes, interviewing...). "
    "Worth it monthly; never more than weekly, or the search itself suffers.",
    Kind.STRATEGIC: "A small roundtable: each member gets a timed turn to share status and the challenge "
    "holding them back, then the group brainstorms. Commit to every meeting: the group counts on you.",
    Kind.SUPPORT: "A confidential, facilitated circle about how the search feels. Go as often as it "
    "helps; many people find weekly steadying.",
}
