"""An XLSX upload's ZIP directory, checked before any part of it is decompressed.

The directory states each part's compressed and uncompressed size. ``zipfile`` bounds a deflated
part's output by its declared size while reading, so refusing on the declared sizes (the total, and
each large part's compression ratio) refuses a zip bomb before it inflates. Other compression
methods (bzip2, lzma) ``zipfile`` decompresses without that bound; Excel never uses them.
"""

from __future__ import annotations

import io
import zipfile

from oppvekst.errors import UploadRefused
from oppvekst.glossary import N_
from oppvekst.language import _, format_number

MB = 1024 * 1024
# Parts smaller than this are not held to the compression ratio: a tiny part of a workbook can be
# very compressible, and the total uncompressed size bounds what it could cost anyway.
RATIO_FLOOR_BYTES = 1 * MB
MAX_ZIP_ENTRIES = 2000
TEXT_FORMATS = N_(
    "Lagre filen som CSV (semikolon eller komma) eller som Excel-arbeidsbok (.xlsx)."
)  # translated at use


def size_text(count: int) -> str:
    """Bytes as megabytes in the reader's language: «10,0 MB», "10.0 MB"."""
    return f"{format_number(count / MB, 1)} MB"


def check_zip(data: bytes, max_total: int, max_ratio: int) -> None:
    """Refuse a workbook from its ZIP directory alone, before any part is decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(
            _("Filen er en skadet ZIP- eller Excel-fil."), hint=_(TEXT_FORMATS)
        ) from None
    with archive:
        entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadRefused(
            _("Arbeidsboken har {count} deler; så mange har ikke et vanlig regneark.").format(
                count=len(entries)
            ),
            hint=_(TEXT_FORMATS),
        )
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise UploadRefused(
            _("Filen er en ZIP-fil, men ikke en Excel-arbeidsbok."), hint=_(TEXT_FORMATS)
        )
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UploadRefused(
                _("Arbeidsboken er kryptert."), hint=_("Fjern passordet og prøv igjen.")
            )
        # zipfile bounds a deflated part's output by its declared size while reading; other
        # methods (bzip2, lzma) it decompresses without that bound, and Excel never uses them.
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadRefused(
                _("Arbeidsboken er pakket på en måte Excel ikke bruker."), hint=_(TEXT_FORMATS)
            )
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR_BYTES and ratio > max_ratio:
            raise UploadRefused(
                _(
                    "En del av arbeidsboken («{part}») pakkes ut til {ratio} ganger "
                    "sin størrelse; det gjør ikke et vanlig regneark."
                ).format(part=entry.filename, ratio=f"{ratio:.0f}"),
                hint=_("Lagre tallene som CSV og last opp den filen."),
            )
    if total > max_total:
        raise UploadRefused(
            _("Arbeidsboken blir {size} utpakket; grensen er {limit}.").format(
                size=size_text(total), limit=size_text(max_total)
            ),
            hint=_(
                "Fjern ark, bilder og formatering som ikke trengs, eller lagre tallene som CSV."
            ),
        )
