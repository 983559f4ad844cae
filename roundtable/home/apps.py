from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The front page: a landing page for visitors and, once signed in, a person's own home,
    gathered from each app's selectors. It sits above the domain apps so that `core` (the
    base every app builds on) imports none of them."""

    name = "roundtable.home"
    label = "home"
