"""Random secrets that are shown once and stored only as a SHA-256 hash."""

import hashlib
import secrets


def new_secret(prefix: str) -> str:
    # 32 random bytes: 256 bits, well over the 128-bit floor.
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
