"""Personal links: 256-bit random tokens, stored only as their SHA-256 hash.

A new token is made for every e-mail (invitation and each reminder); the raw value exists only in that e-mail.
Guessing is infeasible (2^256 possibilities); the views additionally slow down clients that try many tokens.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """A fresh token and its hash: the token goes into the e-mail, the hash into the database."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    """Cheap shape check before touching the database: token_urlsafe(32) yields 43 URL-safe characters."""
    return 40 <= len(token) <= 64
