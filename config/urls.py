from allauth.account import views as allauth_views
from allauth.account.decorators import reauthentication_required, secure_admin_login
from django.contrib import admin
from django.urls import include, path

from roundtable.accounts import views as account_views
from roundtable.api.api import api
from roundtable.core import views as core_views
from roundtable.home import views as home_views

# The admin signs in through the site's own sign-in (allauth): the same failed-login limits,
# the same confirmed-email rule, one way in. Signed-in people who are not staff get 403.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("contact/", core_views.contact, name="contact"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("terms/", core_views.terms, name="terms"),
    path("code-of-conduct/", core_views.code_of_conduct, name="code_of_conduct"),
    path("admin/", admin.site.urls),
    # allauth's email page, wrapped so that Remove asks first (accounts.views.email).
    path("accounts/email/", account_views.email, name="account_email"),
    # allauth's list of signed-in devices, with "Sign out this device" (accounts.views.sessions).
    path("accounts/sessions/", account_views.sessions, name="usersessions_list"),
    # allauth asks only for the old password here; behind re-authentication a person with
    # two-factor login confirms with a code too (issue 12, item 5).
    path(
        "accounts/password/change/",
        reauthentication_required(allauth_views.password_change),
        name="account_change_password",
    ),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("", include("roundtable.accounts.urls")),
    path("", include("roundtable.groups.urls")),
    path("", include("roundtable.meetings.urls")),
    path("", include("roundtable.meetings.feed_urls")),
    path("", include("roundtable.live.urls")),
    path("", include("roundtable.journal.urls")),
    path("", include("roundtable.tracker.urls")),
    path("", include("roundtable.network.urls")),
    path("", include("roundtable.speakers.urls")),
    path("", include("roundtable.notifications.urls")),
    path("", include("roundtable.buddies.urls")),
    path("", include("roundtable.stories.urls")),
    path("", include("roundtable.safety.urls")),
    path("", include("roundtable.privacy.urls")),
]

handler400 = "roundtable.core.views.bad_request"
handler403 = "roundtable.core.views.forbidden"
handler404 = "roundtable.core.views.not_found"
handler500 = "roundtable.core.views.server_error"
