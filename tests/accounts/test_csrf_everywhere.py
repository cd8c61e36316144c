"""CSRF protection on every form: each route of the portal that takes anything but GET, HEAD or
OPTIONS (found in ``app.routes``, so a new form is covered the day it appears) refuses a
signed-in person's request that does not carry the form's token, before it does anything."""

from __future__ import annotations

import re
from typing import Any

from tests.accounts.conftest import World

SAFE = {"GET", "HEAD", "OPTIONS"}
# Values for the path parameters: what they are does not matter, the token is checked first.
PARAMETERS = {"view_id": "1", "version_id": "1"}


def _unsafe_routes(routes: Any) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in routes:
        for method in (getattr(route, "methods", None) or set()) - SAFE:
            found.add((method, route.path))
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        if inner is None and type(route).__name__ != "Mount":
            inner = getattr(route, "routes", None)
        if inner:
            found |= _unsafe_routes(inner)
    return found


def _filled(path: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: PARAMETERS.get(m.group(1), "x"), path)


def test_every_form_refuses_a_request_without_its_token(world: World) -> None:
    client = world.signed_in("admin@own")
    unsafe = _unsafe_routes(client.app.routes)  # type: ignore[attr-defined]
    # The forms this issue added, at least: signing in and out, saved views, the workspace.
    assert {("POST", "/logg-inn"), ("POST", "/logg-ut-overalt"), ("POST", "/arbeidsrom/ny")} <= (
        unsafe
    )
    assert len(unsafe) >= 12, sorted(unsafe)
    for method, path in sorted(unsafe):
        for token in (None, "forfalsket"):
            data = {"name": "x", "url": "/", "title": "x"} | (
                {"csrf_token": token} if token else {}
            )
            answer = client.request(method, _filled(path), data=data)
            assert answer.status_code == 403, (method, path, answer.status_code, answer.text[:200])
            assert "Skjemaet kunne ikke sendes" in answer.text, (method, path)
    # Nothing was done: the admin's saved views and the workspace are as they were.
    assert "Visning for admin@own" in client.get("/mine-visninger").text
