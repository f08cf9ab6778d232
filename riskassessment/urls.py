from django.urls import path

from riskassessment import views

urlpatterns = [
    path("cases/<int:pk>/assessments/new/", views.assessment_start, name="assessment_start"),
    path("cases/<int:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/score/", views.assessment_score, name="assessment_score"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/confirm/", views.assessment_confirm, name="assessment_confirm"),
    path("assessments/<int:pk>/pdf/", views.assessment_pdf, name="assessment_pdf"),
    path("referrals/<int:pk>/outcome/", views.referral_outcome, name="referral_outcome"),
    path("reviews/due/", views.reviews_due, name="reviews_due"),
    path("manage/risk-tool/", views.tool_versions, name="tool_versions"),
    path("manage/risk-settings/", views.review_intervals, name="review_intervals"),
    path("manage/providers/new/", views.provider_edit, name="provider_create"),
    path("manage/providers/<int:pk>/", views.provider_edit, name="provider_edit"),
]
