"""Who is asking: the ``Authenticator`` seam, the password implementation, and ``Viewer``.

Sign-in is behind ``Authenticator`` so that ID-porten / OpenID Connect can replace the password
form: an OIDC implementation would verify the ID token's signature and claims and map its subject
(or verified e-mail) to a ``User`` the same way, then hand the result to ``sessions.start``. Nothing
after sign-in knows how the person proved who they are (``viewer.Viewer`` is all it sees).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select

from oppvekst.accounts import audit, passwords
from oppvekst.accounts.models import User, utcnow
from oppvekst.accounts.store import UserStore
from oppvekst.errors import AccountLocked, SignInFailed
from oppvekst.language import _
from oppvekst.settings import Settings


@dataclass(frozen=True, slots=True)
class Credentials:
    email: str
    password: str


@dataclass(frozen=True, slots=True)
class Lockout:
    """After ``attempts`` failed sign-ins in a row the account is locked for ``minutes``."""

    attempts: int
    minutes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Lockout:
        return cls(max(1, settings.lockout_attempts), max(1, settings.lockout_minutes))


class Authenticator(Protocol):
    def authenticate(self, credentials: Credentials) -> int:
        """The id of the user these credentials prove, or ``SignInFailed``/``AccountLocked``."""
        ...


def normalised_email(email: str) -> str:
    return email.strip().lower()


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def locked_error(until: datetime, now: datetime) -> AccountLocked:
    minutes = _minutes_left(until, now)
    return AccountLocked(
        _("For mange mislykkede forsøk. Prøv igjen om {minutes} minutter.").format(minutes=minutes),
        hint=_("Kontoen låses midlertidig etter gjentatte feil passord."),
    )


class PasswordAuthenticator:
    """E-mail and password against the argon2 hash; counts failures and locks the account."""

    def __init__(self, store: UserStore, lockout: Lockout) -> None:
        self.store = store
        self.lockout = lockout

    def authenticate(self, credentials: Credentials) -> int:
        now = utcnow()
        refusal: SignInFailed | AccountLocked | None = None
        # The counting must be committed even when sign-in fails, so the error is raised only
        # after the transaction has ended.
        with self.store.transaction() as db:
            user = db.scalar(select(User).where(User.email == normalised_email(credentials.email)))
            if user is None:
                passwords.verify(passwords.DUMMY_HASH, credentials.password)
                raise SignInFailed(hint=_("Sjekk e-postadressen og passordet."))
            if user.locked_until is not None and user.locked_until > now:
                # Verified all the same (and ignored): a locked account answers no faster.
                passwords.verify(user.password_hash, credentials.password)
                refusal = locked_error(user.locked_until, now)
            elif not passwords.verify(user.password_hash, credentials.password):
                refusal = self._failed(user, now)
                if isinstance(refusal, AccountLocked):
                    audit.record(db, user.organisation_id, user.email, "konto-låst")
            else:
                user.failed_attempts = 0
                user.locked_until = None
                if passwords.needs_rehash(user.password_hash):
                    user.password_hash = passwords.hash_password(credentials.password)
                return user.id
        raise refusal

    def _failed(self, user: User, now: datetime) -> SignInFailed | AccountLocked:
        user.failed_attempts += 1
        if user.failed_attempts < self.lockout.attempts:
            return SignInFailed(hint=_("Sjekk e-postadressen og passordet."))
        user.failed_attempts = 0
        user.locked_until = now + timedelta(minutes=self.lockout.minutes)
        return locked_error(user.locked_until, now)
