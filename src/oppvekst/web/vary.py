"""The ``Vary`` header, each name once.

Several layers add to it — the API's own answer (Accept, Accept-Encoding), gzip (Accept-Encoding
again, to what it compresses), the privacy layer (Cookie) and the language layer (Accept-Language)
— and Starlette's ``add_vary_header`` appends without looking. A name listed twice makes a shared
cache key on a list with a duplicate, so every layer of ours adds through ``vary_with``.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders


def vary_with(headers: MutableHeaders, name: str) -> None:
    """``Vary`` with ``name`` added; every name once (case aside), in the order first written."""
    names: dict[str, str] = {}
    for given in [*headers.get("Vary", "").split(","), name]:
        if given.strip():
            names.setdefault(given.strip().lower(), given.strip())
    headers["Vary"] = ", ".join(names.values())
