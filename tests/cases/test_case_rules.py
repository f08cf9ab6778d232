"""Two case rules with one home each: the lead agency is always involved (cases.services
_set_agencies_involved), and one list of the fields each role may change (COORDINATOR_CASE_FIELDS,
PRACTITIONER_CASE_FIELDS) shared by the edit forms, the service and the API."""

import pytest
from django.core.exceptions import PermissionDenied

from api.serializers import CaseUpdateSerializer
from cases import services
from cases.forms import CaseEditForm, VoiceForm
from cases.services import COORDINATOR_CASE_FIELDS, PRACTITIONER_CASE_FIELDS
from tests.cases import COORDINATOR, POLICE, agency, category, log_referral, make_case, user


def involved(case) -> set[str]:
    return {a.short_name for a in case.agencies_involved.all()}


def test_it_always_involves_the_lead_agency_when_a_case_is_opened(demo_data):
    case = log_referral()
    services.case_open(
        actor=user(COORDINATOR),
        case=case,
        lead_agency=agency("Police"),
        lead_professional=None,
        agencies_involved=[agency("Health")],
        categories=[category("cse")],
    )

    assert involved(case) == {"Police", "Health"}


def test_it_always_involves_the_lead_agency_when_the_case_changes(demo_data):
    case = make_case(agencies=("Police", "Health"))

    services.case_update(
        actor=user(COORDINATOR),
        case=case,
        expected_version=case.version,
        seen=None,
        agencies_involved=[agency("Health")],
    )

    assert involved(case) == {"Police", "Health"}  # Police still lead
    case.refresh_from_db()
    services.case_update(
        actor=user(COORDINATOR), case=case, expected_version=case.version, seen=None, lead_agency=agency("Education")
    )
    assert "Education" in involved(case)


def test_it_shares_one_list_of_editable_case_fields_between_forms_service_and_api():
    assert list(CaseEditForm.Meta.fields) == list(COORDINATOR_CASE_FIELDS)
    assert list(VoiceForm.Meta.fields) == list(PRACTITIONER_CASE_FIELDS)
    api_fields = set(CaseUpdateSerializer().fields) - {"version", "snapshot"}
    assert api_fields == set(COORDINATOR_CASE_FIELDS)


def test_it_refuses_a_practitioner_changing_a_coordinator_field_in_the_service(demo_data):
    case = make_case(agencies=("Police",))

    with pytest.raises(PermissionDenied):
        services.case_update(
            actor=user(POLICE), case=case, expected_version=case.version, seen=None, is_restricted=False
        )
