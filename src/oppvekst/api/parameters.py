"""Query parameters of ``/api/v1`` as the OpenAPI declares them: patterns, bounds and value sets.

A request the schema allows is answered (2xx), or refused with a declared problem that is about
the data rather than the spelling (404 for an unknown code, 422 for a combination the data cannot
answer); a request the schema does not allow is a 400. So the limits the views enforce (how many
indicators, regions and periods one request may ask for) are written into the patterns here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request

from oppvekst.errors import BadRequest, QueryTooLong, StatisticsInputError, Unprocessable
from oppvekst.language import _
from oppvekst.views.data import MAX_INDICATORS, MAX_PERIODS

_ID = r"[a-z0-9][a-z0-9-]*"
_REGION = r"[A-Za-z0-9:]+"
_PERIOD = r"(siste|[0-9]{4}(-[0-9]{2}|-[0-9]{4})?)"


def _list(item: str, most: int) -> str:
    """A pattern for 1..``most`` comma-separated items."""
    return rf"^{item}(,{item}){{0,{most - 1}}}$"


ID = rf"^{_ID}$"
ID_LIST = _list(_ID, MAX_INDICATORS)
REGION_LIST = rf"^{_REGION}(,{_REGION})*$"
PERIOD_LIST = _list(_PERIOD, MAX_PERIODS)
CATEGORY = r"^[A-Za-z0-9*_+-]{1,20}$"
MUNICIPALITY = r"^[0-9]{4}$"
REGION_CODE = r"^[0-9]{1,6}$"
YEAR = r"^[0-9]{4}$"
# A benchmark: the country, the area's county or KOSTRA group, or a group of region codes.
BENCHMARK = r"^(land|fylke|kostra|gruppe:[0-9]{1,6}(,[0-9]{1,6})*)$"

MAX_QUERY_LENGTH = 4000


def guard_query_length(request: Request) -> None:
    """Refuse a long query string early, with advice (lists of codes grow long quickly)."""
    if len(str(request.url.query)) > MAX_QUERY_LENGTH:
        raise QueryTooLong(
            _("Spørringen er for lang (over {limit} tegn).").format(limit=MAX_QUERY_LENGTH),
            hint=_("Bruk nivå- og fylkesvelgere (kommune, fylke:40) i stedet for lange lister."),
        )


@contextmanager
def answerable() -> Iterator[None]:
    """Around a view call on parameters the schema allowed: what the view still refuses is about
    the data, not the spelling, so it is a 422 with the view's own message and hint."""
    try:
        yield
    except (BadRequest, StatisticsInputError) as refused:
        if type(refused) not in (BadRequest, StatisticsInputError):
            raise
        raise Unprocessable(refused.message, hint=refused.hint) from refused
