"""What other apps hear from groups.

`membership_ended` is sent with sender=Group, group=<Group> and user=<User> whenever a person
stops being an active member of a group: they left, were removed or banned, or an operator
changed the membership in the admin (services._free_seats, which every such path calls). It
is sent inside the transaction that ends the membership, so a receiver's writes commit or
roll back with it; receivers tell people after commit (transaction.on_commit), as every
side effect does. The buddies app closes the person's place in the group's buddy pool and
ends their pairing there (buddies/apps.py).
"""

from __future__ import annotations

from django.dispatch import Signal

membership_ended = Signal()
