"""The tracker is not in the admin, on purpose.

A person's contacts, companies, opportunities, activities, tasks and targets are theirs alone
(design: "Owner-only data"): every page and endpoint answers anyone else with the same 404 as a
missing object, and staff are "anyone else". Staff need none of it to run the site, so none of
it is registered here, as the journal's goals and reflections are not (journal/admin.py). A
person's own tracker reaches anyone only through their own export (/tracker/export/), which
they may hand over with a data request.
"""
