"""The error catalogue: every failure a person can meet, with its stable code, HTTP status and title.

Each class here is one entry: ``code`` is stable (part of the public contract: never reuse or
rename one), ``http_status`` is what the web answers with, and ``title`` says in bokmål what kind
of failure it is (marked with ``N_``; ``translated_title()`` gives it in the reader's language). An instance adds the particular ``message`` (defaults to the title) and a ``hint``
saying what to do. The web layer renders every one the same way (``oppvekst.web.errors``:
problem+json for the API and JSON clients, the error page for browsers); the CLI prints the message.
Nothing outside this module defines an error class (``tests/quality/test_layout.py`` checks).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from oppvekst.glossary import N_
from oppvekst.language import _


@dataclass(frozen=True, slots=True)
class InputField:
    """Where a wrong entry stands: the URL parameter and the entry itself (one of a list)."""

    param: str
    entry: str


class OppvekstError(Exception):
    """Base class, and the entry for a failure nobody foresaw."""

    code: ClassVar[str] = "error"
    http_status: ClassVar[int] = 500
    title: ClassVar[str] = N_("Noe gikk galt")
    retry_after: int | None = None  # seconds; sent as Retry-After

    def __init__(
        self,
        message: str = "",
        *,
        hint: str = "",
        suggestions: Sequence[str] = (),
        retry_after: int | None = None,
        field: InputField | None = None,
    ) -> None:
        # The title is bokmål (marked with N_); a default message is the title in the reader's
        # language, translated when the error is made (inside the request that meets it).
        self.message = message or _(self.title)
        super().__init__(self.message)
        self.hint = hint
        # Codes of areas the reader may have meant (a former kommune number's successors).
        self.suggestions: Sequence[str] = suggestions
        if retry_after is not None:
            self.retry_after = retry_after
        # The query parameter and entry that caused it, when a person typed it: a page keeps its
        # view without that entry and says what was wrong (``web.errors``).
        self.field = field

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()

    @classmethod
    def translated_title(cls) -> str:
        """The entry's title in the current language (``oppvekst.language.current()``)."""
        return _(cls.title)


# --- Source and network -------------------------------------------------------------------------
class SourceError(OppvekstError):
    """A source could not deliver usable data."""

    code = "source-error"
    http_status = 502
    title = N_("Kilden leverte ikke brukbare data")


class SourceUnavailable(SourceError):
    code = "source-unavailable"
    title = N_("Kilden svarer ikke")


class RateLimited(SourceError):
    code = "rate-limited"
    title = N_("Kilden begrenser antall forespørsler")


class BadQuery(SourceError):
    """The source rejected our query (HTTP 400/404): a bug in a catalogue record or a removed table."""

    code = "bad-query"
    title = N_("Kilden avviste spørringen")


class QueryTooLarge(SourceError):
    code = "query-too-large"
    title = N_("Spørringen er for stor for kilden")


class MalformedResponse(SourceError):
    """The response could not be decoded (truncated JSON, wrong sizes, unknown shape)."""

    code = "malformed-response"
    title = N_("Kilden sendte et svar som ikke kan leses")


class NotInMirror(SourceError):
    """Offline run: the mirror holds no recorded response for this request."""

    code = "not-in-mirror"
    title = N_("Speilet har ikke dette svaret")


# --- Regions --------------------------------------------------------------------------------------
class UnknownRegion(OppvekstError):
    code = "unknown-region"
    http_status = 404
    title = N_("Ukjent område")


class AmbiguousRegion(OppvekstError):
    """What a person typed fits more than one region (Oslo the kommune and Oslo the fylke)."""

    code = "ambiguous-region"
    http_status = 400
    title = N_("Flere områder passer")


# --- Catalogue ----------------------------------------------------------------------------------
class CatalogError(OppvekstError):
    code = "catalog-invalid"
    title = N_("Feil i indikatorkatalogen")


class UnknownIndicator(OppvekstError):
    code = "unknown-indicator"
    http_status = 404
    title = N_("Ukjent indikator")


class UnknownPackage(OppvekstError):
    code = "unknown-package"
    http_status = 404
    title = N_("Ukjent pakke")


# --- Statistics -----------------------------------------------------------------------------------
class StatisticsInputError(OppvekstError, ValueError):
    """Inputs a statistical method cannot accept (e.g. denominator 0)."""

    code = "statistics-input"
    http_status = 400
    title = N_("Tallene kan ikke brukes i beregningen")


# --- Snapshots ------------------------------------------------------------------------------------
class SnapshotError(OppvekstError):
    code = "snapshot-error"
    title = N_("Feil i datasamlingen")


class NoSnapshot(SnapshotError):
    code = "no-snapshot"
    http_status = 503
    title = N_("Ingen datasamling ennå")


class ValidationFailed(SnapshotError):
    """A freshly built snapshot failed validation; it was not published."""

    code = "validation-failed"
    title = N_("Den nye datasamlingen besto ikke kontrollen")


# --- Figures and reports --------------------------------------------------------------------------
class ChartError(OppvekstError):
    """vl-convert rejected a spec (a bug in our chart code, not the reader's fault)."""

    code = "chart-failed"
    title = N_("Figurene kunne ikke tegnes")

    def __init__(self, detail: str) -> None:
        super().__init__(_("Figurene kunne ikke tegnes."), hint=f"vl-convert: {detail}")


class ChartCrashed(ChartError):
    """The drawing process died twice on one batch (vl-convert aborts on some input); the server
    itself goes on, and the request gets this."""

    code = "chart-crashed"
    title = N_("Figuren kunne ikke tegnes")

    def __init__(self) -> None:
        OppvekstError.__init__(
            self,
            _("Figuren kunne ikke tegnes."),
            hint=_("Prøv igjen om litt. Tallene finnes fortsatt i tabellen og i nedlastingene."),
        )


class ReportError(OppvekstError):
    code = "report-failed"
    title = N_("Rapporten kunne ikke lages")


# --- Settings -------------------------------------------------------------------------------------
class InvalidSettings(OppvekstError):
    """An ``OPPVEKST_*`` environment variable holds a value that cannot be used."""

    code = "settings-invalid"
    title = N_("Ugyldig innstilling")


# --- Requests -------------------------------------------------------------------------------------
class BadRequest(OppvekstError):
    code = "bad-request"
    http_status = 400
    title = N_("Ugyldig forespørsel")


class NotFound(OppvekstError):
    """No page or API resource at this address."""

    code = "not-found"
    http_status = 404
    title = N_("Fant ingenting på denne adressen")


class MethodNotAllowed(OppvekstError):
    """The portal and the API only take GET (and HEAD)."""

    code = "method-not-allowed"
    http_status = 405
    title = N_("Metoden er ikke tillatt")


# The limits (``oppvekst.web.limits``) answer these before a request reaches a route. Their codes
# are Norwegian because they were published that way first.
class BodyTooLarge(OppvekstError):
    code = "innhold-for-stort"
    http_status = 413
    title = N_("Forespørselen er for stor")


class UrlTooLong(OppvekstError):
    code = "adresse-for-lang"
    http_status = 414
    title = N_("Adressen er for lang")


class TooManyRequests(OppvekstError):
    code = "for-mange-foresporsler"
    http_status = 429
    title = N_("For mange forespørsler")
    retry_after = 60


class HeadersTooLarge(OppvekstError):
    code = "hoder-for-store"
    http_status = 431
    title = N_("Hodene i forespørselen er for store")


class Busy(OppvekstError):
    code = "opptatt"
    http_status = 503
    title = N_("Tjenesten er opptatt")
    retry_after = 5


class QueryTooLong(BadRequest):
    """The query string is longer than the API reads (a URL's length is not in the OpenAPI)."""

    code = "query-too-long"
    http_status = 414
    title = N_("Spørringen er for lang")


class Unprocessable(BadRequest):
    """Well-formed (the OpenAPI allows it), but the data cannot answer it: a cursor from another
    query, more regions or cells than one answer holds, a year without data."""

    code = "unprocessable"
    http_status = 422
    title = N_("Forespørselen kan ikke besvares med disse dataene")


# --- Own data uploads (``oppvekst.workspace``) ----------------------------------------------------
class UploadRefused(BadRequest):
    """An uploaded file that cannot be read as a table within the declared limits, or that must not
    be taken at all (person-level data). Nothing of it is kept; the message says what to fix."""

    code = "upload-refused"
    title = N_("Filen kan ikke brukes")


class InvalidMapping(BadRequest):
    """The chosen columns do not say where the area, the period or the figures are."""

    code = "invalid-mapping"
    title = N_("Kolonnene er ikke riktig valgt")


class UnknownTemplate(NotFound):
    code = "unknown-template"
    title = N_("Fant ikke malen")


# --- Accounts and own data (``oppvekst.accounts``) -----------------------------------------------
class SignInFailed(OppvekstError):
    """Wrong e-mail or wrong password: deliberately the same answer for both."""

    code = "sign-in-failed"
    http_status = 401
    title = N_("Feil e-post eller passord.")


class AccountLocked(OppvekstError):
    code = "account-locked"
    http_status = 429
    title = N_("Kontoen er midlertidig låst")


class NotSignedIn(OppvekstError):
    code = "not-signed-in"
    http_status = 401
    title = N_("Du må logge inn")


class Forbidden(OppvekstError):
    """Signed in, but the role or the organisation does not reach this."""

    code = "forbidden"
    http_status = 403
    title = N_("Du har ikke tilgang til dette")


class CsrfRejected(OppvekstError):
    """A form without the token this browser was given: maybe sent from another site."""

    code = "csrf-rejected"
    http_status = 403
    title = N_("Skjemaet kunne ikke sendes")


class InvalidSavedView(OppvekstError):
    code = "invalid-saved-view"
    http_status = 400
    title = N_("Visningen kan ikke lagres")


class SavedViewNotFound(OppvekstError):
    """Also the answer for another person's view: its existence is not revealed."""

    code = "saved-view-not-found"
    http_status = 404
    title = N_("Fant ikke den lagrede visningen")


class UserStoreUnavailable(OppvekstError):
    """The accounts database cannot be reached; the public portal answers on without it."""

    code = "user-store-unavailable"
    http_status = 503
    title = N_("Brukerlageret svarer ikke")
    retry_after = 30


class AccountSetupError(OppvekstError):
    """The admin command could not create an organisation or a user."""

    code = "account-setup"
    http_status = 400
    title = N_("Kontoen eller organisasjonen kunne ikke opprettes")


# --- Own data (the workspace) ---------------------------------------------------------------------
class InvalidOwnMetadata(OppvekstError):
    """The metadata form of an own indicator has wrong or missing fields (``problems``: field →
    what is wrong, for the form)."""

    code = "invalid-own-metadata"
    http_status = 400
    title = N_("Metadataene for indikatoren må rettes")

    def __init__(
        self, message: str = "", *, hint: str = "", problems: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.problems: dict[str, str] = dict(problems or {})


class OwnIndicatorNotFound(OppvekstError):
    """Also the answer for another organisation's indicator: its existence is not revealed."""

    code = "own-indicator-not-found"
    http_status = 404
    title = N_("Fant ikke indikatoren")


class OwnVersionNotFound(OppvekstError):
    code = "own-version-not-found"
    http_status = 404
    title = N_("Fant ikke versjonen")


class DraftNotFound(OppvekstError):
    """The upload waiting for «Bekreft» is gone: too old, already confirmed, or someone else's."""

    code = "draft-not-found"
    http_status = 404
    title = N_("Fant ikke opplastingen")


class InvalidOwnRows(OppvekstError):
    """Rows handed to ``add_version`` that are not in the tidy shape (a bug in the caller, or
    nothing left after validation)."""

    code = "invalid-own-rows"
    http_status = 400
    title = N_("Opplastingen har ingen gyldige rader")


# Errors the HTTP layer itself raises (an unknown path, a POST), by the status it raises them with.
BY_HTTP_STATUS: dict[int, type[OppvekstError]] = {
    error.http_status: error
    for error in (BadRequest, NotFound, MethodNotAllowed, BodyTooLarge, UrlTooLong, HeadersTooLarge)
}


def catalogue() -> Iterator[type[OppvekstError]]:
    """Every entry, the base class first."""
    yield OppvekstError
    todo = list(OppvekstError.__subclasses__())
    while todo:
        entry = todo.pop(0)
        yield entry
        todo.extend(entry.__subclasses__())
