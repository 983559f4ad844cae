from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from roundtable.core.text import ADMIN_TEXT_RULE

from . import events, rules, services
from .models import Group, Invite, Membership, MembershipRole, MembershipState, Topic
from .selectors import groups_left_without_facilitator


def _after_admin_change(memberships: list[Membership]) -> None:
    # The admin writes rows directly; losing access must still take effect at once on every
    # surface (design.md, "Privacy, precisely"), exactly as the group pages' services do.
    for m in memberships:
        services.membership_changed_elsewhere(group=m.group, user=m.user)


def headless_message(groups: list[Group]) -> str:
    """Why the admin refused: the same rule and the same two ways out as the group's own
    Leave page ("hand the group over to a member, or archive it")."""
    names = ", ".join(f"“{g.name}”" for g in groups)
    subject = f"{names} would have no facilitator" if len(groups) == 1 else f"{names} would have no facilitators"
    return (
        f"{subject}, so nothing was changed. Hand the group over first (make another active member "
        "a facilitator), or archive it with “Archive selected groups” on the Groups list."
    )


def _stays_facilitator(data: dict[str, Any]) -> bool:
    return data.get("role") == MembershipRole.FACILITATOR and data.get("state") == MembershipState.ACTIVE


def _with_text_rule(db_field: Any, **kwargs: Any) -> Any:
    for klass in type(db_field).__mro__:
        if klass in ADMIN_TEXT_RULE:
            kwargs = {**ADMIN_TEXT_RULE[klass], **kwargs}
            break
    return db_field.formfield(**kwargs)


class MembershipAdminForm(forms.ModelForm):
    """Refuses a change that would leave a group without a facilitator: a role set to member,
    a state other than active, or the membership moved to another group."""

    class Meta:
        model = Membership
        fields = "__all__"  # noqa: DJ007 - the admin shows every field of a membership
        # The admin passes its own (formfield_overrides = ADMIN_TEXT_RULE); this is the
        # same rule for the form used on its own.
        formfield_callback = staticmethod(_with_text_rule)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pk = self.instance.pk
        if pk is None or self.errors:
            return data
        moved = data.get("group") is not None and data["group"].pk != Membership.objects.get(pk=pk).group_id
        if moved or not _stays_facilitator(data):
            headless = groups_left_without_facilitator({pk})
            if headless:
                raise forms.ValidationError(headless_message(headless), code="headless")
        return data


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    """The same rule for the membership rows on a group's admin page: deleting or demoting
    its last facilitator is refused unless another row makes someone facilitator."""

    def clean(self) -> None:
        super().clean()
        going: set[int] = set()
        promoted = False
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            deleted = self.can_delete and self._should_delete_form(form)  # type: ignore[attr-defined]
            if not deleted and _stays_facilitator(data):
                promoted = True
            elif form.instance.pk is not None:
                going.add(form.instance.pk)
        headless = [] if promoted else groups_left_without_facilitator(going)
        if headless:
            raise forms.ValidationError(headless_message(headless), code="headless")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class MembershipInline(admin.TabularInline):
    formfield_overrides = ADMIN_TEXT_RULE
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    raw_id_fields = ("user", "decided_by")
    # Only the member accepts their group's rules (services.ground_rules_accept).
    readonly_fields = ("rules_version_accepted", "rules_accepted_at")


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("name", "kind", "format", "visibility", "join_policy", "member_count", "location_label")
    list_filter = ("kind", "format", "visibility", "join_policy")
    search_fields = ("name", "slug", "location_label")
    raw_id_fields = ("created_by",)
    filter_horizontal = ("topics",)
    inlines = (MembershipInline,)
    actions = ("archive_groups",)
    readonly_fields = ("rules_version", "rules_changed_at")

    def save_model(self, request: HttpRequest, obj: Group, form: Any, change: bool) -> None:
        # An edit of the ground rules here counts as a facilitator's would (services.group_update):
        # a new version, and the members asked to accept it again.
        old = Group.objects.filter(pk=obj.pk).values_list("ground_rules", flat=True).first() if change else None
        bumped = old is not None and rules.text_changed(old, obj.ground_rules)
        if bumped:
            obj.rules_version += 1
            obj.rules_changed_at = timezone.now()
        super().save_model(request, obj, form, change)
        if bumped and rules.has_rules(obj):
            events.rules_changed(group=obj, by=None)

    @admin.action(description="Archive selected groups", permissions=["change"])
    def archive_groups(self, request: HttpRequest, queryset: QuerySet[Group]) -> None:
        # The product's own archive (services.group_archive): requests declined, invite links
        # revoked, meetings ahead cancelled with notice. The way out when nobody can take over.
        cancelled = sum(services.group_archive(group=g, by=None) for g in queryset)
        self.message_user(
            request,
            f"Archived {queryset.count()} group(s); {cancelled} meeting(s) ahead cancelled and their people told.",
            messages.SUCCESS,
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if formset.model is Membership:
                touched = [f.instance for f in formset.forms if f.has_changed() or f in formset.deleted_forms]
                _after_admin_change([m for m in touched if m.user_id])


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships, guarded as the pages guard them: no delete, bulk delete or change leaves a
    group that is not archived without a facilitator (the admin says why and what to do)."""

    form = MembershipAdminForm
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("user", "group", "role", "state", "created_at")
    list_filter = ("role", "state")
    search_fields = ("user__email", "group__name")
    raw_id_fields = ("user", "group", "decided_by")
    readonly_fields = ("rules_version_accepted", "rules_accepted_at")
    actions = ("delete_selected",)

    @admin.action(description="Delete selected memberships", permissions=["delete"])
    def delete_selected(self, request: HttpRequest, queryset: QuerySet[Membership]) -> HttpResponse | None:
        headless = groups_left_without_facilitator(set(queryset.values_list("pk", flat=True)))
        if headless:
            self.message_user(request, headless_message(headless), messages.ERROR)
            return None
        return django_delete_selected(self, request, queryset)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        obj = self.get_object(request, unquote(object_id))
        headless = groups_left_without_facilitator({obj.pk}) if obj is not None else []
        if headless:
            self.message_user(request, headless_message(headless), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:groups_membership_change", args=[obj.pk]))  # type: ignore[union-attr]
        return super().delete_view(request, object_id, extra_context)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            _after_admin_change([obj])

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            _after_admin_change([obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        with transaction.atomic():
            gone = list(queryset.select_related("group", "user"))
            super().delete_queryset(request, queryset)
            _after_admin_change(gone)


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_RULE
    list_display = ("group", "note", "created_at", "expires_at", "revoked_at", "uses")
    raw_id_fields = ("group", "created_by")
    exclude = ("token_hash",)
