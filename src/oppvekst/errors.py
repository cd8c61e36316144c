"""The typed error catalogue.

Every failure a person can meet has a class here with a stable ``code`` and a message that says what
to do. The web layer turns them into problem+json (API) or an error page (portal); the CLI prints the
message. Codes are part of the public contract: never reuse or rename one.
"""

from __future__ import annotations


class OppvekstError(Exception):
    """Base class. ``code`` is stable; ``hint`` says what the reader can do about it."""

    code = "error"
    http_status = 500

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


# --- Source and network -------------------------------------------------------------------------
class SourceError(OppvekstError):
    """A source could not deliver usable data."""

    code = "source-error"
    http_status = 502


class SourceUnavailable(SourceError):
    code = "source-unavailable"


class RateLimited(SourceError):
    code = "rate-limited"


class BadQuery(SourceError):
    """The source rejected our query (HTTP 400/404): a bug in a catalogue record or a removed table."""

    code = "bad-query"


class QueryTooLarge(SourceError):
    code = "query-too-large"


class MalformedResponse(SourceError):
    """The response could not be decoded (truncated JSON, wrong sizes, unknown shape)."""

    code = "malformed-response"


class NotInMirror(SourceError):
    """Offline run: the mirror holds no recorded response for this request."""

    code = "not-in-mirror"


# --- Regions --------------------------------------------------------------------------------------
class UnknownRegion(OppvekstError):
    code = "unknown-region"
    http_status = 404


# --- Catalogue ----------------------------------------------------------------------------------
class CatalogError(OppvekstError):
    code = "catalog-invalid"


class UnknownIndicator(OppvekstError):
    code = "unknown-indicator"
    http_status = 404


class UnknownPackage(OppvekstError):
    code = "unknown-package"
    http_status = 404


# --- Statistics -----------------------------------------------------------------------------------
class StatisticsInputError(OppvekstError, ValueError):
    """Inputs a statistical method cannot accept (e.g. denominator 0)."""

    code = "statistics-input"
    http_status = 400


# --- Snapshots ------------------------------------------------------------------------------------
class SnapshotError(OppvekstError):
    code = "snapshot-error"


class NoSnapshot(SnapshotError):
    code = "no-snapshot"
    http_status = 503


class ValidationFailed(SnapshotError):
    """A freshly built snapshot failed validation; it was not published."""

    code = "validation-failed"


# --- Requests -------------------------------------------------------------------------------------
class BadRequest(OppvekstError):
    code = "bad-request"
    http_status = 400


class TooManyRequests(OppvekstError):
    code = "too-many-requests"
    http_status = 429


class QueryTooLong(BadRequest):
    """The query string is longer than the API reads (a URL's length is not in the OpenAPI)."""

    code = "query-too-long"
    http_status = 414


class Unprocessable(BadRequest):
    """Well-formed (the OpenAPI allows it), but the data cannot answer it: a cursor from another
    query, more regions or cells than one answer holds, a year without data."""

    code = "unprocessable"
    http_status = 422
