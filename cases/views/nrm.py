"""Recording a case's National Referral Mechanism referral and its decisions (issue 16, part 2)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases import nrm
from cases.access import get_case_for_user
from cases.forms import NrmReferralEditForm, NrmReferralForm
from cases.models import NrmReferral
from cases.services.nrm import nrm_referral_record, nrm_referral_update
from cases.views._shared import _audit_view
from met.access import require_case_role
from met.views.editing import apply_service_error, versioned_edit

TEMPLATE = "cases/nrm_form.html"


@login_required
@require_http_methods(["GET", "POST"])
def nrm_referral_edit(request, pk: int):
    """Record the referral (the first time) or change it and add its decisions (after)."""
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    referral = NrmReferral.objects.filter(case=case).first()
    if request.method == "GET":
        _audit_view(request, case, "nrm_referral")
    context = {"case": case, "referral": referral, "applies": nrm.applies_to(case)}
    if referral is not None:
        return versioned_edit(
            request,
            form_class=NrmReferralEditForm,
            instance=referral,
            save=lambda form: nrm_referral_update(
                actor=request.user, referral=referral, request=request, **form.version_kwargs(), **form.model_data()
            ),
            template=TEMPLATE,
            context=context,
            success_message="NRM referral updated.",
            success_url=case,
        )
    form = NrmReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nrm_referral_record(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "NRM referral recorded.")
            return redirect(case)
    return render(request, TEMPLATE, {**context, "form": form}, status=400 if form.errors else 200)
