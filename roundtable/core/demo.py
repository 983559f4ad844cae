"""What the demo set-up (`make run`, the demo_data command) publishes: one password shared by
every demo account, and the demo accounts' email domain. Nothing outside the demo set-up
creates an account with either; a production start refuses any account whose password is
this one (core/checks.py), and no one can choose it (accounts/validators.py)."""

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - a published demo password, for demo data only
DEMO_DOMAIN = "demo.roundtable"
