"""Writes for documents on a case (issue 16, part 3): upload and archive. Nothing here deletes a document."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cases import documents
from cases.models import Case, CaseDocument, CaseStatus, DocumentKind
from cases.services.permissions import _child_audit
from met.models import User


def document_storage():
    return storages["documents"]


def _sha256(file) -> str:
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(documents.CHUNK), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def document_upload(
    *,
    actor: User,
    case: Case,
    file,
    title: str,
    kind: str = DocumentKind.OTHER,
    description: str = "",
    request: HttpRequest | None = None,
) -> CaseDocument:
    """Check the file (size, type by content, virus scan), store it under a random name, record it.
    `file` is a Django UploadedFile (or any File with a size and a name)."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Enter a title for the document."})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "Choose what kind of document this is."})
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is closed: reopen it before adding documents.")
    original_name = (getattr(file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    try:
        documents.check_size(file.size)
        file_type = documents.check_type(file, original_name)
        documents.scan_for_viruses(file)
    except ValidationError as error:
        raise ValidationError({"file": [error]}) from None
    digest = _sha256(file)
    storage = document_storage()
    stored_name = storage.save(f"{secrets.token_hex(16)}.{file_type.extension}", file)
    try:
        with transaction.atomic():
            document = CaseDocument.objects.create(
                case=case,
                title=title[:200],
                kind=kind,
                description=(description or "").strip(),
                original_name=original_name,
                stored_name=stored_name,
                content_type=file_type.content_type,
                size=file.size,
                sha256=digest,
                uploaded_by=actor,
            )
            _child_audit(
                actor,
                "document.upload",
                document,
                case,
                request,
                {"title": document.title, "type": file_type.content_type, "size": file.size, "sha256": digest},
            )
    except BaseException:
        # No record was written, so the bytes belong to nothing: remove them rather than leave an orphan.
        storage.delete(stored_name)
        raise
    return document


def may_archive(user: User, document: CaseDocument) -> bool:
    return user.sees_all_cases or document.uploaded_by_id == user.pk


@transaction.atomic
def document_archive(
    *, actor: User, document: CaseDocument, reason: str, request: HttpRequest | None = None
) -> CaseDocument:
    """Hide a document from the case's list; the file and its record stay (DESIGN §8)."""
    if not may_archive(actor, document):
        raise PermissionDenied("Only the person who uploaded this document, or the MET coordinator, can archive it.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the document is being archived."})
    document = CaseDocument.objects.select_for_update().get(pk=document.pk)
    if document.archived_at is not None:
        raise ValidationError("This document is already archived.")
    document.archived_at = timezone.now()
    document.archived_by = actor
    document.archive_reason = reason
    document.save(update_fields=["archived_at", "archived_by", "archive_reason"])
    _child_audit(actor, "document.archive", document, document.case, request, {"reason": reason})
    return document
