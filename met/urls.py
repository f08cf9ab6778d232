from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from met import forms as met_forms
from met.views import accounts, errors, health, home
from met.views import admin as admin_views

# Django admin stays for emergencies; everyday account work happens in the app.
admin.site.site_header = "MET Hub administration"

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(template_name="registration/logged_out.html"), name="logout"),
    path("account/", accounts.account, name="account"),
    path("account/api-tokens/", include("api.account_urls")),
    path("account/2fa/setup/", accounts.two_factor_setup, name="2fa_setup"),
    path("account/2fa/verify/", accounts.two_factor_verify, name="2fa_verify"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="account/password_change.html",
            success_url="/account/password/done/",
            form_class=met_forms.PasswordChangeForm,
        ),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="account/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="account/password_reset.html",
            form_class=met_forms.PasswordResetForm,
            email_template_name="account/email/password_reset.txt",
            subject_template_name="account/email/password_reset_subject.txt",
            success_url="/password-reset/sent/",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="account/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="account/password_set.html",
            success_url="/password-reset/complete/",
            form_class=met_forms.SetPasswordForm,
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="account/password_set_done.html"),
        name="password_reset_complete",
    ),
    path("manage/accounts/", admin_views.user_list, name="user_list"),
    path("manage/accounts/new/", admin_views.user_create, name="user_create"),
    path("manage/accounts/<int:pk>/", admin_views.user_detail, name="user_detail"),
    path("manage/accounts/<int:pk>/edit/", admin_views.user_edit, name="user_edit"),
    path("manage/accounts/<int:pk>/deactivate/", admin_views.user_deactivate, name="user_deactivate"),
    path("manage/accounts/<int:pk>/reactivate/", admin_views.user_reactivate, name="user_reactivate"),
    path("manage/accounts/<int:pk>/reset-2fa/", admin_views.user_reset_2fa, name="user_reset_2fa"),
    path("manage/accounts/<int:pk>/invite/", admin_views.user_resend_invitation, name="user_resend_invitation"),
    path("manage/agencies/", admin_views.agency_list, name="agency_list"),
    path("manage/agencies/new/", admin_views.agency_create, name="agency_create"),
    path("manage/agencies/<int:pk>/", admin_views.agency_detail, name="agency_detail"),
    path("manage/agencies/<int:pk>/edit/", admin_views.agency_edit, name="agency_edit"),
    path("manage/non-working-days/", admin_views.non_working_days, name="non_working_days"),
    path("manage/areas/", admin_views.area_list, name="area_list"),
    path("manage/areas/new/", admin_views.area_create, name="area_create"),
    path("manage/areas/<int:pk>/", admin_views.area_detail, name="area_detail"),
    path("manage/areas/<int:pk>/edit/", admin_views.area_edit, name="area_edit"),
    path("notifications/", accounts.notifications, name="notifications"),
    path("", include("cases.urls")),
    path("", include("riskassessment.urls")),
    path("", include("meetings.urls")),
    path("", include("quality.urls")),
    path("", include("reporting.urls")),
    path("api/", include("api.urls")),
    path("django-admin/", admin.site.urls),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
