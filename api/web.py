"""The API tokens page under Your account: create (the key is shown once) and revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from api import services
from api.forms import TokenForm
from api.models import ApiToken
from met.views.editing import apply_service_error


def _page(request, form: TokenForm, *, new_key: str | None = None, status: int = 200):
    tokens = ApiToken.objects.filter(user=request.user)
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "active": [t for t in tokens if t.is_active],
            "revoked": [t for t in tokens if not t.is_active],
            "max_tokens": services.MAX_ACTIVE_TOKENS,
        },
        status=status,
    )
    if new_key:
        # The key is in this page only: keep it out of caches and the browser's back/forward history.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, key = services.token_create(user=request.user, name=form.cleaned_data["name"], request=request)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            # Rendered, not redirected: the key must not travel through the session or a message.
            return _page(request, TokenForm(), new_key=key)
    return _page(request, form, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404("No such token.")
    services.token_revoke(actor=request.user, token=token, request=request)
    messages.success(request, f"Token “{token.name}” revoked. Anything still using it will be refused.")
    return redirect("api_tokens")
