"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile).

Only the encoded hash (algorithm, parameters, salt and digest in one string) is stored. A hash made
with older parameters is still accepted and reported by ``needs_rehash`` so sign-in can upgrade it.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
MIN_LENGTH = 12


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


# Verifying against this when the e-mail is unknown makes a wrong e-mail take as long as a wrong
# password, so response times do not tell which addresses have accounts.
DUMMY_HASH = hash_password("ikke-et-passord-men-like-tregt")
