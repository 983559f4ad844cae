from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from roundtable.privacy.registry import EXCLUDED, HOLDINGS, Deletion


def test_every_model_is_exported_or_excluded_with_a_reason() -> None:
    missing = [
        m._meta.label for m in apps.get_models() if m._meta.label not in HOLDINGS and m._meta.label not in EXCLUDED
    ]
    assert missing == []
    assert [label for label, reason in EXCLUDED.items() if len(reason.strip()) < 20] == []


def test_no_model_holding_a_person_is_excluded() -> None:
    """A model with a foreign key to a person holds personal data: it is registered, never excluded."""
    user = get_user_model()
    excluded_with_people = [
        m._meta.label
        for m in apps.get_models()
        if m._meta.label in EXCLUDED and any(f.is_relation and f.related_model is user for f in m._meta.concrete_fields)
    ]
    assert excluded_with_people == []


def test_each_foreign_key_to_a_person_matches_what_deletion_does() -> None:
    """Rows kept for others (ANONYMISE, CHOICE) point at the person by SET_NULL; every other
    foreign key to a person is CASCADE (the row is private, or another person's row about them
    that cannot stand without them) or SET_NULL named in `linked`."""
    user = get_user_model()
    wrong = []
    for model in apps.get_models():
        holding = HOLDINGS.get(model._meta.label)
        for f in model._meta.concrete_fields:
            if not (f.is_relation and f.related_model is user):
                continue
            on_delete = f.remote_field.on_delete
            if (holding is not None and f.name in holding.mine and holding.deletion is not Deletion.ERASE) or (
                holding is not None and f.name in holding.linked
            ):
                ok = on_delete is models.SET_NULL
            else:
                ok = on_delete is models.CASCADE or (
                    on_delete is models.SET_NULL and holding is not None and holding.deletion is not Deletion.ERASE
                )
            if not ok:
                wrong.append(f"{model._meta.label}.{f.name}: {on_delete.__name__}")
    assert wrong == []


def test_secrets_are_never_exported() -> None:
    leaked = [
        h.key for h in HOLDINGS.values() if {"token_hash", "password", "session_key", "key"} & set(h.exported_fields())
    ]
    assert leaked == []
