"""Which files a case may hold (issue 16, part 3): the type read from the bytes, not the name; the
size limits; the virus scan; the name a download is offered under.

A file's name and the browser's Content-Type are whatever the uploader's computer says: an
executable renamed "referral.pdf" is still an executable. So the type is decided here from the
file's first bytes (and, for Word and OpenDocument files, which are ZIP archives, from the entry
inside that says what the archive is), and only the types listed below are kept.
"""

import re
import socket
import struct
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", "pdf", "PDF")
PNG = FileType("image/png", "png", "PNG image")
JPEG = FileType("image/jpeg", "jpg", "JPEG image")
GIF = FileType("image/gif", "gif", "GIF image")
WEBP = FileType("image/webp", "webp", "WebP image")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word document")
DOC = FileType("application/msword", "doc", "Word 97-2003 document")
ODT = FileType("application/vnd.oasis.opendocument.text", "odt", "OpenDocument text")
ALLOWED = (PDF, PNG, JPEG, GIF, WEBP, DOCX, DOC, ODT)
ALLOWED_DESCRIPTION = "a PDF, an image (PNG, JPEG, GIF or WebP) or a Word or OpenDocument text document"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An OLE compound file is also the container of .xls, .msi installers and more: a Word 97-2003
# document is the one with a "WordDocument" stream, named in UTF-16 in the file's directory.
WORD_STREAM = "WordDocument".encode("utf-16-le")
# The entries read from inside a ZIP are small; a larger one is not what it claims to be.
ZIP_ENTRY_LIMIT = 64 * 1024
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
HEAD_BYTES = 16


def max_bytes() -> int:
    return settings.MET_DOCUMENT_MAX_BYTES


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def check_size(size: int) -> None:
    if size <= 0:
        raise ValidationError("The selected file is empty. Choose the file again.", code="empty")
    if size > max_bytes():
        raise ValidationError(
            f"The selected file must be smaller than {_megabytes(max_bytes())} (it is {_megabytes(size)}).",
            code="too_large",
        )


def detect_type(file) -> FileType | None:
    """The file's type from its content, or None when it is not one the case may hold. `file` is a
    seekable binary file; it is left at its start."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith((b"GIF87a", b"GIF89a")):
            return GIF
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return WEBP
        if head.startswith(b"PK\x03\x04"):
            return _zip_document_type(file)
        if head.startswith(OLE_MAGIC):
            return DOC if WORD_STREAM in file.read() else None
        return None
    finally:
        file.seek(0)


def _zip_document_type(file) -> FileType | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = {info.filename: info for info in archive.infolist()}
            mimetype = names.get("mimetype")
            if mimetype is not None and mimetype.file_size <= ZIP_ENTRY_LIMIT:
                if archive.read(mimetype).strip() == ODT.content_type.encode():
                    return ODT
                return None
            types = names.get("[Content_Types].xml")
            if types is not None and types.file_size <= ZIP_ENTRY_LIMIT and DOCX_MAIN in archive.read(types):
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        return None
    return None


def check_type(file, name: str = "") -> FileType:
    found = detect_type(file)
    if found is None:
        named = f" “{name}”" if name else ""
        raise ValidationError(
            f"The selected file{named} must be {ALLOWED_DESCRIPTION}. Its content is not one of these, "
            "whatever its name says.",
            code="type",
        )
    return found


# --- the virus scanner ------------------------------------------------------------------------------
# clamd's INSTREAM command (clamd(8)): "zINSTREAM\0", then the file in chunks each prefixed by its
# length as a 4-byte big-endian integer, then a zero length; clamd answers "stream: OK",
# "stream: <name> FOUND" or "... ERROR", ending with \0 in the z- form.

CHUNK = 64 * 1024
SCANNER_UNAVAILABLE = "scanner_unavailable"


def scanner_configured() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _clamd_connection() -> socket.socket:
    if settings.CLAMD_SOCKET:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(settings.CLAMD_TIMEOUT)
        connection.connect(settings.CLAMD_SOCKET)
        return connection
    return socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=settings.CLAMD_TIMEOUT)


def clamd_instream(chunks: Iterable[bytes]) -> str:
    """clamd's verdict on the bytes, e.g. "stream: OK". Raises OSError when clamd cannot be reached."""
    with _clamd_connection() as connection:
        connection.sendall(b"zINSTREAM\0")
        for chunk in chunks:
            if chunk:
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
        connection.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            part = connection.recv(4096)
            if not part:
                break
            reply += part
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan_for_viruses(file) -> None:
    """Refuse the file when clamd finds something in it, or when clamd is configured but cannot give
    a verdict (the upload is refused, never stored unscanned). Does nothing when no scanner is set."""
    if not scanner_configured():
        return
    file.seek(0)
    try:
        verdict = clamd_instream(iter(lambda: file.read(CHUNK), b""))
    except OSError:
        verdict = ""
    finally:
        file.seek(0)
    if verdict.endswith("FOUND"):
        raise ValidationError(
            "The virus scanner found something harmful in the selected file, so it was not stored. "
            "Do not open the original; tell your IT service desk.",
            code="infected",
        )
    if not verdict.endswith("OK"):
        raise ValidationError(
            "The virus scanner could not check the selected file, so it was not stored. Try again in a few "
            "minutes; if it keeps happening, tell the system administrator.",
            code=SCANNER_UNAVAILABLE,
        )


# --- the name a download is offered under -------------------------------------------------------------


def download_name(title: str, original_name: str, file_type_extension: str) -> str:
    """A plain ASCII file name from the document's title (or its original name), always ending in the
    extension of the type its content was found to be: no path, no quotes, no control characters."""
    stem = title or original_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", stem).strip(" ._-")[:80] or "document"
    return f"{stem}.{file_type_extension}"


def extension_for(content_type: str) -> str:
    return next((t.extension for t in ALLOWED if t.content_type == content_type), "bin")
