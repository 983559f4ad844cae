"""WSGI entry point, for serving pages from WSGI workers (see docs/operations.md).

A WSGI worker runs requests on a fixed few threads (granian's --blocking-threads), so each
thread keeps its database connection between requests (settings.PERSISTENT_CONNECTIONS):
connecting per request cost a third of a group page (docs/discovery-at-scale.md, "Page cost").
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ROUNDTABLE_PERSISTENT_CONNECTIONS", "true")

application = get_wsgi_application()
