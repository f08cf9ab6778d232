from django.urls import path

from cases import views
from cases.views import chronology as chronology_views
from cases.views import merge as merge_views
from cases.views import nrm as nrm_views
from cases.views import placements as placement_views
from cases.views import safety_plans, transition_plans

urlpatterns = [
    path("concerns/new/", views.concern_log, name="concern_log"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/acknowledge/", views.concern_acknowledge, name="concern_acknowledge"),
    path("triage/", views.triage_inbox, name="triage_inbox"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/export.csv", views.case_export, name="case_export"),
    path("cases/search/", views.case_search, name="case_search"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/child/edit/", views.child_edit, name="child_edit"),
    path("cases/<int:pk>/open/", views.case_open, name="case_open"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/concerns/new/", views.concern_log_for_case, name="concern_log_for_case"),
    path("cases/<int:pk>/notes/", views.case_note_add, name="case_note_add"),
    path("cases/<int:pk>/missing/new/", views.episode_create, name="episode_create"),
    path("cases/<int:pk>/access-log/", views.case_access_log, name="case_access_log"),
    # The case's chronology of significant events (issue 16, part 4), and the same list as CSV and PDF.
    path("cases/<int:pk>/chronology/", chronology_views.case_chronology, name="case_chronology"),
    path("cases/<int:pk>/chronology.csv", chronology_views.case_chronology_csv, name="case_chronology_csv"),
    path("cases/<int:pk>/chronology.pdf", chronology_views.case_chronology_pdf, name="case_chronology_pdf"),
    path("cases/<int:pk>/safety-plan/", safety_plans.safety_plan_detail, name="safety_plan_detail"),
    path("cases/<int:pk>/safety-plan/agree/", safety_plans.safety_plan_edit, name="safety_plan_edit"),
    path("cases/<int:pk>/nrm/", nrm_views.nrm_referral_edit, name="nrm_referral_edit"),
    # Turning 18 (issue 16, part 6): the transition plan, recorded by whoever may change the case.
    path("cases/<int:pk>/transition-plan/", transition_plans.transition_plan_edit, name="transition_plan_edit"),
    path("missing/<int:pk>/edit/", views.episode_edit, name="episode_edit"),
    path("missing/overdue-rhi/", views.rhi_overdue_list, name="rhi_overdue_list"),
    # Documents on a case (issue 16, part 3).
    path("cases/<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/archive/", views.document_archive, name="document_archive"),
    # Merging two records of one child (issue 16, part 5).
    path("children/<int:pk>/", merge_views.child_detail, name="child_detail"),
    path("children/<int:pk>/merge/", merge_views.child_merge_start, name="child_merge_start"),
    path("children/<int:pk>/merge/<int:other_pk>/", merge_views.child_merge_compare, name="child_merge_compare"),
    path("manage/merges/", merge_views.child_merge_list, name="child_merge_list"),
    path("manage/merges/<int:pk>/", merge_views.child_merge_detail, name="child_merge_detail"),
    # Children placed across a border, and cases moving area (issue 18, part 2).
    path("cases/placed-here/", placement_views.placed_here_list, name="placed_here_list"),
    path("cases/<int:pk>/placement/", placement_views.case_placement, name="case_placement"),
    path("cases/<int:pk>/placement/new/", placement_views.placement_start, name="placement_start"),
    path("cases/<int:pk>/placement/end/", placement_views.placement_end, name="placement_end"),
    path("cases/<int:pk>/transfer/", placement_views.case_transfer, name="case_transfer"),
]
