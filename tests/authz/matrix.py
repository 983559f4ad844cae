"""The per-URL authorization matrix (issue 12): every page and API operation, for every kind
of viewer, in the one world of tests/authz/world.py, with the status each must get.

Each route (as `reverse` names it) maps each method it takes to an expectation: a status
for every kind of viewer, written with the patterns below rather than ten numbers. GET is
checked for every route; POST only where the route takes it (a route that answers POST with
405 to everyone lists GET alone, and test_matrix.py checks that 405). API operations are keyed
"METHOD /path" as the routers declare them. A route or operation in neither the matrix nor
EXCLUDED (with a reason) fails tests/authz/test_matrix.py; so does an entry for a route
that no longer exists.

Statuses: an int, or LOGIN (302 to the sign-in page with ?next=). Writes are sent with the
valid body routes.py gives them (PAGE_BODIES, API_BODIES), so that a refusal is for who asks,
or else an empty one (pages: form-encoded; API: `{}`); a refused write (LOGIN, 401, 403, 404,
405) must leave every table's row count and every membership as it was. Every signed-in
viewer signed in just now: allauth's re-authentication window is open.

The objects each route addresses are in tests/authz/routes.py (ARGS); the relation of each
viewer to them is in world.py: the facilitator runs the group and owns every person-owned
object (profile, tracker, story, notification, token, feed), so "owner only" reads as
`facilitator(...)` here. The muted viewer is muted (world.mute_hook): a mute limits speaking
in live rooms, not what one may see or ask for, so they answer as members but where noted.
"""

from __future__ import annotations

from tests.authz.world import (
    ANONYMOUS,
    BANNED,
    BLOCKED,
    EX_MEMBER,
    FACILITATOR,
    MEMBER,
    MUTED,
    OPERATOR,
    OUTSIDER,
    PENDING,
    VIEWERS,
)

LOGIN = "login"
NO_TOKEN = 401  # the API without a valid token
Status = int | str
Expect = dict[str, Status]
SIGNED_IN = tuple(v for v in VIEWERS if v != ANONYMOUS)
# Active members of the group: the member, the facilitator, and the blocked and muted
# members (a block is between two people; a mute limits speaking, not seeing).
ACTIVE = (MEMBER, FACILITATOR, BLOCKED, MUTED)
assert set(VIEWERS) == {ANONYMOUS, OUTSIDER, PENDING, BANNED, EX_MEMBER, OPERATOR, *ACTIVE}


def everyone(status: Status) -> Expect:
    """The same answer whoever asks (public pages, token links)."""
    return dict.fromkeys(VIEWERS, status)


def signed_in(status: Status, *, anonymous: Status = LOGIN, **kinds: Status) -> Expect:
    """`status` for every signed-in viewer but those named; anonymous visitors sign in first."""
    return {ANONYMOUS: anonymous, **dict.fromkeys(SIGNED_IN, status), **kinds}


def members(status: Status, *, others: Status = 404, anonymous: Status = LOGIN) -> Expect:
    """`status` for the group's active members; `others` for every other signed-in viewer."""
    return {**signed_in(others, anonymous=anonymous), **dict.fromkeys(ACTIVE, status)}


def operator(status: Status, *, others: Status = 404, anonymous: Status = LOGIN) -> Expect:
    """`status` for the operator (staff); `others` for every other signed-in viewer."""
    return {**signed_in(others, anonymous=anonymous), OPERATOR: status}


def facilitator(status: Status, *, others: Status = 404, anonymous: Status = LOGIN) -> Expect:
    """`status` for the facilitator (the group's, and the owner of person-owned objects); `others`
    for every other signed-in viewer."""
    return {**signed_in(others, anonymous=anonymous), FACILITATOR: status}


# Pages. Keys are route names; values map each method the route takes to its expectation.
PAGES: dict[str, dict[str, Expect]] = {
    "account_change_password": {"GET": signed_in(200), "POST": signed_in(200)},
    "account_confirm_email": {"GET": everyone(200), "POST": everyone(404)},
    "account_confirm_login_code": {"GET": signed_in(302), "POST": signed_in(302)},
    "account_email": {"GET": signed_in(200), "POST": signed_in(302)},
    "account_email_verification_sent": {"GET": everyone(200)},
    "account_inactive": {"GET": everyone(200)},
    "account_login": {"GET": signed_in(302, anonymous=200), "POST": signed_in(302, anonymous=200)},
    "account_logout": {"GET": signed_in(200, anonymous=302), "POST": everyone(302)},
    "account_reauthenticate": {"GET": signed_in(200), "POST": signed_in(200)},
    "account_reset_password": {"GET": everyone(200), "POST": everyone(200)},
    "account_reset_password_done": {"GET": everyone(200)},
    "account_reset_password_from_key": {"GET": everyone(200), "POST": everyone(200)},
    "account_reset_password_from_key_done": {"GET": everyone(200)},
    "account_set_password": {"GET": signed_in(302), "POST": signed_in(302)},
    "account_signup": {"GET": signed_in(302, anonymous=200), "POST": signed_in(302, anonymous=200)},
    # The person blocked by the owner finds the owner missing here too, as on the profile.
    "accounts:block": {
        "GET": {**facilitator(404, others=200), BLOCKED: 404},
        "POST": {**facilitator(404, others=302), BLOCKED: 404},
    },
    "accounts:blocked": {"GET": signed_in(200)},
    "accounts:profile": {"GET": signed_in(200, anonymous=200, blocked=404)},
    "accounts:profile_edit": {"GET": signed_in(200), "POST": signed_in(400)},
    "accounts:token_revoke": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "accounts:tokens": {"GET": signed_in(200), "POST": signed_in(400)},
    # Owner-only by construction: each viewer gets their own data. Deletion sits behind allauth's
    # re-authentication, open here (every viewer signed in just now; tests/privacy checks the
    # password is asked for after the window): the form, and an empty one refused (400).
    "privacy:data": {"GET": signed_in(200)},
    "privacy:download": {"GET": signed_in(200)},
    "privacy:summary": {"GET": signed_in(200)},
    "privacy:delete": {"GET": signed_in(200), "POST": signed_in(400)},
    "privacy:deleted": {"GET": everyone(200)},
    "accounts:unblock": {"GET": signed_in(404), "POST": facilitator(404, others=302)},
    "admin:index": {
        "GET": signed_in(302, anonymous=302, operator=200),
        "POST": signed_in(302, anonymous=302, operator=200),
    },
    "api:api-root": {"GET": everyone(404), "POST": everyone(404)},
    "api:openapi-json": {"GET": everyone(200), "POST": everyone(200)},
    "api:openapi-view": {"GET": everyone(200), "POST": everyone(200)},
    "buddies:checkin": {"GET": signed_in(405), "POST": signed_in(404, member=400, facilitator=400)},
    "buddies:end": {"GET": signed_in(405), "POST": signed_in(404, member=302, facilitator=302)},
    "buddies:group_pool": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "buddies:home": {"GET": signed_in(200)},
    "buddies:leave": {"GET": signed_in(405), "POST": signed_in(302)},
    "buddies:pool": {"GET": signed_in(405), "POST": signed_in(400)},
    "buddies:reply": {"GET": signed_in(405), "POST": signed_in(404, member=400, facilitator=400)},
    "code_of_conduct": {"GET": everyone(200)},
    "contact": {"GET": everyone(200)},
    "feeds:group": {"GET": everyone(200)},
    "feeds:meeting_ics": {"GET": everyone(200)},
    "feeds:mine": {"GET": signed_in(200), "POST": signed_in(400)},
    "feeds:private": {"GET": everyone(200)},
    "groups:archive": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "groups:create": {"GET": signed_in(200), "POST": signed_in(400)},
    "groups:dashboard": {"GET": facilitator(200, others=404)},
    "groups:decide": {"GET": facilitator(302, others=404), "POST": facilitator(400, others=404)},
    "groups:detail": {"GET": everyone(200)},
    "groups:discover": {"GET": everyone(200)},
    "groups:edit": {"GET": facilitator(200, others=404), "POST": facilitator(400, others=404)},
    "groups:hand_over": {"GET": facilitator(200, others=404), "POST": facilitator(409, others=404)},
    "groups:invite": {
        "GET": signed_in(200, anonymous=200, banned=404),
        "POST": signed_in(400, member=302, facilitator=302, banned=403, blocked=302, muted=302),
    },
    "groups:invite_new": {"GET": signed_in(405), "POST": facilitator(400, others=404)},
    "groups:invite_revoke": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "groups:join": {"GET": signed_in(405), "POST": signed_in(302, outsider=400, ex_member=400, operator=400)},
    "groups:leave": {
        "GET": signed_in(200, outsider=302, banned=302, ex_member=302, operator=302),
        "POST": facilitator(409, others=302),
    },
    "groups:member_action": {"GET": facilitator(302, others=404), "POST": facilitator(400, others=404)},
    "groups:members": {"GET": members(200, others=403, anonymous=403)},
    "groups:mine": {"GET": signed_in(200)},
    "groups:restore": {"GET": signed_in(405), "POST": facilitator(302, others=404)},
    "groups:rules": {"GET": members(200, others=404), "POST": members(302, others=404)},
    "healthz": {"GET": everyone(200)},
    "home": {"GET": everyone(200)},
    "journal:goal": {"GET": signed_in(200), "POST": signed_in(400)},
    "journal:goal_clear": {"GET": signed_in(405), "POST": signed_in(302)},
    "journal:health": {"GET": facilitator(200, others=404)},
    "journal:insights": {"GET": signed_in(200)},
    "journal:journal": {"GET": signed_in(200)},
    "journal:landed": {"GET": signed_in(200), "POST": signed_in(400)},
    "journal:landed_done": {"GET": facilitator(200, others=302)},
    "journal:reflection": {"GET": signed_in(200), "POST": signed_in(400)},
    "journal:reflection_dismiss": {"GET": signed_in(405), "POST": signed_in(302)},
    "live:display": {"GET": members(200, others=404)},
    "live:history_sharing": {"GET": signed_in(405), "POST": signed_in(302)},
    "live:member_history": {"GET": signed_in(404, member=302)},
    "live:my_history": {"GET": signed_in(200)},
    "live:open": {"GET": signed_in(405), "POST": facilitator(302, others=404)},
    "live:room": {"GET": members(200, others=404)},
    "live:status": {"GET": members(200, others=404)},
    "live:summary": {"GET": members(200, others=404)},
    "meetings:agenda": {"GET": signed_in(200)},
    "meetings:attendance": {"GET": signed_in(405), "POST": signed_in(404)},
    "meetings:cancel": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "meetings:create": {"GET": facilitator(200, others=404), "POST": facilitator(400, others=404)},
    "meetings:detail": {"GET": everyone(200)},
    "meetings:edit": {"GET": facilitator(200, others=404), "POST": facilitator(400, others=404)},
    "meetings:legacy_detail": {"GET": everyone(404)},
    "meetings:legacy_ics": {"GET": everyone(404)},
    "meetings:legacy_room": {"GET": everyone(404)},
    "meetings:legacy_summary": {"GET": everyone(404)},
    "meetings:message": {"GET": signed_in(405), "POST": facilitator(302, others=404)},
    "meetings:rsvp": {"GET": signed_in(405), "POST": signed_in(400)},
    "meetings:talk_links": {"GET": signed_in(405), "POST": facilitator(302, others=404)},
    "meetings:talks": {"GET": everyone(200)},
    "network:accept": {"GET": signed_in(405), "POST": signed_in(404, member=400, facilitator=400)},
    "network:ask": {"GET": signed_in(200), "POST": signed_in(200)},
    "network:decline": {"GET": signed_in(405), "POST": signed_in(404, member=302, facilitator=302)},
    "network:introduction": {"GET": signed_in(404, member=200, facilitator=200)},
    "network:introductions": {"GET": signed_in(200)},
    "network:meet": {"GET": signed_in(405), "POST": signed_in(404)},
    "network:propose": {"GET": signed_in(405), "POST": facilitator(302, others=404)},
    "network:suggestions": {"GET": facilitator(200, others=404)},
    "network:unmeet": {"GET": signed_in(405), "POST": signed_in(404)},
    "network:who_to_meet": {"GET": signed_in(200)},
    "network:withdraw": {"GET": signed_in(405), "POST": signed_in(404, member=302, facilitator=302)},
    "notifications:inbox": {"GET": signed_in(200)},
    "notifications:mark_all_read": {"GET": signed_in(405), "POST": signed_in(302)},
    "notifications:mark_read": {"GET": signed_in(405), "POST": facilitator(302, others=404)},
    "notifications:open": {"GET": facilitator(302, others=404)},
    "notifications:preferences": {"GET": signed_in(200), "POST": signed_in(400)},
    "notifications:unsubscribe": {"GET": everyone(200), "POST": everyone(200)},
    "privacy": {"GET": everyone(200)},
    "readyz": {"GET": everyone(503)},
    "speakers:accept": {"GET": signed_in(405), "POST": signed_in(404, member=400)},
    "speakers:decline": {"GET": signed_in(405), "POST": signed_in(404, member=302)},
    "speakers:directory": {"GET": everyone(200)},
    "speakers:expert": {"GET": everyone(200)},
    "speakers:invitation": {"GET": signed_in(404, member=200, facilitator=200)},
    "speakers:invitations": {"GET": signed_in(200)},
    "speakers:invite": {"GET": signed_in(404), "POST": signed_in(404)},
    "speakers:listing": {"GET": signed_in(405), "POST": signed_in(404, member=302, facilitator=302)},
    "speakers:volunteer": {"GET": signed_in(200), "POST": signed_in(400)},
    "stories:lesson_delete": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "stories:lesson_edit": {"GET": facilitator(200, others=404), "POST": facilitator(400, others=404)},
    "stories:lesson_new": {"GET": signed_in(200), "POST": signed_in(400)},
    "stories:lessons": {"GET": everyone(200)},
    "stories:like_yours": {"GET": signed_in(200)},
    "stories:list": {"GET": everyone(200)},
    "stories:new": {"GET": signed_in(200), "POST": facilitator(400, others=409)},
    "stories:sharing": {"GET": signed_in(405), "POST": signed_in(302)},
    "stories:story": {"GET": everyone(200)},
    "stories:story_delete": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "stories:story_edit": {"GET": facilitator(200, others=404), "POST": facilitator(400, others=404)},
    "terms": {"GET": everyone(200)},
    "tracker:activities": {"GET": signed_in(200)},
    "tracker:activity_delete": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "tracker:activity_edit": {"GET": facilitator(200, others=404), "POST": facilitator(400, others=404)},
    "tracker:activity_new": {"GET": signed_in(200), "POST": signed_in(400)},
    "tracker:board": {"GET": signed_in(200)},
    "tracker:companies": {"GET": signed_in(200)},
    "tracker:company": {"GET": facilitator(200, others=404)},
    "tracker:company_delete": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "tracker:company_edit": {"GET": facilitator(200, others=404), "POST": facilitator(400, others=404)},
    "tracker:company_new": {"GET": signed_in(200), "POST": signed_in(400)},
    "tracker:contact": {"GET": facilitator(200, others=404)},
    "tracker:contact_delete": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "tracker:contact_edit": {"GET": facilitator(200, others=404), "POST": facilitator(400, others=404)},
    "tracker:contact_new": {"GET": signed_in(200), "POST": signed_in(400)},
    "tracker:contacts": {"GET": signed_in(200)},
    "tracker:export": {"GET": signed_in(200)},
    "tracker:export_file": {"GET": signed_in(200)},
    "tracker:home": {"GET": signed_in(200)},
    "tracker:import": {"GET": signed_in(200), "POST": signed_in(400)},
    "tracker:opportunity": {"GET": facilitator(200, others=404)},
    "tracker:opportunity_delete": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "tracker:opportunity_edit": {"GET": facilitator(200, others=404), "POST": facilitator(400, others=404)},
    "tracker:opportunity_move": {"GET": signed_in(405), "POST": facilitator(302, others=404)},
    "tracker:opportunity_new": {"GET": signed_in(200), "POST": signed_in(400)},
    "tracker:quick_add": {"GET": signed_in(200)},
    "tracker:targets": {"GET": signed_in(200), "POST": signed_in(302)},
    "tracker:task_delete": {"GET": facilitator(200, others=404), "POST": facilitator(302, others=404)},
    "tracker:task_done": {"GET": signed_in(405), "POST": facilitator(302, others=404)},
    "tracker:task_edit": {"GET": facilitator(200, others=404), "POST": facilitator(400, others=404)},
    "tracker:tasks": {"GET": signed_in(200), "POST": signed_in(400)},
    # ---- pseudonymous membership: how you appear, for active and pending members alone.
    "groups:appearance": {"GET": {**members(200), PENDING: 200}, "POST": {**members(302), PENDING: 302}},
    # ---- reports and moderation (roundtable/safety). The muted member's suggestion in the room:
    # anyone in the group but its author may report it; the group's queue, its reports, content
    # and people are its facilitator's; the operators' pages are the operator's, and 404 to
    # everyone else (nothing tells a member they exist).
    "safety:report": {
        "GET": {**members(200), MUTED: 404},
        "POST": {**members(302), MUTED: 404},
    },
    "safety:my_reports": {"GET": signed_in(200)},
    "safety:queue": {"GET": facilitator(200)},
    "safety:decide": {"GET": signed_in(405), "POST": facilitator(302)},
    "safety:content": {"GET": signed_in(405), "POST": facilitator(302)},
    "safety:person": {"GET": facilitator(200), "POST": facilitator(302)},
    "safety:operators": {"GET": operator(200)},
    "safety:audit": {"GET": operator(200)},
    "safety:operator_decide": {"GET": signed_in(405), "POST": operator(302)},
    "safety:operator_content": {"GET": signed_in(405), "POST": operator(302)},
    "safety:operator_person": {"GET": operator(200), "POST": operator(302)},
    # ---- account security: every page is about the signed-in person's own account. Rosa has
    # an authenticator app, recovery codes and a passkey; nobody else has a second factor.
    "accounts:security": {"GET": signed_in(200)},
    "usersessions_list": {"GET": signed_in(200), "POST": signed_in(302)},
    "mfa_index": {"GET": signed_in(200)},
    # The second step of a sign-in: without one under way, to the sign-in page (which sends
    # someone signed in on to the home page).
    "mfa_authenticate": {"GET": signed_in(302), "POST": signed_in(302)},
    # Confirming with a code or a passkey: for those who have one; the others are sent on.
    "mfa_reauthenticate": {"GET": signed_in(302, facilitator=200), "POST": signed_in(302, facilitator=200)},
    "mfa_activate_totp": {"GET": signed_in(200, facilitator=302), "POST": signed_in(200, facilitator=302)},
    "mfa_deactivate_totp": {"GET": facilitator(200), "POST": facilitator(302)},
    # Without an authenticator app the form says new codes need one first (their own account).
    "mfa_generate_recovery_codes": {"GET": signed_in(200), "POST": signed_in(200, facilitator=302)},
    "mfa_view_recovery_codes": {"GET": facilitator(200)},
    "mfa_download_recovery_codes": {"GET": facilitator(200)},
    "mfa_list_webauthn": {"GET": signed_in(200)},
    "mfa_add_webauthn": {"GET": signed_in(200), "POST": signed_in(200)},
    "mfa_edit_webauthn": {"GET": facilitator(200), "POST": facilitator(302)},
    "mfa_remove_webauthn": {"GET": facilitator(200), "POST": facilitator(302)},
    "mfa_login_webauthn": {"GET": signed_in(302), "POST": signed_in(302)},
    # allauth sends a passkey confirmation that fails (here: none sent) to the sign-in page.
    "mfa_reauthenticate_webauthn": {"GET": signed_in(302, facilitator=200), "POST": signed_in(302, facilitator=LOGIN)},
}

# The secret group and its meeting: everyone outside answers 404, as for a missing group,
# on every surface that names it. Keyed like PAGES/API with "@secret".
SECRET: dict[str, Expect] = {
    "GET groups:detail@secret": members(200, anonymous=404),
    "GET groups:members@secret": members(200, anonymous=404),
    "GET groups:rules@secret": members(200),
    # A group's public feed is for listed groups only (calendar apps send no cookies):
    # members of a secret group use their private feed (feeds:private).
    "GET feeds:group@secret": everyone(404),
    "GET meetings:detail@secret": members(200, anonymous=404),
    "GET feeds:meeting_ics@secret": members(200, anonymous=404),
    "POST groups:join@secret": members(302),
    "GET /api/v1/groups/{slug}@secret": members(200, anonymous=404),
    "GET /api/v1/meetings/{public_id}@secret": members(200, anonymous=404),
    # Someone waiting for an answer does not see a secret group yet (its page answers them 404
    # too), so not how they would appear in it either.
    "GET groups:appearance@secret": members(200),
    "PUT /api/v1/groups/{slug}/pseudonym@secret": members(200, anonymous=NO_TOKEN),
    "GET safety:queue@secret": facilitator(200),
}

# API operations, "METHOD /path" as the routers declare them.
API: dict[str, Expect] = {
    "POST /api/v1/auth/token": everyone(422),
    "POST /api/v1/groups/{slug}/buddies/run": facilitator(409, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/groups/{slug}/health": facilitator(200, others=404, anonymous=NO_TOKEN),
    "POST /api/v1/groups/{slug}/join": signed_in(
        200, outsider=400, banned=403, ex_member=400, operator=400, anonymous=NO_TOKEN
    ),
    "POST /api/v1/groups/{slug}/leave": signed_in(
        409, pending=200, member=200, blocked=200, muted=200, anonymous=NO_TOKEN
    ),
    "POST /api/v1/groups/{slug}/meetings": signed_in(422, anonymous=NO_TOKEN),
    "POST /api/v1/groups/{slug}/rules/accept": members(200, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/groups/{slug}": everyone(200),
    "GET /api/v1/groups": everyone(200),
    "POST /api/v1/groups": signed_in(422, anonymous=NO_TOKEN),
    "DELETE /api/v1/lessons/{public_id}": facilitator(204, others=404, anonymous=NO_TOKEN),
    "PUT /api/v1/lessons/{public_id}": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/lessons": everyone(200),
    "POST /api/v1/lessons": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/like-yours": signed_in(422, anonymous=NO_TOKEN),
    "DELETE /api/v1/me/activities/{public_id}": facilitator(204, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/me/activities/{public_id}": facilitator(200, others=404, anonymous=NO_TOKEN),
    "PUT /api/v1/me/activities/{public_id}": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/activities": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/me/activities": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/anonymous-sharing": signed_in(200, anonymous=NO_TOKEN),
    "PUT /api/v1/me/anonymous-sharing": signed_in(422, anonymous=NO_TOKEN),
    "DELETE /api/v1/me/blocks/{public_id}": signed_in(404, anonymous=NO_TOKEN),
    "GET /api/v1/me/blocks": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/me/blocks": signed_in(422, anonymous=NO_TOKEN),
    "POST /api/v1/me/buddy/checkins/{public_id}/replies": signed_in(
        404, member=400, facilitator=400, anonymous=NO_TOKEN
    ),
    "GET /api/v1/me/buddy/pairs/{public_id}/checkins": signed_in(404, member=200, facilitator=200, anonymous=NO_TOKEN),
    "POST /api/v1/me/buddy/pairs/{public_id}/checkins": signed_in(422, anonymous=NO_TOKEN),
    "POST /api/v1/me/buddy/pairs/{public_id}/end": signed_in(404, member=204, facilitator=204, anonymous=NO_TOKEN),
    "DELETE /api/v1/me/buddy/pool": signed_in(204, anonymous=NO_TOKEN),
    "PUT /api/v1/me/buddy/pool": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/buddy": signed_in(200, anonymous=NO_TOKEN),
    "DELETE /api/v1/me/companies/{public_id}": facilitator(409, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/me/companies/{public_id}": facilitator(200, others=404, anonymous=NO_TOKEN),
    "PUT /api/v1/me/companies/{public_id}": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/companies": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/me/companies": signed_in(422, anonymous=NO_TOKEN),
    "DELETE /api/v1/me/contacts/{public_id}": facilitator(204, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/me/contacts/{public_id}": facilitator(200, others=404, anonymous=NO_TOKEN),
    "PUT /api/v1/me/contacts/{public_id}": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/contacts": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/me/contacts": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/export.zip": signed_in(200, anonymous=NO_TOKEN),
    "GET /api/v1/me/export": signed_in(200, anonymous=NO_TOKEN),
    "GET /api/v1/me/data": signed_in(200, anonymous=NO_TOKEN),
    "DELETE /api/v1/me/goals/{public_id}": facilitator(204, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/me/goals/{public_id}": facilitator(200, others=404, anonymous=NO_TOKEN),
    "PUT /api/v1/me/goals/{public_id}": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/goals": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/me/goals": signed_in(422, anonymous=NO_TOKEN),
    "POST /api/v1/me/import/{kind}": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/insights": signed_in(200, anonymous=NO_TOKEN),
    "DELETE /api/v1/me/landing": facilitator(204, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/me/landing": facilitator(200, others=404, anonymous=NO_TOKEN),
    "PUT /api/v1/me/landing": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/meetings": signed_in(200, anonymous=NO_TOKEN),
    "GET /api/v1/me/notifications/preferences": signed_in(200, anonymous=NO_TOKEN),
    "PUT /api/v1/me/notifications/preferences": signed_in(422, anonymous=NO_TOKEN),
    "POST /api/v1/me/notifications/read": signed_in(200, anonymous=NO_TOKEN),
    "GET /api/v1/me/notifications/unread": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/me/notifications/{public_id}/read": facilitator(200, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/me/notifications": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/me/opportunities/{public_id}/move": signed_in(422, anonymous=NO_TOKEN),
    "DELETE /api/v1/me/opportunities/{public_id}": facilitator(204, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/me/opportunities/{public_id}": facilitator(200, others=404, anonymous=NO_TOKEN),
    "PUT /api/v1/me/opportunities/{public_id}": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/opportunities": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/me/opportunities": signed_in(422, anonymous=NO_TOKEN),
    "POST /api/v1/me/reflections/dismiss": signed_in(422, anonymous=NO_TOKEN),
    "DELETE /api/v1/me/reflections/{public_id}": facilitator(204, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/me/reflections/{public_id}": facilitator(200, others=404, anonymous=NO_TOKEN),
    "PUT /api/v1/me/reflections/{public_id}": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/reflections": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/me/reflections": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/targets": signed_in(200, anonymous=NO_TOKEN),
    "PUT /api/v1/me/targets": signed_in(200, anonymous=NO_TOKEN),
    "DELETE /api/v1/me/tasks/{public_id}": facilitator(204, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/me/tasks/{public_id}": facilitator(200, others=404, anonymous=NO_TOKEN),
    "PUT /api/v1/me/tasks/{public_id}": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me/tasks": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/me/tasks": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/me": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/meetings/{public_id}/recommendations/meet": signed_in(422, anonymous=NO_TOKEN),
    "POST /api/v1/meetings/{public_id}/recommendations/unmeet": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/meetings/{public_id}/recommendations": members(200, others=403, anonymous=NO_TOKEN),
    "DELETE /api/v1/meetings/{public_id}/rsvp": members(200, others=403, anonymous=NO_TOKEN),
    "POST /api/v1/meetings/{public_id}/rsvp": members(200, others=403, anonymous=NO_TOKEN),
    "GET /api/v1/meetings/{public_id}": everyone(200),
    "GET /api/v1/meetings": everyone(200),
    "POST /api/v1/network/introductions/{public_id}/accept": signed_in(
        404, member=409, facilitator=400, anonymous=NO_TOKEN
    ),
    "POST /api/v1/network/introductions/{public_id}/decline": signed_in(
        404, member=409, facilitator=200, anonymous=NO_TOKEN
    ),
    "POST /api/v1/network/introductions/{public_id}/withdraw": signed_in(
        404, member=200, facilitator=409, anonymous=NO_TOKEN
    ),
    "GET /api/v1/network/introductions/{public_id}": signed_in(404, member=200, facilitator=200, anonymous=NO_TOKEN),
    "GET /api/v1/network/introductions": signed_in(200, anonymous=NO_TOKEN),
    "POST /api/v1/network/introductions": signed_in(422, anonymous=NO_TOKEN),
    "POST /api/v1/network/proposals": signed_in(422, anonymous=NO_TOKEN),
    "POST /api/v1/speakers/invitations/{public_id}/accept": signed_in(422, anonymous=NO_TOKEN),
    "POST /api/v1/speakers/invitations/{public_id}/decline": signed_in(404, member=200, anonymous=NO_TOKEN),
    "GET /api/v1/speakers/invitations/{public_id}": signed_in(404, member=200, facilitator=200, anonymous=NO_TOKEN),
    "POST /api/v1/speakers/{public_id}/invite": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/speakers/{public_id}": everyone(200),
    "GET /api/v1/speakers": everyone(200),
    "DELETE /api/v1/stories/{public_id}": facilitator(204, others=404, anonymous=NO_TOKEN),
    "GET /api/v1/stories/{public_id}": everyone(200),
    "PUT /api/v1/stories/{public_id}": signed_in(422, anonymous=NO_TOKEN),
    "GET /api/v1/stories": everyone(200),
    "POST /api/v1/stories": signed_in(422, anonymous=NO_TOKEN),
    # Clearing one's pseudonym: active and pending members; anyone else finds no membership.
    "PUT /api/v1/groups/{slug}/pseudonym": {**members(200, anonymous=NO_TOKEN), PENDING: 200},
    # Reporting the muted member's suggestion: the member reported it already (200: updated),
    # the other members report it anew (201), its author and everyone outside: 404.
    "POST /api/v1/reports": {**members(201, anonymous=NO_TOKEN), MEMBER: 200, MUTED: 404},
    "GET /api/v1/me/reports": signed_in(200, anonymous=NO_TOKEN),
}

# Routes the matrix does not walk, each with the reason. A key ending in ":" covers a namespace.
EXCLUDED: dict[str, str] = {
    "admin:": "Django's admin: one entry (admin:index) stands for all of it: staff only, others to its login",
    "readyz": "answers for the worker's heartbeat (200 or 503), the same for every viewer",
}
