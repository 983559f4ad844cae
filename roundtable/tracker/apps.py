from django.apps import AppConfig


class TrackerConfig(AppConfig):
    """The job-search tracker: a person's own contacts, companies, opportunities, activities,
    tasks and weekly targets, with import and export. Everything here is owner-only: it is
    read through selectors that take the owner, and another person's id answers 404."""

    name = "roundtable.tracker"
    label = "tracker"
