"""The stories app's pages: /stories/ (filters), a story, the write and edit forms, lessons,
"others with a challenge like yours" (its page and the live room's panel, an htmx fragment of
the same view), and the anonymous-sharing choice. Thin: permissions resolve public ids (404
for anyone else's), selectors read, services write."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roundtable.core.confirm import render_confirm
from roundtable.core.http import AuthedRequest, HtmxRequest
from roundtable.groups.models import Kind
from roundtable.journal.landing import creditable_groups
from roundtable.meetings.views import page_of
from roundtable.tracker.models import Landing, Source

from . import permissions, selectors, services
from .forms import LessonForm, LikeYoursForm, StoryForm
from .models import AnonymousSharing, LessonKind, StoryField

PAGE_SIZE = 20


def _choice(request: HtmxRequest, name: str, values: list[str]) -> str:
    value = request.GET.get(name, "")
    return value if value in values else ""


@require_GET
def story_list(request: HtmxRequest) -> HttpResponse:
    """Stories the viewer may read, newest first, filtered by channel, field and kind of group."""
    chosen = {
        "channel": _choice(request, "channel", list(Source.values)),
        "field": _choice(request, "field", list(StoryField.values)),
        "kind": _choice(request, "kind", list(Kind.values)),
    }
    page = page_of(Paginator(selectors.stories(request.user, **chosen), PAGE_SIZE), request.GET.get("page"))
    query = urlencode({k: v for k, v in chosen.items() if v})
    has_landing = request.user.is_authenticated and Landing.objects.filter(owner_id=request.user.pk).exists()
    ctx = {
        "page": page,
        "cards": selectors.story_cards(request.user, list(page.object_list)),
        "chosen": chosen,
        "filtered": any(chosen.values()),
        "query": query,
        "channels": Source.choices,
        "fields": StoryField.choices,
        "kinds": Kind.choices,
        "has_landing": has_landing,
    }
    return render(request, "stories/list.html", ctx)


@require_GET
def story(request: HtmxRequest, public_id: str) -> HttpResponse:
    found = permissions.story_for_viewer(request.user, public_id)
    return render(request, "stories/story.html", {"card": selectors.story_cards(request.user, [found])[0]})


def _story_form_page(request: AuthedRequest, form: StoryForm, *, editing: bool, status: int = 200) -> HttpResponse:
    return render(request, "stories/story_form.html", {"form": form, "editing": editing}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def story_new(request: AuthedRequest) -> HttpResponse:
    """Write one's landed story: offered from "I landed" (journal); without a landing, the page
    says to record it first."""
    landing = Landing.objects.filter(owner=request.user).first()
    if landing is None:
        return render(request, "stories/story_needs_landing.html", status=409 if request.method == "POST" else 200)
    groups = creditable_groups(request.user)
    initial = {"group": landing.group.slug if landing.group and landing.group in groups else ""}
    form = StoryForm(request.POST if request.method == "POST" else None, groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.story_create(author=request.user, data=form.data_object())
        except services.StoriesError as exc:
            exc.add_to(form)
        else:
            messages.success(request, "Thank you: your story is shared.")
            return redirect("stories:story", public_id=created.public_id)
    return _story_form_page(request, form, editing=False, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def story_edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    own = permissions.story_for_author(request.user, public_id)
    groups = creditable_groups(request.user)
    if own.group is not None and own.group not in groups:
        groups = [*groups, own.group]
    form = StoryForm(request.POST if request.method == "POST" else None, groups=groups,
                     initial=StoryForm.initial_for(own))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.story_update(story=own, data=form.data_object())
        except services.StoriesError as exc:
            exc.add_to(form)
        else:
            messages.success(request, "Your story is saved.")
            return redirect("stories:story", public_id=own.public_id)
    return _story_form_page(request, form, editing=True, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def story_delete(request: AuthedRequest, public_id: str) -> HttpResponse:
    own = permissions.story_for_author(request.user, public_id)
    if request.method == "POST":
        services.story_delete(story=own)
        messages.success(request, "Your story is deleted.")
        return redirect("stories:list")
    return render_confirm(
        request, title="Delete your story?", subject=own.title,
        consequences=["Nobody will be able to read it any more.", "This cannot be undone."],
        action_url=request.path, confirm_label="Delete the story",
        back_url=reverse("stories:story", args=[own.public_id]), back_label="Keep the story",
    )  # fmt: skip


@require_GET
def lesson_list(request: HtmxRequest) -> HttpResponse:
    kind = _choice(request, "kind", list(LessonKind.values))
    page = page_of(Paginator(selectors.lessons(request.user, kind=kind), PAGE_SIZE), request.GET.get("page"))
    ctx = {
        "page": page,
        "cards": [selectors.lesson_card(lesson, request.user) for lesson in page.object_list],
        "kind": kind,
        "kinds": LessonKind.choices,
        "query": urlencode({"kind": kind}) if kind else "",
    }
    return render(request, "stories/lessons.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_new(request: AuthedRequest) -> HttpResponse:
    form = LessonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_create(author=request.user, data=form.data_object())
        except services.StoriesError as exc:
            exc.add_to(form)
        else:
            messages.success(request, "Thank you: your lesson is shared.")
            return redirect("stories:lessons")
    status = 400 if request.method == "POST" else 200
    return render(request, "stories/lesson_form.html", {"form": form, "editing": False}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    own = permissions.lesson_for_author(request.user, public_id)
    initial = {"kind": own.kind, "text": own.text, "audience": own.audience, "anonymous": own.anonymous}
    form = LessonForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_update(lesson=own, data=form.data_object())
        except services.StoriesError as exc:
            exc.add_to(form)
        else:
            messages.success(request, "Your lesson is saved.")
            return redirect("stories:lessons")
    status = 400 if request.method == "POST" else 200
    ctx = {"form": form, "editing": True, "lesson": own}
    return render(request, "stories/lesson_form.html", ctx, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_delete(request: AuthedRequest, public_id: str) -> HttpResponse:
    own = permissions.lesson_for_author(request.user, public_id)
    if request.method == "POST":
        services.lesson_delete(lesson=own)
        messages.success(request, "Your lesson is deleted.")
        return redirect("stories:lessons")
    return render_confirm(
        request, title="Delete your lesson?", subject=own.text[:80],
        consequences=["Nobody will be able to read it any more.", "This cannot be undone."],
        action_url=request.path, confirm_label="Delete the lesson",
        back_url=reverse("stories:lessons"), back_label="Keep the lesson",
    )  # fmt: skip


@login_required
@require_GET
def like_yours(request: AuthedRequest) -> HttpResponse:
    """Others with a challenge like yours: the page (a form and its results), and, asked by
    htmx from the live room's challenge form (`panel=1`), the results alone."""
    form = LikeYoursForm(request.GET or None)
    results: list[selectors.Helped] | None = None
    if form.is_bound and form.is_valid():
        results = selectors.like_yours(request.user, form.cleaned_data["text"])
    sharing = AnonymousSharing.objects.filter(user=request.user, share_anonymously=True).exists()
    ctx = {"form": form, "results": results, "sharing": sharing}
    if request.GET.get("panel") == "1":
        return render(request, "stories/_like_yours_results.html", ctx)
    return render(request, "stories/like_yours.html", ctx)


@login_required
@require_POST
def sharing(request: AuthedRequest) -> HttpResponse:
    """Set the anonymous-sharing choice (the settings page's form posts here)."""
    share = request.POST.get("share")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("stories:like_yours")
    if share not in ("yes", "no"):
        messages.error(request, "Choose whether to share what helped you, without your name.")
        return redirect(back)
    services.anonymous_sharing_set(user=request.user, share=share == "yes")
    if share == "yes":
        messages.success(request, "What helped you at roundtables can now help others, without your name.")
    else:
        messages.success(request, "Your roundtable history no longer shows to others, even without your name.")
    return redirect(back)
