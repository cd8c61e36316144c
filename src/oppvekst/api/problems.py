"""The errors ``/api/v1`` can answer, declared in the OpenAPI as ``application/problem+json``.

The shape is the one ``problem_response`` (the app's error handler) and the limits middleware write.
Each operation declares the statuses it can really produce: 400 (parameters the schema does not
allow), 404 (an unknown region or indicator), 422 (allowed, but the data cannot answer: a cursor
from another query, too many cells), and for every operation the middleware's 413/414/429/431
(414 also for a query string over the API's own limit) and the 503 of a missing snapshot.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from oppvekst.language import N_

PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details, with a stable ``code`` and a message a person can act on."""

    model_config = ConfigDict(
        extra="forbid",
        # The OpenAPI's words for readers (the docstring is for developers, and in English).
        json_schema_extra={
            "description": N_(
                "Feilmelding etter RFC 9457, med en stabil kode og en melding en person kan handle på"
            )
        },
    )

    type: str = Field(description=N_("Adresse som beskriver feiltypen"))
    title: str = Field(description=N_("Hva som gikk galt"))
    status: int = Field(description=N_("HTTP-statusen"))
    detail: str = Field(description=N_("Hva du kan gjøre"))
    instance: str = Field(description=N_("Stien som ble spurt etter"))
    code: str = Field(description=N_("Stabil feilkode (endres aldri)"))
    suggestions: list[str] | None = Field(None, description=N_("Forslag, f.eks. lignende koder"))


# Inline rather than a "model": FastAPI would file a model's schema under application/json.
PROBLEM_CONTENT = {PROBLEM_MEDIA_TYPE: {"schema": Problem.model_json_schema()}}
PROBLEM_TEXTS = {
    400: N_("Forespørselen kan ikke besvares slik den er (meldingen sier hva som må endres)"),
    404: N_("Fant ikke regionen eller indikatoren"),
    413: N_("Forespørselen har for stort innhold"),
    414: N_("Adressen eller spørringen er for lang"),
    422: N_("Forespørselen er gyldig, men dataene kan ikke besvare den (meldingen sier hvorfor)"),
    429: N_("For mange tunge forespørsler; se Retry-After"),
    431: N_("Hodene i forespørselen er for store"),
    503: N_("Ingen datasamling er publisert ennå, eller tjenesten er opptatt; se Retry-After"),
}
# Statuses every operation can answer: the middleware's size limits and rate limit, and 503.
ALWAYS = (413, 414, 429, 431, 503)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses`` entries for the given statuses and those every operation can answer."""
    return {
        status: {"description": PROBLEM_TEXTS[status], "content": PROBLEM_CONTENT}
        for status in sorted({*statuses, *ALWAYS})
    }


def other_client_errors() -> dict[int | str, dict[str, Any]]:
    """A ``4XX`` entry for the whole API. Besides saying that any client error is problem+json,
    it keeps FastAPI from documenting its own 422 validation answer, which this app never sends
    (invalid parameters are a 400 problem; 422 is declared where the data can refuse a request)."""
    return {"4XX": {"description": N_("Annen feil i forespørselen"), "content": PROBLEM_CONTENT}}
