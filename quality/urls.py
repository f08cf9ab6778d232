from django.urls import path

from quality import views

urlpatterns = [
    path("audits/", views.round_list, name="audit_round_list"),
    path("audits/new/", views.round_new, name="audit_round_new"),
    path("audits/<int:pk>/", views.round_detail, name="audit_round_detail"),
    path("audits/<int:pk>/auditors/", views.round_auditors, name="audit_round_auditors"),
    path("audits/<int:pk>/auditors/<int:auditor_pk>/remove/", views.auditor_remove, name="audit_auditor_remove"),
    path("audits/<int:pk>/close/", views.round_close, name="audit_round_close"),
    path("audits/<int:pk>/cases/<int:case_pk>/", views.case_detail, name="audit_case_detail"),
    path("audits/<int:pk>/cases/<int:case_pk>/grade/", views.case_grade, name="audit_case_grade"),
    path("audits/<int:pk>/cases/<int:case_pk>/moderate/", views.case_moderate, name="audit_case_moderate"),
    path("audits/<int:pk>/findings/new/", views.finding_new, name="audit_finding_new"),
    path(
        "audits/<int:pk>/findings/<int:finding_pk>/actions/new/",
        views.learning_action_new,
        name="audit_learning_action_new",
    ),
    path("learning-actions/<int:pk>/", views.learning_action_detail, name="learning_action_detail"),
]
