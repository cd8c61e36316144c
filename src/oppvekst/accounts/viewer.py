"""``Viewer``: the signed-in person behind a request, and what their role allows."""

from __future__ import annotations

from dataclasses import dataclass

from oppvekst.accounts.models import Role
from oppvekst.errors import Forbidden
from oppvekst.language import _

_POWER = {Role.READER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: int
    email: str
    organisation_id: int
    organisation_name: str
    role: Role
    session_id: int

    def require(self, role: Role) -> None:
        """Forbidden unless this person's role reaches ``role`` (always in their own
        organisation: a viewer has no way to name another one)."""
        if _POWER[self.role] < _POWER[role]:
            raise Forbidden(hint=_("Be en administrator i organisasjonen din om tilgang."))
