from django.urls import path

from reporting import plan_views, views

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/commentary/", views.report_annotate, name="report_annotate"),
    path("reports/<int:pk>/finalise/", views.report_finalise, name="report_finalise"),
    path("reports/<int:pk>/reissue/", views.report_reissue, name="report_reissue"),
    path("reports/<int:pk>/retry/", views.report_retry, name="report_retry"),
    path("reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/tables/<slug:table>.csv", views.report_csv, name="report_csv"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/stuck-cases.csv", views.dashboard_stuck_csv, name="dashboard_stuck_csv"),
    path("plan/", plan_views.plan, name="plan"),
    path("plan/export.csv", plan_views.plan_export, name="plan_export"),
    path("plan/priorities/new/", plan_views.priority_new, name="plan_priority_new"),
    path("plan/priorities/<int:pk>/edit/", plan_views.priority_edit, name="plan_priority_edit"),
    path("plan/priorities/<int:pk>/retire/", plan_views.priority_retire, name="plan_priority_retire"),
    path("plan/priorities/<int:pk>/actions/new/", plan_views.action_new, name="plan_action_new"),
    path("plan/actions/<int:pk>/", plan_views.plan_action, name="plan_action"),
    path("plan/actions/<int:pk>/edit/", plan_views.action_edit, name="plan_action_edit"),
    path("plan/actions/<int:pk>/retire/", plan_views.action_retire, name="plan_action_retire"),
    path("plan/reviews/", plan_views.reviews, name="plan_reviews"),
    path("plan/reviews/record/", plan_views.review_record, name="plan_review_record"),
    path("plan/reviews/next/", plan_views.review_schedule, name="plan_review_schedule"),
    path("plan/group/", plan_views.strategic_group, name="plan_group"),
]
