"""Documents on a case (issue 16, part 3): upload, download, archive. The case's access rule decides
who sees a document; every download is audited; nothing is deleted."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cases import documents
from cases.access import get_case_for_user
from cases.models import CaseDocument, DocumentKind
from cases.services import documents as document_services
from met.access import require_case_role
from met.audit import audit
from met.views.editing import apply_service_error


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        allow_empty_file=True,  # the service refuses an empty file with its own message
        error_messages={"required": "Select a file to upload.", "invalid": "Select a file to upload."},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example: Referral form from the school, 3 December.",
        error_messages={"required": "Enter a title for the document."},
    )
    kind = forms.ChoiceField(label="Kind of document", choices=DocumentKind.choices, initial=DocumentKind.OTHER)
    description = forms.CharField(
        label="Description (optional)", required=False, max_length=2000, widget=forms.Textarea
    )


class DocumentArchiveForm(forms.Form):
    reason = forms.CharField(
        label="Why is this document being archived?",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Enter why the document is being archived."},
    )


def get_document_for_user(user, pk: int, *, write: bool = False) -> CaseDocument:
    """A document belongs to its case: the case's rule decides (404 when the case is not visible).
    An archived document is for the coordinator and chairs only."""
    try:
        document = CaseDocument.objects.select_related("uploaded_by", "archived_by").get(pk=pk)
    except CaseDocument.DoesNotExist:
        raise Http404("No such document.") from None
    document.case = get_case_for_user(user, document.case_id, write=write)
    if document.is_archived and not user.sees_all_cases:
        raise Http404("No such document.")
    return document


def _codes(error: ValidationError) -> set:
    errors = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return {e.code for group in errors for e in group}


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                document_services.document_upload(
                    actor=request.user,
                    case=case,
                    file=data["file"],
                    title=data["title"],
                    kind=data["kind"],
                    description=data["description"],
                    request=request,
                )
            except ValidationError as error:
                apply_service_error(form, error)
                if documents.SCANNER_UNAVAILABLE in _codes(error):
                    status = 503
            else:
                messages.success(request, f"“{data['title']}” added to the case.")
                return redirect(case)
        if form.errors and status == 200:
            status = 400
    return render(
        request,
        "cases/document_upload.html",
        {
            "case": case,
            "form": form,
            "max_size": documents._megabytes(documents.max_bytes()),
            "allowed": documents.ALLOWED_DESCRIPTION,
        },
        status=status,
    )


@login_required
@require_safe
def document_download(request, pk: int):
    require_case_role(request.user)
    document = get_document_for_user(request.user, pk)
    try:
        handle = document_services.document_storage().open(document.stored_name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("The file for this document cannot be found. Tell the system administrator.") from None
    audit(
        actor=request.user,
        action="document.download",
        obj=document,
        child_id=document.case.child_id,
        request=request,
        detail={"case": document.case_id, "title": document.title},
    )
    name = documents.download_name(
        document.title, document.original_name, documents.extension_for(document.content_type)
    )
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_archive(request, pk: int):
    require_case_role(request.user)
    document = get_document_for_user(request.user, pk)
    if not document_services.may_archive(request.user, document):
        raise PermissionDenied("Only the person who uploaded this document, or the MET coordinator, can archive it.")
    if document.is_archived:
        messages.info(request, "This document is already archived.")
        return redirect(document.case)
    form = DocumentArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_services.document_archive(
                actor=request.user, document=document, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"“{document.title}” archived. It is kept and the coordinator can still open it.")
            return redirect(document.case)
    return render(
        request,
        "cases/document_archive.html",
        {"case": document.case, "document": document, "form": form},
        status=400 if form.errors else 200,
    )
