"""Bad input to the cases pages gets a clear message and a 4xx: never a 500, never a partial write (DESIGN §8)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseNote, CaseStatus, Child, Concern, MissingEpisode
from met.models import AuditEvent, Notification
from tests.cases import (
    COORDINATOR,
    HEALTH,
    POLICE,
    add_episode,
    agency,
    category,
    form_data,
    local_input,
    log_referral,
    make_case,
    text,
    user,
)

HUGE_ID = str(2**70)


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Child, Case, Concern, MissingEpisode, CaseNote, AuditEvent, Notification)
    }


@pytest.fixture
def case(demo_data):
    return make_case(agencies=("Police", "Health"), last_name="Marrowby")


@pytest.fixture
def health(demo_data, login):
    return login(demo_data[HEALTH])


@pytest.fixture
def coordinator(demo_data, login):
    return login(demo_data[COORDINATOR])


# --- logging a concern about a new child ----------------------------------------------------


def concern_post(**changes) -> dict:
    """A valid 'log a concern' form; change fields with child_<name>= or concern_<name>=."""
    data = {
        "child-first_name": "Poppy",
        "child-last_name": "Quillfield",
        "child-known_as": "",
        "child-date_of_birth": "2011-05-04",
        "child-gender": "female",
        "child-ethnicity": "not_known",
        "child-police_number": "",
        "child-csc_number": "",
        "child-nhs_number": "",
        "concern-category": str(category("cse").pk),
        "concern-observed_at": local_input(timezone.now() - timedelta(hours=3)),
        "concern-description": "Seen getting into a car with an older man outside school.",
    }
    for key, value in changes.items():
        prefix, name = key.split("_", 1)
        data[f"{prefix}-{name}"] = value
    return data


def test_it_logs_a_valid_concern(demo_data, login):
    # The baseline every refusal below is measured against.
    response = login(demo_data[POLICE]).post(reverse("concern_log"), concern_post())

    assert response.status_code == 302
    assert Child.objects.get().full_name == "Poppy Quillfield"


TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()
FORTY_YEARS_AGO = date(timezone.localdate().year - 40, 1, 15).isoformat()

BAD_CONCERNS = {
    "future observed_at": (
        {"concern_observed_at": local_input(timezone.now() + timedelta(days=2))},
        "When it happened cannot be in the future.",
    ),
    "impossible observed_at": (
        {"concern_observed_at": "31/02/2026 10:00"},
        "Enter when it happened as a real date and time, like 24/11/2026 18:30.",
    ),
    "empty description": ({"concern_description": ""}, "Describe what you saw or were told."),
    "blank description": ({"concern_description": "   \n "}, "Describe what you saw or were told."),
    "over-long description": (
        {"concern_description": "x" * 10001},
        "Ensure this value has at most 10000 characters (it has 10001).",
    ),
    "unknown category id": ({"concern_category": "999999"}, "Choose one of the listed kinds of concern."),
    "category not a number": ({"concern_category": "cse"}, "Choose one of the listed kinds of concern."),
    "no category": ({"concern_category": ""}, "Choose the kind of concern."),
    "no first name": ({"child_first_name": ""}, "Enter the child's first name (or ‘Unknown’)."),
    "date of birth in the future": ({"child_date_of_birth": TOMORROW}, "Date of birth must be today or in the past."),
    "date of birth 40 years ago": (
        {"child_date_of_birth": FORTY_YEARS_AGO},
        "MET Hub is for children and care leavers up to 25: check the year.",
    ),
    "impossible date of birth": (
        {"child_date_of_birth": "31/02/2010"},
        "Enter the date of birth as a real date, like 27/03/2010.",
    ),
    "NHS number too short": ({"child_nhs_number": "12345"}, "An NHS number is 10 digits."),
    "NHS number with letters": ({"child_nhs_number": "12345abcde"}, "An NHS number is 10 digits."),
    "NHS number too long": ({"child_nhs_number": "12345678901"}, "Ensure this value has at most 10 characters"),
    "placed here by nobody": (
        {"child_placed_by_other_authority": "on", "child_placing_authority": ""},
        "Enter which local authority placed the child here.",
    ),
    "null character in a name": ({"child_last_name": "Quill\x00field"}, "Null characters are not allowed."),
    "unknown gender": ({"child_gender": "robot"}, "Select a valid choice. robot is not one of the available choices."),
}


@pytest.mark.parametrize(("changes", "message"), BAD_CONCERNS.values(), ids=BAD_CONCERNS.keys())
def test_it_refuses_a_bad_concern_with_a_clear_message_and_writes_nothing(demo_data, login, changes, message):
    before = counts()

    response = login(demo_data[POLICE]).post(reverse("concern_log"), concern_post(**changes))

    assert response.status_code == 400
    assert message in text(response)
    assert "There is a problem" in text(response)
    assert counts() == before


def test_it_refuses_a_police_identifier_another_child_already_has_without_creating_a_child(demo_data, login):
    # The other child is on a case the police officer cannot see: no list of candidates, just the refusal.
    log_referral(demo_data[COORDINATOR], first_name="Ellie", last_name="Fernworth", police_number="HC-4471")
    before = counts()

    response = login(demo_data[POLICE]).post(reverse("concern_log"), concern_post(child_police_number="HC-4471"))

    assert response.status_code == 400
    # The model form's "Child with this Police identifier already exists." today; the service's
    # "Another child already has this police identifier. ..." once the form leaves uniqueness to it.
    assert "police identifier" in text(response).lower()
    assert "already" in text(response)
    assert "Ellie" not in text(response)
    assert counts() == before
    assert not Child.objects.filter(last_name="Quillfield").exists()


def test_it_offers_the_child_with_the_same_police_identifier_and_refuses_a_second_record(demo_data, login):
    # APP BUG: ChildForm is a ModelForm, so its own unique check ("Child with this Police identifier
    # already exists.") fails the form before cases.views.concern_log looks for possible duplicates:
    # a shared identifier never offers the existing child to pick (DESIGN §2).
    police = demo_data[POLICE]
    # Police work on Ellie's case, so the officer may be offered her (a referrer alone would not be).
    make_case(police, agencies=("Police",), first_name="Ellie", last_name="Fernworth", police_number="HC-4471")
    client = login(police)

    offered = client.post(reverse("concern_log"), concern_post(child_police_number="HC-4471"))
    assert offered.status_code == 200
    assert "Is this one of these children?" in text(offered)
    assert "Ellie Fernworth" in text(offered)
    before = counts()
    chose_new = client.post(
        reverse("concern_log"), {**concern_post(child_police_number="HC-4471"), "duplicate-choice": "new"}
    )

    assert chose_new.status_code == 400
    assert "Another child already has this police identifier." in text(chose_new)
    assert counts() == before


def test_it_refuses_a_duplicate_choice_that_was_not_offered(demo_data, login):
    police = demo_data[POLICE]
    # Same date of birth and a similar name: offered to the officer, whose agency works on that child's case.
    make_case(police, agencies=("Police",), first_name="Poppy", last_name="Quilfield", date_of_birth=date(2011, 5, 4))
    hidden = log_referral(demo_data[COORDINATOR], first_name="Other", last_name="Childby")
    client = login(police)
    assert "Is this one of these children?" in text(client.post(reverse("concern_log"), concern_post()))
    before = counts()

    responses = [
        client.post(reverse("concern_log"), {**concern_post(), "duplicate-choice": choice})
        for choice in (str(hidden.child_id), "", "999999")
    ]

    assert [r.status_code for r in responses] == [400, 400, 400]
    assert "Choose one of the children listed, or say this is a different child." in text(responses[0])
    assert "Choose the matching child, or say this is a different child." in text(responses[1])
    assert counts() == before


# --- a concern on an existing case, and case notes -------------------------------------------


def test_it_refuses_a_future_concern_on_a_case(case, health):
    before = counts()

    response = health.post(
        reverse("concern_log_for_case", args=[case.pk]),
        {
            "category": category("cce").pk,
            "observed_at": local_input(timezone.now() + timedelta(days=1)),
            "description": "Seen again.",
        },
    )

    assert response.status_code == 400
    assert "When it happened cannot be in the future." in text(response)
    assert counts() == before


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Enter the note."),
        ("   ", "Enter the note."),
        ("n" * 10001, "Ensure this value has at most 10000 characters"),
    ],
    ids=["empty", "blank", "over-long"],
)
def test_it_refuses_a_bad_case_note(case, health, note, message):
    before = counts()

    response = health.post(reverse("case_note_add", args=[case.pk]), {"text": note})

    assert response.status_code == 400
    assert message in text(response)
    assert not CaseNote.objects.exists()
    # Re-showing the case page is itself a read of the record, so that one audit row is expected.
    after = counts()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1
    assert after == before


# --- missing episodes -------------------------------------------------------------------------


def episode_post(**changes) -> dict:
    went = timezone.now() - timedelta(days=3)
    data = {
        "kind": "missing",
        "went_missing_at": local_input(went),
        "returned_at": local_input(went + timedelta(hours=10)),
        "where_found": "Town centre",
        "police_reference": "",
        "rhi_offered_at": "",
        "rhi_completed_at": "",
        "rhi_by": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


NOW = timezone.now()
BAD_EPISODES = {
    "return before going missing": (
        {"went_missing_at": local_input(NOW - timedelta(days=2)), "returned_at": local_input(NOW - timedelta(days=3))},
        "The return time must be after the time the child went missing.",
    ),
    "went missing in the future": (
        {"went_missing_at": local_input(NOW + timedelta(days=2)), "returned_at": ""},
        "The time the child went missing cannot be in the future.",
    ),
    "returned in the future": (
        {"returned_at": local_input(NOW + timedelta(days=2))},
        "The return time cannot be in the future.",
    ),
    "interview before the return": (
        {
            "went_missing_at": local_input(NOW - timedelta(days=3)),
            "returned_at": local_input(NOW - timedelta(days=2)),
            "rhi_completed_at": local_input(NOW - timedelta(days=2, hours=5)),
        },
        "The interview cannot be before the child returned.",
    ),
    "interview without a return": (
        {"returned_at": "", "rhi_completed_at": local_input(NOW - timedelta(hours=1))},
        "Record the child's return before the return home interview.",
    ),
    "interview offered without a return": (
        {"returned_at": "", "rhi_offered_at": local_input(NOW - timedelta(hours=1))},
        "Record the child's return before the return home interview.",
    ),
    "interview completed and declined": (
        {"rhi_completed_at": local_input(NOW - timedelta(hours=1)), "rhi_declined": "on"},
        "An interview cannot be both completed and declined.",
    ),
    "police reference but not reported": (
        {"police_reference": "44-1234"},
        "Tick ‘reported to police’ or remove the police reference.",
    ),
    "impossible date": (
        {"went_missing_at": "2026-02-30T10:00"},
        "Enter went missing at as a real date and time, like 24/11/2026 18:30.",
    ),
    "no start": ({"went_missing_at": ""}, "Enter went missing at."),
    "unknown kind": ({"kind": "vanished"}, "Select a valid choice. vanished is not one of the available choices."),
    "over-long place found": ({"where_found": "p" * 301}, "Ensure this value has at most 300 characters"),
}


@pytest.mark.parametrize(("changes", "message"), BAD_EPISODES.values(), ids=BAD_EPISODES.keys())
def test_it_refuses_a_bad_missing_episode_and_writes_nothing(case, health, changes, message):
    before = counts()

    response = health.post(reverse("episode_create", args=[case.pk]), episode_post(**changes))

    assert response.status_code == 400
    assert message in text(response)
    assert counts() == before
    case.refresh_from_db()
    assert not case.is_frequent_missing


def test_it_refuses_an_episode_on_a_closed_case(demo_data, health):
    closed = make_case(agencies=("Health",), status=CaseStatus.CLOSED)
    before = counts()

    response = health.post(reverse("episode_create", args=[closed.pk]), episode_post())

    assert response.status_code == 400
    assert "This case is closed. Log a new concern to refer the child again." in text(response)
    assert counts() == before


def test_it_refuses_an_edit_that_puts_the_return_before_the_start_and_keeps_the_episode(case, health):
    episode = add_episode(case, days_ago=5, hours_away=6)
    page = health.get(reverse("episode_edit", args=[episode.pk]))
    data = form_data(page.context["form"])
    data["returned_at"] = local_input(episode.went_missing_at - timedelta(hours=1))
    before = counts()

    response = health.post(reverse("episode_edit", args=[episode.pk]), data)

    assert response.status_code == 400
    assert "The return time must be after the time the child went missing." in text(response)
    stored = MissingEpisode.objects.get(pk=episode.pk)
    assert (stored.returned_at, stored.version) == (episode.returned_at, episode.version)
    assert counts() == before


# --- the case list's filters and pages ------------------------------------------------------

BAD_FILTERS = {
    "status": ({"status": "bogus"}, "That status is not one of the options."),
    "risk level": ({"risk_level": "x"}, "That risk level is not one of the options."),
    "category": ({"category": "nope"}, "That category is not one of the options."),
    "category with a null character": ({"category": "\x00"}, "Null characters are not allowed."),
    "flag": ({"flag": "zzz"}, "That flag is not one of the options."),
    "agency not a number": ({"agency": "abc"}, "That agency involved is not one of the options."),
    "agency too big": ({"agency": HUGE_ID}, "That agency involved is not one of the options."),
    "lead professional": ({"lead_professional": "abc"}, "That lead professional is not one of the options."),
    "page not a number": ({"page": "abc"}, "The page must be a whole number."),
    "page zero": ({"page": "0"}, "Ensure this value is greater than or equal to 1."),
    "negative page": ({"page": "-3"}, "Ensure this value is greater than or equal to 1."),
}


@pytest.mark.parametrize(("query", "message"), BAD_FILTERS.values(), ids=BAD_FILTERS.keys())
def test_it_refuses_an_unknown_filter_value_on_the_case_list(case, coordinator, query, message):
    response = coordinator.get(reverse("case_list"), query)

    assert response.status_code == 400
    # Compared without case: the labelled fields say "That Risk level ...", mid-sentence capitals and all.
    assert message.lower() in text(response).lower()
    assert response.context["page"] is None
    assert "Marrowby" not in text(response)


@pytest.mark.parametrize(("query", "message"), list(BAD_FILTERS.values())[:6], ids=list(BAD_FILTERS)[:6])
def test_it_refuses_an_unknown_filter_value_on_the_export_and_records_no_export(case, coordinator, query, message):
    response = coordinator.get(reverse("case_export"), query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message.lower() in text(response).lower()
    assert not AuditEvent.objects.filter(action="case.export").exists()


@pytest.mark.parametrize("number", ["99999", HUGE_ID])
def test_it_says_there_is_no_such_page_for_a_huge_page_number(case, coordinator, number):
    response = coordinator.get(reverse("case_list"), {"page": number})

    assert response.status_code == 404
    assert f"There is no page {number}: the list has 1 page." in text(response)


def test_it_counts_the_pages_in_the_no_such_page_message(demo_data, coordinator):
    for _ in range(26):
        log_referral()

    response = coordinator.get(reverse("case_list"), {"page": "3"})

    assert response.status_code == 404
    assert "There is no page 3: the list has 2 pages." in text(response)


@pytest.mark.parametrize(
    "url_name",
    ["case_detail", "case_edit", "child_edit", "episode_create", "concern_log_for_case", "case_open", "case_close"],
)
def test_it_answers_404_for_a_case_number_too_big_for_the_database(demo_data, coordinator, url_name):
    response = coordinator.get(reverse(url_name, args=[HUGE_ID]))

    assert response.status_code == 404
    assert "Page not found" in text(response)


@pytest.mark.parametrize("url_name", ["episode_edit", "concern_detail", "concern_acknowledge"])
def test_it_answers_404_for_other_ids_too_big_for_the_database(demo_data, coordinator, url_name):
    url = reverse(url_name, args=[HUGE_ID])

    response = coordinator.post(url) if url_name == "concern_acknowledge" else coordinator.get(url)

    assert response.status_code == 404


# --- search ---------------------------------------------------------------------------------

BAD_SEARCHES = {
    "empty": ("", "Enter something to search for."),
    "spaces only": ("    ", "Enter something to search for."),
    "101 characters": ("a" * 101, "Search for at most 100 characters."),
    "31 February": ("31/02/2010", "That is not a real date. Enter a date of birth like 27/03/2010."),
    "month 13": ("2010-13-01", "That is not a real date. Enter a date of birth like 27/03/2010."),
    "null character": ("Quill\x00", "Null characters are not allowed."),
}


@pytest.mark.parametrize(("q", "message"), BAD_SEARCHES.values(), ids=BAD_SEARCHES.keys())
def test_it_refuses_a_bad_search_and_records_no_search(case, coordinator, q, message):
    response = coordinator.get(reverse("case_search"), {"q": q})

    assert response.status_code == 400
    assert message in text(response)
    assert response.context["page"] is None
    assert not AuditEvent.objects.filter(action="case.search").exists()


def test_it_accepts_a_search_of_exactly_100_characters(case, coordinator):
    response = coordinator.get(reverse("case_search"), {"q": "a" * 100})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


# --- triage: opening and closing ----------------------------------------------------------------


@pytest.fixture
def referral(demo_data):
    return log_referral(demo_data[POLICE], last_name="Pebblewick")


def open_post(**changes) -> dict:
    data = {
        "lead_agency": agency("Police").pk,
        "lead_professional": "",
        "agencies_involved": [agency("Health").pk],
        "categories": [category("cse").pk],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"lead_professional": "practitioner.health@example.org"},
            "The lead professional must work for the lead agency.",
        ),
        ({"categories": []}, "Choose at least one exploitation category."),
        ({"lead_agency": ""}, "Choose the lead agency."),
        ({"agencies_involved": ["abc"]}, "“abc” is not a valid value."),
    ],
    ids=["lead professional from another agency", "no category", "no lead agency", "agency not a number"],
)
def test_it_refuses_to_open_a_case_on_bad_input_and_leaves_the_referral_untouched(
    referral, coordinator, login, changes, message
):
    if "lead_professional" in changes:
        changes["lead_professional"] = user(changes["lead_professional"]).pk
    before = counts()

    response = coordinator.post(reverse("case_open", args=[referral.pk]), open_post(**changes))

    assert response.status_code == 400
    assert message in text(response)
    stored = Case.objects.get(pk=referral.pk)
    assert (stored.status, stored.lead_agency, stored.version) == (CaseStatus.REFERRED, None, referral.version)
    assert not stored.agencies_involved.exists()
    assert Concern.objects.get(case=referral).triaged_at is None
    # No permission was granted on the way: Health still cannot see it.
    assert login(user(HEALTH)).get(referral.get_absolute_url()).status_code == 404
    after = counts()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1  # the form page's read, nothing else
    assert not AuditEvent.objects.filter(action="case.open").exists()
    assert after == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "other", "note": ""}, "Say why the case is being closed."),
        ({"reason": "other", "note": "   "}, "Say why the case is being closed."),
        ({"note": "Moved away"}, "Choose why the case is being closed."),
        ({"reason": "bored"}, "Select a valid choice. bored is not one of the available choices."),
        ({"reason": "nfa", "note": "n" * 2001}, "Ensure this value has at most 2000 characters"),
    ],
    ids=["other without a note", "other with a blank note", "no reason", "unknown reason", "over-long note"],
)
def test_it_refuses_to_close_a_case_on_bad_input(case, coordinator, data, message):
    before = counts()

    response = coordinator.post(reverse("case_close", args=[case.pk]), data)

    assert response.status_code == 400
    assert message in text(response)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.closure_reason, stored.closed_at) == (CaseStatus.OPEN, "", None)
    assert counts() == before


def test_it_refuses_to_close_a_case_twice(demo_data, coordinator):
    closed = make_case(status=CaseStatus.CLOSED)
    before = counts()

    response = coordinator.post(reverse("case_close", args=[closed.pk]), {"reason": "nfa"})

    assert response.status_code == 400
    assert "This case is already closed." in text(response)
    assert Case.objects.get(pk=closed.pk).closure_reason == "risk_reduced"
    assert counts() == before


def test_it_does_not_acknowledge_a_concern_on_a_referral_and_says_why(referral, coordinator):
    # A POST from the triage inbox comes back to the inbox with the reason, as a message: nothing changes.
    concern = referral.concerns.get()

    response = coordinator.post(reverse("concern_acknowledge", args=[concern.pk]), follow=True)

    assert response.redirect_chain == [(reverse("triage_inbox"), 302)]
    assert "Open the case, or close it, to triage a concern on a referral." in text(response)
    concern.refresh_from_db()
    assert concern.triaged_at is None


# --- editing: rules the services enforce, and tampered versions ------------------------------


def edit_form(client, url_name: str, pk: int) -> dict:
    response = client.get(reverse(url_name, args=[pk]))
    assert response.status_code == 200
    return form_data(response.context["form"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_of_birth": TOMORROW}, "Date of birth must be today or in the past."),
        ({"date_of_birth": FORTY_YEARS_AGO}, "MET Hub is for children and care leavers up to 25: check the year."),
        ({"nhs_number": "123"}, "An NHS number is 10 digits."),
        ({"first_name": ""}, "Enter the child's first name (or ‘Unknown’)."),
        ({"first_name": "f" * 101}, "Ensure this value has at most 100 characters"),
    ],
    ids=["future date of birth", "40 years old", "short NHS number", "no first name", "over-long first name"],
)
def test_it_refuses_a_bad_child_edit_and_keeps_the_child(case, health, changes, message):
    data = {**edit_form(health, "child_edit", case.pk), **changes}
    before = counts()

    response = health.post(reverse("child_edit", args=[case.pk]), data)

    assert response.status_code == 400
    assert message in text(response)
    child = Child.objects.get(pk=case.child_id)
    assert (child.first_name, child.date_of_birth, child.version) == (
        case.child.first_name,
        case.child.date_of_birth,
        case.child.version,
    )
    assert counts() == before


def test_it_refuses_an_nhs_number_another_child_has(case, health, demo_data):
    log_referral(nhs_number="9434765919")
    data = {**edit_form(health, "child_edit", case.pk), "nhs_number": "9434765919"}

    response = health.post(reverse("child_edit", args=[case.pk]), data)

    assert response.status_code == 400
    assert "Another child already has this NHS number" in text(response)
    assert Child.objects.get(pk=case.child_id).nhs_number is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"is_restricted": "on", "restricted_to": []}, "Name at least one person who may see this restricted case."),
        (
            {"lead_professional": "practitioner.health@example.org"},
            "The lead professional must work for the lead agency.",
        ),
        ({"categories": []}, "Choose at least one exploitation category."),
        ({"voice_of_child": "v" * 5001}, "Ensure this value has at most 5000 characters"),
    ],
    ids=["restricted to nobody", "lead professional from another agency", "no category", "over-long voice"],
)
def test_it_refuses_a_bad_case_edit_and_keeps_the_case(case, coordinator, changes, message):
    if "lead_professional" in changes:
        changes["lead_professional"] = str(user(changes["lead_professional"]).pk)
    data = {**edit_form(coordinator, "case_edit", case.pk), **changes}
    before = counts()

    response = coordinator.post(reverse("case_edit", args=[case.pk]), data)

    assert response.status_code == 400
    assert message in text(response)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.version, stored.is_restricted, stored.lead_professional, stored.voice_of_child) == (
        case.version,
        False,
        None,
        "",
    )
    assert list(stored.categories.values_list("code", flat=True)) == ["cse"]
    assert counts() == before


def test_it_refuses_to_edit_a_closed_case(demo_data, coordinator):
    closed = make_case(status=CaseStatus.CLOSED)
    data = {**edit_form(coordinator, "case_edit", closed.pk), "voice_of_child": "Too late."}

    response = coordinator.post(reverse("case_edit", args=[closed.pk]), data)

    assert response.status_code == 400
    assert "This case is closed. Log a new concern to refer the child again." in text(response)
    assert Case.objects.get(pk=closed.pk).voice_of_child == ""


EDIT_PAGES = ["child_edit", "case_edit", "episode_edit"]


def edit_target(case, url_name: str) -> int:
    return add_episode(case).pk if url_name == "episode_edit" else case.pk


def stored_versions(case) -> tuple:
    return (
        Child.objects.get(pk=case.child_id).version,
        Case.objects.get(pk=case.pk).version,
        tuple(MissingEpisode.objects.filter(case=case).values_list("version", flat=True)),
    )


@pytest.mark.parametrize("url_name", EDIT_PAGES)
def test_it_refuses_a_tampered_version_with_a_409_and_saves_nothing(case, health, url_name):
    pk = edit_target(case, url_name)
    data = edit_form(health, url_name, pk)
    data.update(version="999", where_found="Changed", voice_of_child="Changed", known_as="Changed")
    before, versions = counts(), stored_versions(case)

    response = health.post(reverse(url_name, args=[pk]), data)

    assert response.status_code == 409
    assert "Someone else saved this record after you opened it" in text(response)
    assert stored_versions(case) == versions
    assert counts() == before
    assert not Child.objects.filter(known_as="Changed").exists()
    assert not Case.objects.filter(voice_of_child="Changed").exists()
    assert not MissingEpisode.objects.filter(where_found="Changed").exists()


@pytest.mark.parametrize("url_name", EDIT_PAGES)
def test_it_refuses_a_tampered_snapshot_with_a_stale_version_and_still_says_why(case, health, url_name):
    pk = edit_target(case, url_name)
    data = edit_form(health, url_name, pk)
    data.update(version="0", snapshot="not-a-signed-snapshot")
    versions = stored_versions(case)

    response = health.post(reverse(url_name, args=[pk]), data)

    assert response.status_code == 409
    assert "Someone else saved this record after you opened it. Your changes were not saved." in text(response)
    assert stored_versions(case) == versions


@pytest.mark.parametrize(
    ("version", "message"),
    [(None, "This form is missing its version. Reload the page and try again."), ("abc", "Enter a whole number.")],
    ids=["missing", "not a number"],
)
@pytest.mark.parametrize("url_name", EDIT_PAGES)
def test_it_refuses_an_edit_without_a_usable_version(case, health, url_name, version, message):
    pk = edit_target(case, url_name)
    data = edit_form(health, url_name, pk)
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    versions = stored_versions(case)

    response = health.post(reverse(url_name, args=[pk]), data)

    assert response.status_code == 400
    assert message in text(response)
    assert stored_versions(case) == versions
