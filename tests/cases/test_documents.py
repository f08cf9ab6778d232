"""Documents on a case (issue 16, part 3): cases/documents.py's rules on type, size and the virus
scanner, and the upload, download and archive pages."""

import io
import socket
import struct
import threading
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import documents
from cases.models import CaseDocument
from cases.services import documents as document_services
from met.models import AuditEvent
from tests.cases import COORDINATOR, HEALTH, POLICE, POLICE_ADMIN, SCHOOL, make_case, text, user

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"
)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_BYTES = _zip(
    {
        "[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" ContentType="'
        + documents.DOCX_MAIN
        + b'"/></Types>',
        "word/document.xml": b"<w:document/>",
    }
)
ODT_BYTES = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document/>"})


@pytest.fixture(autouse=True)
def document_storage(settings, tmp_path):
    """Each test's files in a folder of its own, with no virus scanner unless the test sets one."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    return tmp_path


def _upload(client, case, data: bytes, name: str = "referral.pdf", title: str = "Referral form"):
    return client.post(
        reverse("document_upload", args=[case.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf"), "title": title, "kind": "referral"},
    )


def _stored(case, actor_email=POLICE, data=PDF_BYTES, title="Referral form") -> CaseDocument:
    return document_services.document_upload(
        actor=user(actor_email),
        case=case,
        file=SimpleUploadedFile("referral.pdf", data),
        title=title,
        kind="referral",
    )


# --- the rule module ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF_BYTES, documents.PDF),
        (PNG_BYTES, documents.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 20, documents.JPEG),
        (b"GIF89a" + b"\x00" * 20, documents.GIF),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20, documents.WEBP),
        (DOCX_BYTES, documents.DOCX),
        (ODT_BYTES, documents.ODT),
        (documents.OLE_MAGIC + b"\x00" * 100 + documents.WORD_STREAM + b"\x00" * 20, documents.DOC),
    ],
)
def test_it_knows_each_allowed_type_by_its_content(data, expected):
    assert documents.detect_type(io.BytesIO(data)) == expected


@pytest.mark.parametrize(
    "data",
    [
        EXE_BYTES,  # a Windows executable
        b"\x7fELF\x02\x01\x01" + b"\x00" * 50,  # a Linux executable
        b"<html><script>alert(1)</script></html>",
        _zip({"evil.exe": EXE_BYTES}),  # a ZIP that is not a document
        _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        b"PK\x03\x04 not really a zip",
        documents.OLE_MAGIC + b"\x00" * 100,  # an OLE file without a Word stream: an .msi, say
    ],
)
def test_it_refuses_any_other_content_whatever_its_name(data):
    assert documents.detect_type(io.BytesIO(data)) is None


def test_it_refuses_empty_and_oversize_files_by_size(settings):
    settings.MET_DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(documents.ValidationError, match="empty"):
        documents.check_size(0)
    with pytest.raises(documents.ValidationError, match="smaller than"):
        documents.check_size(1025)
    documents.check_size(1024)


def test_it_offers_downloads_under_a_safe_name_with_the_extension_of_the_content():
    assert documents.download_name('../../etc/"pass"\r\nwd', "x.exe", "pdf") == "etc_pass_wd.pdf"
    assert documents.download_name("", "C:\\Users\\me\\Référral form.docx", "docx") == "Referral form.docx"
    assert documents.download_name("###", "", "png") == "document.png"


class FakeClamd:
    """clamd's INSTREAM protocol on a local TCP port: FOUND when the stream holds the EICAR marker."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, connection, n):
        data = b""
        while len(data) < n:
            part = connection.recv(n - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def _serve(self):
        connection, _ = self.server.accept()
        with connection:
            assert self._read(connection, 10) == b"zINSTREAM\0"
            while True:
                (size,) = struct.unpack("!L", self._read(connection, 4))
                if size == 0:
                    break
                self.received += self._read(connection, size)
            found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in self.received
            connection.sendall(b"stream: Eicar-Signature FOUND\0" if found else b"stream: OK\0")

    def close(self):
        self.thread.join(timeout=5)
        self.server.close()


EICAR_PDF = PDF_BYTES + b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def test_it_streams_the_file_to_clamd_and_passes_a_clean_one(settings):
    clamd = FakeClamd()
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", clamd.port
    documents.scan_for_viruses(io.BytesIO(PDF_BYTES * 3000))  # several chunks
    clamd.close()
    assert clamd.received == PDF_BYTES * 3000


@pytest.mark.django_db
def test_it_refuses_an_infected_upload_and_stores_nothing(demo_data, login, settings, document_storage):
    clamd = FakeClamd()
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", clamd.port
    case = make_case(agencies=("Police",))
    response = _upload(login(user(POLICE)), case, EICAR_PDF)
    clamd.close()
    assert response.status_code == 400
    assert "virus scanner found something harmful" in text(response)
    assert not CaseDocument.objects.exists()
    assert list(document_storage.iterdir()) == []


@pytest.mark.django_db
def test_it_refuses_uploads_when_clamd_is_configured_but_unreachable(demo_data, login, settings):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", port
    case = make_case(agencies=("Police",))
    response = _upload(login(user(POLICE)), case, PDF_BYTES)
    assert response.status_code == 503
    assert "could not check the selected file" in text(response)
    assert not CaseDocument.objects.exists()


# --- upload -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_stores_an_upload_under_a_random_name_with_its_facts(demo_data, login, document_storage):
    case = make_case(agencies=("Police", "Health"))
    response = _upload(login(user(POLICE)), case, DOCX_BYTES, name="Strategy meeting notes.docx", title="Notes")
    assert response.status_code == 302
    document = CaseDocument.objects.get()
    assert document.original_name == "Strategy meeting notes.docx"
    assert "Strategy" not in document.stored_name and document.stored_name.endswith(".docx")
    assert document.content_type == documents.DOCX.content_type
    assert document.size == len(DOCX_BYTES)
    assert (document_storage / document.stored_name).read_bytes() == DOCX_BYTES
    assert len(document.sha256) == 64 and document.uploaded_by == user(POLICE)
    assert AuditEvent.objects.filter(action="document.upload", child_id=case.child_id).count() == 1


@pytest.mark.django_db
def test_it_refuses_an_executable_renamed_pdf_with_a_clear_message(demo_data, login, document_storage):
    case = make_case(agencies=("Police",))
    response = _upload(login(user(POLICE)), case, EXE_BYTES, name="referral.pdf")
    assert response.status_code == 400
    page = text(response)
    assert "must be a PDF, an image" in page and "whatever its name says" in page
    assert not CaseDocument.objects.exists()
    assert list(document_storage.iterdir()) == []


@pytest.mark.django_db
def test_it_refuses_an_empty_file(demo_data, login):
    case = make_case(agencies=("Police",))
    response = _upload(login(user(POLICE)), case, b"")
    assert response.status_code == 400
    assert "The selected file is empty" in text(response)
    assert not CaseDocument.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_oversize_file(demo_data, login, settings):
    settings.MET_DOCUMENT_MAX_BYTES = 1024 * 1024
    case = make_case(agencies=("Police",))
    response = _upload(login(user(POLICE)), case, PDF_BYTES + b"0" * (1024 * 1024))
    assert response.status_code == 400
    assert "must be smaller than 1 MB" in text(response)
    assert not CaseDocument.objects.exists()


@pytest.mark.django_db
def test_it_asks_for_a_file_and_a_title(demo_data, login):
    case = make_case(agencies=("Police",))
    response = login(user(POLICE)).post(reverse("document_upload", args=[case.pk]), {"kind": "other"})
    assert response.status_code == 400
    assert "Select a file to upload" in text(response) and "Enter a title for the document" in text(response)


@pytest.mark.django_db
def test_it_lets_only_those_who_may_change_the_case_upload(demo_data, login):
    case = make_case(agencies=("Police",))
    url = reverse("document_upload", args=[case.pk])
    assert login(user(POLICE)).get(url).status_code == 200
    assert login(user(SCHOOL)).get(url).status_code == 404
    assert _upload(login(user(SCHOOL)), case, PDF_BYTES).status_code == 404
    assert login(user(POLICE_ADMIN)).get(url).status_code == 403
    assert not CaseDocument.objects.exists()


# --- download -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lets_a_colleague_from_another_involved_agency_download_and_audits_it(demo_data, login):
    case = make_case(agencies=("Police", "Health"))
    document = _stored(case, title='Referral "form" from school')
    response = login(user(HEALTH)).get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Referral _form_ from school.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="document.download")
    assert event.child_id == case.child_id and event.actor == user(HEALTH) and event.object_id == str(document.pk)


@pytest.mark.django_db
def test_it_hides_a_document_from_an_uninvolved_practitioner(demo_data, login):
    case = make_case(agencies=("Police", "Health"))
    document = _stored(case)
    assert login(user(SCHOOL)).get(reverse("document_download", args=[document.pk])).status_code == 404
    assert login(user(POLICE_ADMIN)).get(reverse("document_download", args=[document.pk])).status_code == 403
    assert login(user(SCHOOL)).get(reverse("document_download", args=[987654])).status_code == 404
    assert not AuditEvent.objects.filter(action="document.download").exists()


# --- the list on the case page and archiving ----------------------------------------------------------


@pytest.mark.django_db
def test_it_archives_but_never_deletes(demo_data, login, document_storage):
    case = make_case(agencies=("Police", "Health"))
    document = _stored(case, title="Wrong child's form")
    health, police, coordinator = login(user(HEALTH)), login(user(POLICE)), login(user(COORDINATOR))
    archive = reverse("document_archive", args=[document.pk])
    assert health.get(archive).status_code == 403  # neither the uploader nor the coordinator
    assert login(user(SCHOOL)).get(archive).status_code == 404
    assert "Nothing is deleted" in text(police.get(archive))
    refused = police.post(archive, {"reason": ""})
    assert refused.status_code == 400 and "Enter why the document is being archived" in text(refused)
    assert police.post(archive, {"reason": "Uploaded to the wrong case"}).status_code == 302

    document.refresh_from_db()
    assert document.archived_at and document.archived_by == user(POLICE)
    assert document.archive_reason == "Uploaded to the wrong case"
    assert (document_storage / document.stored_name).exists()
    assert AuditEvent.objects.filter(action="document.archive", child_id=case.child_id).count() == 1
    case_url = reverse("case_detail", args=[case.pk])
    assert "Wrong child" not in text(health.get(case_url))
    assert health.get(reverse("document_download", args=[document.pk])).status_code == 404
    page = text(coordinator.get(case_url))
    assert "Archived documents (1)" in page and "Uploaded to the wrong case" in page
    assert coordinator.get(reverse("document_download", args=[document.pk])).status_code == 200


@pytest.mark.django_db
def test_it_lists_documents_on_the_case_page_in_a_constant_number_of_queries(demo_data, login):
    case = make_case(agencies=("Police", "Health"))
    client = login(user(HEALTH))
    url = reverse("case_detail", args=[case.pk])

    def measure():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries.captured_queries), response

    for n in range(3):
        _stored(case, title=f"Few {n}")
    few, _ = measure()
    for n in range(17):
        _stored(case, title=f"Many {n}", actor_email=HEALTH if n % 2 else POLICE)
    many, response = measure()
    assert many == few, f"{few} queries for 3 documents, {many} for 20"
    assert text(response).count("(download)") == 20


def test_it_keeps_documents_out_of_the_public_static_files_by_default():
    from pathlib import Path

    from met import settings as configured

    options = configured.STORAGES["documents"]["OPTIONS"]
    location = Path(options["location"]).resolve()
    assert options["base_url"] is None  # no URL that could bypass the download view
    for public in (configured.STATIC_ROOT, *configured.STATICFILES_DIRS):
        assert not location.is_relative_to(Path(public).resolve())
    assert location == (configured.VAR_DIR / "documents").resolve()
