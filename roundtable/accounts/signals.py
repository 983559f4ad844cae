"""What follows a change to a person's account, whichever surface made it.

- A new account gets its profile.
- A new password (changed, reset, set by an operator, or made unusable) revokes every API
  token of the account (issue 8: tokens do not outlive the password that made them).
- A deactivated account is announced through `account_deactivated`, once, after its row is
  saved; the live rooms close its sockets at once (live/apps.py connects the receiver).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from .models import User
from .services import api_tokens_revoke_all, profile_ensure

# Sent with sender=User and user=<the User>, inside the saving transaction (if any).
account_deactivated = Signal()


@receiver(post_save, sender=User)
def create_profile(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    # Every person has a profile from the start, so pages never branch on its absence.
    if created and not kwargs.get("raw"):
        profile_ensure(user=instance)


@receiver(post_save, sender=User)
def follow_credentials(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    update_fields = kwargs.get("update_fields")
    if instance._password_replaced and (update_fields is None or "password" in update_fields):
        instance._password_replaced = False
        if not created:
            api_tokens_revoke_all(user=instance)
    if update_fields is None or "is_active" in update_fields:
        was_active = instance._saved_is_active
        instance._saved_is_active = instance.is_active
        if was_active and not instance.is_active:
            account_deactivated.send(sender=User, user=instance)
