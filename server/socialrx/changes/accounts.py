"""Reviewer accounts: passwords hashed with Argon2id (RFC 9106), the memory-hard default of argon2-cffi."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .queue import Queue, QueueError

_HASHER = PasswordHasher()  # Argon2id, 64 MiB, 3 passes (argon2-cffi's RFC 9106 low-memory profile)
# Checked against when the name is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY = _HASHER.hash("no such reviewer")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MIN_PASSWORD = 12


def add(queue: Queue, name: str, password: str) -> None:
    if not NAME.fullmatch(name or ""):
        raise QueueError("A reviewer name is 1 to 64 letters, digits, dots, dashes or underscores, e.g. 'jo.smith'.")
    if len(password or "") < MIN_PASSWORD:
        raise QueueError(f"The password is too short: use at least {MIN_PASSWORD} characters.")
    queue.add_account(name, _HASHER.hash(password))


def check(queue: Queue, name: str, password: str) -> bool:
    """True when the name and password match an account (constant work whether or not the name exists)."""
    stored = queue.account_hash(name or "")
    try:
        _HASHER.verify(stored or _DUMMY, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if stored is None:
        return False
    if _HASHER.check_needs_rehash(stored):
        queue.set_account_hash(name, _HASHER.hash(password))
    return True
