"""Missing episode pages and the overdue return home interviews list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from cases import services
from cases.access import (
    get_case_for_user,
    get_episode_for_user,
    restrict_to_visible,
)
from cases.forms import (
    MissingEpisodeEditForm,
    MissingEpisodeForm,
)
from cases.missing import episode_rhi_state, overdue_rhi_filter
from cases.models import MissingEpisode
from cases.views._shared import PAGE_SIZE, _audit_view
from met.access import require_case_role
from met.audit import audit_list_page
from met.models import User
from met.pagination import CountKeptPaginator, count_key
from met.views.editing import apply_service_error, versioned_edit


@login_required
@require_http_methods(["GET", "POST"])
def episode_create(request, pk: int):
    require_case_role(request.user)
    case = get_case_for_user(request.user, pk, write=True)
    form = MissingEpisodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.missing_episode_record(actor=request.user, case=case, request=request, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            case.refresh_from_db(fields=["is_frequent_missing"])
            note = " The child is now flagged as frequently missing." if case.is_frequent_missing else ""
            messages.success(request, "Missing episode recorded." + note)
            return redirect(case)
    return render(
        request,
        "cases/episode_form.html",
        {"case": case, "form": form, "creating": True},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode_edit(request, pk: int):
    require_case_role(request.user)
    episode = get_episode_for_user(request.user, pk, write=True)
    if request.method == "GET":
        _audit_view(request, episode.case, "episode_edit")
    return versioned_edit(
        request,
        form_class=MissingEpisodeEditForm,
        instance=episode,
        save=lambda form: services.missing_episode_update(
            actor=request.user, episode=episode, request=request, **form.version_kwargs(), **form.model_data()
        ),
        template="cases/episode_form.html",
        context={"case": episode.case, "episode": episode},
        success_message="Missing episode updated.",
        success_url=episode.case,
    )


# Of each overdue interview only what the list shows and the RHI state reads: the full rows of episode,
# case, child and lead professional are some seventy columns to read and build (issue 14). A field shown
# later must be added here, or each row reads it alone (tests/cases/test_query_counts.py).
RHI_OVERDUE_FIELDS = (
    *("id", "case", "kind", "returned_at", "rhi_completed_at", "rhi_declined"),
    *("case__child", "case__lead_professional", "case__child__first_name", "case__child__last_name"),
    *(f"case__lead_professional__{name}" for name in User.DISPLAY_NAME_FIELDS),
)


@login_required
@require_safe
def rhi_overdue_list(request):
    require_case_role(request.user)
    now = timezone.now()
    episodes = (
        restrict_to_visible(MissingEpisode.objects.filter(overdue_rhi_filter(now=now)), request.user, case_field="case")
        .select_related("case__child", "case__lead_professional")
        .only(*RHI_OVERDUE_FIELDS)
        .order_by("returned_at")
    )
    # Over ten thousand overdue interviews across a region: counting them is most of the page's time.
    paginator = CountKeptPaginator(episodes, PAGE_SIZE, key=count_key(request.user, "rhi_overdue", request.GET))
    page = paginator.get_page(request.GET.get("page"))
    for episode in page.object_list:
        episode.rhi = episode_rhi_state(episode, now=now)
    audit_list_page(
        actor=request.user,
        kind="rhi_overdue",
        child_ids=[e.case.child_id for e in page.object_list],
        request=request,
    )
    return render(request, "cases/rhi_overdue.html", {"page": page})
