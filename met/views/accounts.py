"""Signing in, two-factor authentication and the user's own account page."""

import base64
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from met import services
from met.forms import LoginForm, TokenForm
from met.middleware import two_factor_required
from met.models import Notification
from met.notifications import mark_read


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    if request.user.is_verified():
        messages.info(request, "Two-factor authentication is already set up for this session.")
        return redirect(_next_url(request))
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        # Replacing an enrolled authenticator needs the old one, or an admin's reset.
        return redirect(f"{reverse('2fa_verify')}?{urlencode({'next': _next_url(request)})}")
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.totp_device_confirm(user=request.user, device=device, request=request)
            otp_login(request, device)
            messages.success(
                request, "Two-factor authentication is set up. You will need your app each time you sign in."
            )
            return redirect(_next_url(request))
        form.add_error(
            "token", "That code did not match. Check the time on your phone is right and try the newest code."
        )
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#0b0c0c", title="QR code for your authenticator app"
    )
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "account/2fa_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": " ".join(secret_b32[i : i + 4] for i in range(0, len(secret_b32), 4)),
            "next": _next_url(request),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"{reverse('2fa_setup')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "token", "That code did not match. Try the newest code from your app; repeated wrong codes are slowed down."
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "account/2fa_verify.html", {"form": form, "next": _next_url(request)}, status=status)


@login_required
def account(request):
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    return render(
        request,
        "account/account.html",
        {"has_device": has_device, "two_factor_required": two_factor_required(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """Your notifications, newest first. Opening the page marks them read; nothing is deleted."""
    items = Notification.objects.filter(recipient=request.user)
    if request.method == "POST":
        mark_read(user=request.user, request=request)
        messages.success(request, "All notifications marked as read.")
        return redirect("notifications")
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    unread_ids = {n.pk for n in page.object_list if n.read_at is None}
    return render(request, "account/notifications.html", {"page": page, "unread_ids": unread_ids})
