from django.urls import path

from reporting import views

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
    path("plan/", views.plan, name="plan"),
    path("plan/export.csv", views.plan_export, name="plan_export"),
    path("plan/actions/<int:pk>/", views.plan_action, name="plan_action"),
]
