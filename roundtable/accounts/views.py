from __future__ import annotations

from allauth.account import views as allauth_views
from allauth.account.decorators import reauthentication_required
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.core.confirm import render_confirm
from roundtable.core.http import AuthedRequest, HtmxRequest

from . import blocks, permissions, selectors, services
from .forms import AUDIENCE_PHRASES, FIELD_LABELS, MEMBERS_MEANING, PITCH_COUNTER_ID, ProfileForm, TokenForm
from .models import PRIVATE_FIELDS, ApiToken, Block, SearchStatus, User

NEW_TOKEN_SESSION_KEY = "new_api_token"  # noqa: S105 (a session key name, not a secret)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthedRequest) -> HttpResponse:
    profile = services.profile_ensure(user=request.user)
    # Bind on every POST, even an empty one: `request.POST or None` would treat an
    # empty submission as a fresh page and hide its errors.
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, initial=ProfileForm.initial_for(profile), topics=selectors.topic_choices(profile))
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.profile_update(user=request.user, data=form.data_object())
        except services.ProfileError as exc:
            exc.add_to(form)
        else:
            messages.success(request, "Your profile is saved.")
            stats = selectors.pitch_stats(profile.pitch)
            if stats.over:
                messages.warning(
                    request,
                    f"Your introduction is {stats.words} words, about {stats.seconds} seconds: past the "
                    f"30-second mark. Try trimming it to {selectors.PITCH_MAX_WORDS} words or fewer.",
                )
            # Saving shows the result: the profile as others see it (its owner note links back here).
            return redirect("accounts:profile", public_id=request.user.public_id)
    pitch_text = form["pitch"].value() or ""
    ctx = {
        "form": form,
        "profile": profile,
        "pitch": selectors.pitch_stats(str(pitch_text)),
        "pitch_counter_id": PITCH_COUNTER_ID,
        "members_meaning": MEMBERS_MEANING,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/profile_edit.html", ctx, status=status)


@require_GET
def profile(request: HtmxRequest, public_id: str) -> HttpResponse:
    person = permissions.profile_for_viewer(selectors.profile_for_page(public_id), viewer=request.user)
    # Everything private on this page comes from this one helper.
    visible = permissions.visible_profile_fields(request.user, person)

    def audience(name: str) -> str:
        return AUDIENCE_PHRASES[person.visibility_of(name)]

    rows = []
    for name in PRIVATE_FIELDS:
        value = visible.get(name, "")
        if not value or name in ("headline", "pitch"):
            continue  # absent, empty, or shown in its own place below
        if name == "search_status" and value in SearchStatus.values:
            value = SearchStatus(value).label
        rows.append({"label": FIELD_LABELS[name], "value": value, "audience": audience(name)})
    pitch = visible.get("pitch", "")
    ctx = {
        "person": person,
        "display_name": visible["display_name"],
        "headline": visible.get("headline", ""),
        "headline_audience": audience("headline"),
        "rows": rows,
        "pitch": pitch,
        "pitch_audience": audience("pitch"),
        "pitch_stats": selectors.pitch_stats(pitch),
        "interests": list(person.interests.all()),
        "memberships": selectors.profile_groups(request.user, person.user),
        "is_owner": request.user.is_authenticated and request.user.pk == person.user_id,
        "blocked_by_me": request.user.is_authenticated
        and Block.objects.filter(blocker=request.user, blocked_id=person.user_id).exists(),
    }
    return render(request, "accounts/profile.html", ctx)


# What blocking does, said the same way on the confirmation page and the list of blocked people.
BLOCK_CONSEQUENCES = (
    "You won't see each other's profiles, and neither of you can ask for or be offered an introduction to the other.",
    "Roundtable never suggests you to each other, and never pairs you as accountability buddies: "
    "a pairing you have together ends.",
    "In live roundtables you won't see each other's suggestions, and you won't be told about what they do.",
    "They are not told. You can unblock them at any time from “People you blocked”.",
)


def _blockable(request: AuthedRequest, public_id: str) -> User:
    """The person with this public id, if the viewer may block or unblock them: an active
    account other than the viewer's own. A person already kept apart from the viewer is
    found too (their profile 404s, but the viewer may still unblock them). Http404 otherwise."""
    person = User.objects.select_related("profile").filter(public_id=public_id, is_active=True).first()
    if person is None or person.pk == request.user.pk:
        raise Http404("No such person.")
    return person


@login_required
@require_http_methods(["GET", "POST"])
def block(request: AuthedRequest, public_id: str) -> HttpResponse:
    """GET asks (core/confirm.py), saying exactly what blocking does; POST blocks."""
    person = _blockable(request, public_id)
    mine = Block.objects.filter(blocker=request.user, blocked=person).exists()
    # Someone who blocked the viewer is missing to them, here as on their profile: a page
    # naming them (or a block that works) would tell the viewer they were blocked.
    if not mine and blocks.kept_apart(request.user.pk, person.pk):
        raise Http404("No such person.")
    if request.method == "GET":
        if mine:
            return redirect("accounts:blocked")
        return render_confirm(
            request,
            title=f"Block {person.display_name}?",
            subject=person.display_name,
            consequences=BLOCK_CONSEQUENCES,
            action_url=reverse("accounts:block", args=[person.public_id]),
            confirm_label="Block",
            back_url=reverse("accounts:profile", args=[person.public_id]),
            back_label="Don't block",
        )
    try:
        _, new = blocks.block_create(blocker=request.user, blocked=person)
    except blocks.BlockError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:blocked")
    if new:
        messages.success(request, f"You blocked {person.display_name}. They are not told.")
    else:
        messages.info(request, f"You had already blocked {person.display_name}.")
    return redirect("accounts:blocked")


@login_required
@require_http_methods(["GET", "POST"])
def unblock(request: AuthedRequest, public_id: str) -> HttpResponse:
    """GET asks; POST lifts the viewer's own block (a block the other made stays)."""
    person = _blockable(request, public_id)
    if not Block.objects.filter(blocker=request.user, blocked=person).exists():
        if request.method == "GET":
            raise Http404("No such person.")
        messages.info(request, f"{person.display_name} isn't blocked.")
        return redirect("accounts:blocked")
    if request.method == "GET":
        return render_confirm(
            request,
            title=f"Unblock {person.display_name}?",
            subject=person.display_name,
            consequences=[
                "You'll be able to see each other's profiles, be suggested to each other and be introduced again.",
                "They are not told.",
            ],
            action_url=reverse("accounts:unblock", args=[person.public_id]),
            confirm_label="Unblock",
            back_url=reverse("accounts:blocked"),
            back_label="Keep blocked",
        )
    blocks.block_delete(blocker=request.user, blocked=person)
    messages.success(request, f"You unblocked {person.display_name}.")
    return redirect("accounts:blocked")


@login_required
@require_GET
def blocked(request: AuthedRequest) -> HttpResponse:
    """The people the viewer blocked, newest first, each with Unblock: two queries whatever
    their number (the session's user aside)."""
    ctx = {"blocks": list(blocks.blocks_of(request.user)), "consequences": BLOCK_CONSEQUENCES}
    return render(request, "accounts/blocked.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
# A new token acts as its owner without a password: creating one asks for the password (or a
# two-factor code) again when the last sign-in or confirmation is older than
# ACCOUNT_REAUTHENTICATION_TIMEOUT. Looking at the list, or revoking, does not.
@reauthentication_required(allow_get=True)
def tokens(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        token, secret = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        # Shown once, on the next page load, then gone: only its hash is kept.
        request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "secret": secret}
        return redirect("accounts:tokens")
    new = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    ctx = {
        "form": form,
        "tokens": list(selectors.tokens_of(request.user)),
        "new_token": new,
        "api_me_url": request.build_absolute_uri("/api/v1/me"),
    }
    return render(request, "accounts/tokens.html", ctx, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    """GET asks (core/confirm.py, issue 9); POST revokes."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    if request.method == "GET":
        if not token.is_active:
            return redirect("accounts:tokens")
        return render_confirm(
            request,
            title=f"Revoke “{token.name}”?",
            subject=f"{token.prefix}…",
            consequences=[
                "Scripts and apps using this token are refused from now on.",
                "This can't be undone: create a new token if you need one again.",
            ],
            action_url=reverse("accounts:token_revoke", args=[token.pk]),
            confirm_label="Revoke token",
            back_url=reverse("accounts:tokens"),
            back_label="Keep it",
        )
    was_active = token.is_active
    services.api_token_revoke(token=token)
    if was_active:
        messages.success(request, f"Revoked “{token.name}”. It no longer works.")
    else:
        messages.info(request, f"“{token.name}” was already revoked.")
    return redirect("accounts:tokens")


@login_required
@require_http_methods(["GET", "POST"])
def email(request: AuthedRequest) -> HttpResponse:
    """allauth's email page, with Remove asking first on the site's confirmation page
    (core/confirm.py) instead of the browser's confirm(), which without JavaScript did not
    ask at all. The confirmation posts back here with `confirmed`, and allauth acts."""
    address = request.POST.get("email", "")
    if request.method == "POST" and "action_remove" in request.POST and request.POST.get("confirmed") != "yes":
        owned = EmailAddress.objects.filter(user=request.user, email__iexact=address, primary=False).first()
        if owned is not None:
            return render_confirm(
                request,
                title="Remove this email address?",
                subject=owned.email,
                consequences=[
                    "You can no longer log in with it, and Roundtable sends nothing to it.",
                    "You can add it again later; it will need confirming again.",
                ],
                action_url=reverse("account_email"),
                fields={"action_remove": "yes", "email": owned.email, "confirmed": "yes"},
                confirm_label="Remove address",
                back_url=reverse("account_email"),
                back_label="Keep it",
            )
    return allauth_views.email(request)


@login_required
@require_GET
def security(request: AuthedRequest) -> HttpResponse:
    """Account security: one place that links the email, password, two-factor, passkey and
    device pages, each with its state in a word."""
    kinds = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    passkeys = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.WEBAUTHN).count()
    ctx = {
        "email": request.user.email,
        "totp_on": Authenticator.Type.TOTP in kinds,
        "passkeys": passkeys,
        "devices": UserSession.objects.filter(user=request.user).count(),
        "has_password": request.user.has_usable_password(),
    }
    return render(request, "accounts/security.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def sessions(request: AuthedRequest) -> HttpResponse:
    """The devices signed in to the account (allauth.usersessions' records), each but this one
    with "Sign out this device", and "Sign out everywhere else". Replaces allauth's page, which
    only had the second. A session id that is not the viewer's, or is gone, changes nothing."""
    current_key = request.session.session_key
    if request.method == "POST":
        devices = selectors.sessions_of(request.user, current_key=current_key)
        others = [d.session.pk for d in devices if not d.current]
        if "everywhere_else" in request.POST:
            ended = services.sessions_end(user=request.user, session_ids=others, request=request)
            if ended:
                messages.success(request, f"Logged out {ended} other device{'s' if ended != 1 else ''}.")
            else:
                messages.info(request, "No other device was logged in.")
            return redirect("usersessions_list")
        try:
            wanted = int(request.POST.get("session", ""))
        except ValueError:
            wanted = 0
        if wanted in others:
            services.sessions_end(user=request.user, session_ids=[wanted], request=request)
            messages.success(request, "That device is logged out. It will need your password to get back in.")
        else:
            messages.info(request, "That device was already logged out.")
        return redirect("usersessions_list")
    devices = selectors.sessions_of(request.user, current_key=current_key)
    return render(request, "usersessions/usersession_list.html", {"devices": devices})
