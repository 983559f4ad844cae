# The live suite's room and socket fixtures, for the moderation tests that reach the live room.
from tests.live.conftest import heads, live, room  # noqa: F401
