from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User
from .services import profile_ensure


@receiver(post_save, sender=User)
def create_profile(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    # Every person has a profile from the start, so pages never branch on its absence.
    if created and not kwargs.get("raw"):
        profile_ensure(user=instance)
