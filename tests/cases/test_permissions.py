"""Who may open which page of the cases app: every URL x every demo role x own/other agency.

Rules (DESIGN §3, cases/access.py, cases/views.py):
- coordinator and chair see and change every case;
- a practitioner sees and changes a case their agency is involved in (404 on any other, as for one
  that does not exist); they record the voice of the child but do not triage, open, close or export;
- agency admins and system admins hold no case role: 403 on every case page;
- only chairs and system admins see "who has accessed this record";
- anonymous visitors are sent to sign in.

Two cases: one where Police and Health are involved (Education is not), one where only Education is,
so that each practitioner meets a case of their own agency and one of another agency.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseNote, CaseStatus, Concern, ConcernOutcome, MissingEpisode
from met.models import AuditEvent
from tests.cases import (
    CHAIR,
    COORDINATOR,
    HEALTH,
    POLICE,
    POLICE_ADMIN,
    SCHOOL,
    SYSADMIN,
    add_episode,
    agency,
    category,
    form_data,
    log_referral,
    main_content,
    make_case,
    text,
    user,
)

ROLES = [COORDINATOR, CHAIR, POLICE, HEALTH, SCHOOL, POLICE_ADMIN, SYSADMIN]
SEES_ALL = {COORDINATOR, CHAIR}
NO_CASE_ROLE = {POLICE_ADMIN, SYSADMIN}
# Which of the two cases each practitioner's agency is involved in.
OWN_TARGET = {POLICE: "police_health", HEALTH: "police_health", SCHOOL: "education"}

# url name → (method, what its argument is)
URLS = {
    "concern_log": ("get", None),
    "concern_detail": ("get", "concern"),
    "concern_acknowledge": ("post", "pending_concern"),
    "triage_inbox": ("get", None),
    "case_list": ("get", None),
    "case_export": ("get", None),
    "case_search": ("get", None),
    "case_detail": ("get", "case"),
    "case_edit": ("get", "case"),
    "child_edit": ("get", "case"),
    "case_open": ("get", "case"),
    "case_close": ("get", "case"),
    "concern_log_for_case": ("get", "case"),
    "case_note_add": ("post", "case"),
    "episode_create": ("get", "case"),
    "case_access_log": ("get", "case"),
    "episode_edit": ("get", "episode"),
    "rhi_overdue_list": ("get", None),
}
COORDINATION = {"triage_inbox", "case_open", "case_close", "concern_acknowledge", "case_export"}
# Answered the same way whatever the target: they show lists, not one case.
NOT_ABOUT_ONE_CASE = {name for name, (_, kind) in URLS.items() if kind is None}
SUCCESS = {
    "concern_acknowledge": 302,  # back to the triage inbox
    "case_note_add": 302,  # back to the case
    "case_open": 302,  # the case is already open: back to the case page
}


def expected_status(url_name: str, email: str, target: str) -> int:
    if url_name == "case_access_log":
        return 200 if email in {CHAIR, SYSADMIN} else 403
    if email in NO_CASE_ROLE:
        # Checked before any lookup, on every page: their role includes no casework.
        return 403
    if url_name in COORDINATION and email not in SEES_ALL:
        # Checked before the record is looked up: the same 403 whether or not it exists.
        return 403
    if url_name not in NOT_ABOUT_ONE_CASE and email not in SEES_ALL and OWN_TARGET[email] != target:
        return 404
    return SUCCESS.get(url_name, 200)


@dataclass
class Target:
    case: Case
    concern: Concern
    pending_concern: Concern
    episode: MissingEpisode


@pytest.fixture
def world(demo_data):
    coordinator = demo_data[COORDINATOR]
    targets = {}
    for key, agencies, first, last in (
        ("police_health", ("Police", "Health"), "Ruby", "Pebbleworth"),
        ("education", ("Education",), "Leo", "Fernstead"),
    ):
        case = make_case(agencies=agencies, first_name=first, last_name=last)
        episode = add_episode(case)
        # A new concern on the open case: waiting in the triage inbox to be acknowledged.
        pending = services.concern_log(
            actor=coordinator,
            child=case.child,
            category=category("cce"),
            observed_at=timezone.now() - timedelta(hours=2),
            description="Seen again with the same older group.",
        )
        targets[key] = Target(
            case=case, concern=case.concerns.earliest("logged_at"), pending_concern=pending, episode=episode
        )
    return targets


def url_for(url_name: str, target: Target) -> str:
    kind = URLS[url_name][1]
    if kind is None:
        url = reverse(url_name)
        return url + "?q=Pebbleworth" if url_name == "case_search" else url
    obj = {
        "case": target.case,
        "concern": target.concern,
        "pending_concern": target.pending_concern,
        "episode": target.episode,
    }[kind]
    return reverse(url_name, args=[obj.pk])


def request(client, url_name: str, target: Target):
    method, _ = URLS[url_name]
    url = url_for(url_name, target)
    if method == "post":
        data = {"text": "Spoke to the child at school today."} if url_name == "case_note_add" else {}
        return client.post(url, data)
    return client.get(url)


def check_effect(url_name: str, email: str, target: Target, response) -> None:
    """A refused request changes nothing; an allowed one does what it says."""
    notes = CaseNote.objects.filter(case=target.case, author__email=email)
    if url_name == "case_note_add":
        assert notes.count() == (1 if response.status_code == 302 else 0)
        if response.status_code == 302:
            assert response.url == target.case.get_absolute_url()
    target.pending_concern.refresh_from_db()
    if url_name == "concern_acknowledge" and response.status_code == 302:
        assert response.url == reverse("triage_inbox")
        assert target.pending_concern.outcome == ConcernOutcome.ADDED_TO_CASE
        assert target.pending_concern.triaged_by.email == email
    else:
        assert target.pending_concern.triaged_at is None
    if url_name == "case_open" and response.status_code == 302:
        assert response.url == target.case.get_absolute_url()


def check_page(url_name: str, email: str, target: Target, response) -> None:
    page = text(response)
    last_name = target.case.child.last_name
    if response.status_code == 403:
        assert "You cannot do that" in page
        assert last_name not in page
    elif response.status_code == 404:
        assert "Page not found" in page
        assert last_name not in page
    elif response.status_code == 200 and URLS[url_name][1] is not None:
        if url_name == "case_access_log" and email == SYSADMIN:
            # A system admin sees who accessed the record, not what is in it.
            assert target.case.reference in page
            assert last_name not in page
        else:
            assert last_name in page


@pytest.mark.parametrize("email", ROLES)
@pytest.mark.parametrize("url_name", list(URLS))
def test_it_gives_each_role_the_expected_status(world, login, url_name, email):
    client = login(user(email))
    expected = {key: expected_status(url_name, email, key) for key in world}

    actual = {}
    for key, target in world.items():
        response = request(client, url_name, target)
        actual[key] = response.status_code
        check_page(url_name, email, target, response)
        check_effect(url_name, email, target, response)

    assert actual == expected


def test_it_sends_anonymous_visitors_to_sign_in(world, client):
    target = world["police_health"]
    for url_name in URLS:
        url = url_for(url_name, target)
        response = client.post(url) if URLS[url_name][0] == "post" else client.get(url)

        assert response.status_code == 302, url_name
        location = urlsplit(response.url)
        assert location.path == reverse("login")
        assert parse_qs(location.query) == {"next": [url]}
    assert not CaseNote.objects.exists()
    assert not AuditEvent.objects.filter(action="case.view").exists()


@pytest.mark.parametrize("url_name", ["case_note_add", "concern_acknowledge"])
def test_it_refuses_to_change_anything_on_a_get_to_a_post_only_page(world, login, url_name):
    target = world["police_health"]

    response = login(user(COORDINATOR)).get(url_for(url_name, target))

    assert response.status_code == 405
    assert not CaseNote.objects.exists()
    target.pending_concern.refresh_from_db()
    assert target.pending_concern.triaged_at is None


# --- what the 403s say ----------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["triage_inbox", "case_open", "case_close"])
def test_it_tells_a_practitioner_only_the_coordinator_or_a_chair_triages(world, login, url_name):
    response = login(user(HEALTH)).get(url_for(url_name, world["police_health"]))

    assert response.status_code == 403
    assert "Only the MET coordinator or a chair can do this." in text(response)


def test_it_tells_a_practitioner_only_coordinators_and_chairs_export(world, login):
    response = login(user(POLICE)).get(reverse("case_export"))

    assert response.status_code == 403
    assert "Only the MET coordinator and chairs can export the case list." in text(response)
    assert not AuditEvent.objects.filter(action="case.export").exists()


@pytest.mark.parametrize("email", [POLICE_ADMIN, SYSADMIN])
def test_it_tells_an_admin_their_role_does_not_include_casework(world, login, email):
    response = login(user(email)).get(world["police_health"].case.get_absolute_url())

    assert response.status_code == 403
    assert "Your role does not include casework." in text(response)
    assert not AuditEvent.objects.filter(action="case.view").exists()


@pytest.mark.parametrize("email", [COORDINATOR, POLICE, HEALTH])
def test_it_tells_everyone_but_chairs_and_system_admins_the_access_log_is_not_for_them(world, login, email):
    response = login(user(email)).get(url_for("case_access_log", world["police_health"]))

    assert response.status_code == 403
    assert "Only chairs and system admins can see who accessed a record." in text(response)
    assert not AuditEvent.objects.filter(action="case.view_access_log").exists()


def test_it_records_who_opened_the_access_log(world, login):
    target = world["police_health"]

    response = login(user(CHAIR)).get(url_for("case_access_log", target))

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="case.view_access_log")
    assert event.actor == user(CHAIR)
    assert event.child_id == target.case.child_id


@pytest.mark.parametrize("url_name", ["case_open", "case_close", "concern_acknowledge"])
def test_it_gives_the_school_the_same_403_for_a_case_that_exists_and_one_that_does_not(world, login, url_name):
    # require_coordination runs before the record is looked up. That does not leak: the answer is
    # identical whether or not the record exists, so it says nothing about which children are on MET Hub.
    client = login(user(SCHOOL))
    method = client.post if URLS[url_name][0] == "post" else client.get
    existing = url_for(url_name, world["police_health"])
    missing = reverse(url_name, args=[10**9])

    first, second = method(existing), method(missing)

    assert (first.status_code, second.status_code) == (403, 403)
    assert main_content(first) == main_content(second)


def test_it_gives_the_school_the_same_404_for_a_case_it_cannot_see_and_one_that_does_not_exist(world, login):
    client = login(user(SCHOOL))

    hidden = client.get(world["police_health"].case.get_absolute_url())
    missing = client.get(reverse("case_detail", args=[10**9]))

    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert main_content(hidden) == main_content(missing)


# --- audit of reads -------------------------------------------------------------------------


def test_it_audits_a_view_of_the_case_page_and_not_a_refused_one(world, login):
    target = world["police_health"]

    seen = login(user(HEALTH)).get(target.case.get_absolute_url())
    refused = login(user(SCHOOL)).get(target.case.get_absolute_url())

    assert (seen.status_code, refused.status_code) == (200, 404)
    views = AuditEvent.objects.filter(action="case.view", child_id=target.case.child_id)
    assert [e.actor.email for e in views] == [HEALTH]
    assert views.get().detail == {"page": "case"}


# --- practitioners record the voice of the child, not who works on the case ------------------


def test_it_shows_a_practitioner_the_voice_of_the_child_form_only(world, login):
    response = login(user(POLICE)).get(url_for("case_edit", world["police_health"]))

    page = text(response)
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"voice_of_child", "version", "snapshot"}
    assert '<h1 class="govuk-heading-l">Voice of the child</h1>' in page
    assert 'name="lead_agency"' not in page


def test_it_shows_the_coordinator_the_whole_case_form(world, login):
    response = login(user(COORDINATOR)).get(url_for("case_edit", world["police_health"]))

    assert response.status_code == 200
    assert {"lead_agency", "agencies_involved", "restricted_to", "voice_of_child"} <= set(
        response.context["form"].fields
    )
    assert "Change the case" in text(response)


def test_it_ignores_who_works_on_the_case_when_a_practitioner_posts_it(world, login):
    case = world["police_health"].case
    client = login(user(POLICE))
    data = form_data(client.get(url_for("case_edit", world["police_health"])).context["form"])
    data.update(
        voice_of_child="Says they want to stay at school.",
        lead_agency=agency("Education").pk,
        agencies_involved=[agency("Education").pk],
        is_restricted="on",
    )

    response = client.post(url_for("case_edit", world["police_health"]), data)

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.voice_of_child == "Says they want to stay at school."
    assert case.lead_agency.short_name == "Police"
    assert not case.is_restricted
    assert sorted(a.short_name for a in case.agencies_involved.all()) == ["Health", "Police"]


# --- restricted cases -----------------------------------------------------------------------

RESTRICTED_URLS = ["case_detail", "case_edit", "child_edit", "concern_log_for_case", "episode_create"]


@pytest.fixture
def restricted(demo_data):
    case = make_case(agencies=("Police", "Health"), restricted_to=[demo_data[HEALTH]], last_name="Thistlecombe")
    episode = add_episode(case)
    return case, episode


@pytest.mark.parametrize(
    ("email", "status"), [(POLICE, 404), (SCHOOL, 404), (HEALTH, 200), (COORDINATOR, 200), (CHAIR, 200)]
)
def test_it_shows_a_restricted_case_only_to_named_people_coordinators_and_chairs(restricted, login, email, status):
    case, _ = restricted
    client = login(user(email))

    responses = {name: client.get(reverse(name, args=[case.pk])) for name in RESTRICTED_URLS}

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(RESTRICTED_URLS, status)
    for response in responses.values():
        assert ("Thistlecombe" in text(response)) == (status == 200)


@pytest.mark.parametrize(("email", "status"), [(POLICE, 404), (HEALTH, 200)])
def test_it_guards_a_restricted_case_s_episodes_and_concerns_the_same_way(restricted, login, email, status):
    case, episode = restricted
    client = login(user(email))

    responses = [
        client.get(reverse("episode_edit", args=[episode.pk])),
        client.get(reverse("concern_detail", args=[case.concerns.get().pk])),
    ]

    assert [r.status_code for r in responses] == [status, status]


def test_it_keeps_a_restricted_case_out_of_the_police_list_and_search_though_police_are_involved(restricted, login):
    client = login(user(POLICE))

    listing = client.get(reverse("case_list"))
    search = client.get(reverse("case_search"), {"q": "Thistlecombe"})

    assert listing.status_code == 200
    assert listing.context["page"].paginator.count == 0
    assert search.status_code == 200
    assert search.context["page"].paginator.count == 0
    assert "Thistlecombe" not in text(listing)
    assert restricted[0].get_absolute_url() not in text(listing) + text(search)


def test_it_lets_the_named_person_change_a_restricted_case(restricted, login):
    case, _ = restricted
    client = login(user(HEALTH))
    data = form_data(client.get(reverse("case_edit", args=[case.pk])).context["form"])
    data["voice_of_child"] = "Does not want police at the house."

    response = client.post(reverse("case_edit", args=[case.pk]), data)

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.voice_of_child == "Does not want police at the house."


def test_it_shows_the_case_to_police_again_when_the_restriction_is_lifted(restricted, login):
    case, _ = restricted
    services.case_update(
        actor=user(COORDINATOR),
        case=case,
        expected_version=case.version,
        seen=None,
        is_restricted=False,
        restricted_to=[],
    )

    assert login(user(POLICE)).get(case.get_absolute_url()).status_code == 200
    # The named person's own permission went with the restriction; their agency's stays.
    assert login(user(HEALTH)).get(case.get_absolute_url()).status_code == 200


def test_it_hides_a_restricted_case_from_the_practitioner_who_referred_it(demo_data, login):
    # The referrer holds a view permission of their own to follow the referral; a restriction still
    # hides the case from them (DESIGN §3: only named users plus coordinators and chairs).
    case = make_case(user(SCHOOL), agencies=("Police",), restricted_to=[demo_data[HEALTH]], last_name="Wrenfield")

    response = login(user(SCHOOL)).get(case.get_absolute_url())

    assert response.status_code == 404
    assert "Wrenfield" not in text(response)


# --- lead professional, referrer, and agencies becoming involved ------------------------------


def test_it_involves_a_new_lead_agency_so_its_lead_professional_and_colleagues_see_the_case(demo_data, login):
    case = make_case(agencies=("Police", "Health"), last_name="Coppergate")
    # The coordinator makes a teacher lead without ticking Education: the lead agency is always involved.
    services.case_update(
        actor=user(COORDINATOR),
        case=case,
        expected_version=case.version,
        seen=None,
        lead_agency=agency("Education"),
        lead_professional=demo_data[SCHOOL],
    )
    case.refresh_from_db()
    assert "Education" in {a.short_name for a in case.agencies_involved.all()}

    lead = login(user(SCHOOL))
    colleague = login(user("manager.school@example.org"))

    assert lead.get(case.get_absolute_url()).status_code == 200
    assert lead.get(reverse("child_edit", args=[case.pk])).status_code == 200
    assert colleague.get(case.get_absolute_url()).status_code == 200


def test_it_stops_showing_the_case_to_a_former_lead_professional_whose_agency_is_no_longer_involved(demo_data, login):
    # DESIGN §3: a practitioner sees a case when their agency is involved or they are its lead
    # professional; a former lead whose agency is no longer involved does not.
    case = make_case(agencies=("Police", "Health"), lead=demo_data[POLICE], last_name="Mossdale")
    services.case_update(
        actor=user(COORDINATOR),
        case=case,
        expected_version=case.version,
        seen=None,
        lead_agency=agency("Health"),
        lead_professional=demo_data[HEALTH],
        agencies_involved=[agency("Health")],
    )

    response = login(user(POLICE)).get(case.get_absolute_url())

    assert response.status_code == 404
    assert "Mossdale" not in text(response)


def test_it_shows_the_referrer_their_concern_but_not_the_case_until_their_agency_is_involved(demo_data, login):
    # DESIGN §3 (issue 12): the person who logs a concern sees that concern and its outcome, not the case.
    case = log_referral(demo_data[SCHOOL], last_name="Junipermore")
    concern = case.concerns.get()
    client = login(user(SCHOOL))

    assert client.get(case.get_absolute_url()).status_code == 404
    page = client.get(reverse("concern_detail", args=[concern.pk]))
    assert page.status_code == 200
    assert "has not reviewed this concern yet" in text(page)
    assert case.reference not in text(page)
    refused = [client.get(reverse(name, args=[case.pk])) for name in ("child_edit", "case_edit", "episode_create")]
    assert [r.status_code for r in refused] == [404, 404, 404]
    posted = client.post(reverse("child_edit", args=[case.pk]), {"first_name": "Changed", "version": 1})
    assert posted.status_code == 404
    case.child.refresh_from_db()
    assert case.child.first_name == "Testkid"

    services.case_open(
        actor=user(COORDINATOR),
        case=case,
        lead_agency=agency("CSC"),
        lead_professional=None,
        agencies_involved=[agency("Education")],
        categories=[category("cse")],
    )

    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(reverse("child_edit", args=[case.pk])).status_code == 200


def test_it_keeps_the_case_from_the_referrer_when_it_is_opened_without_their_agency(demo_data, login):
    case = log_referral(demo_data[SCHOOL], last_name="Lanternby")
    services.case_open(
        actor=user(COORDINATOR),
        case=case,
        lead_agency=agency("Police"),
        lead_professional=None,
        agencies_involved=[agency("Health")],
        categories=[category("cse")],
    )
    client = login(user(SCHOOL))

    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(reverse("child_edit", args=[case.pk])).status_code == 404
    outcome = client.get(reverse("concern_detail", args=[case.concerns.get().pk]))
    assert outcome.status_code == 200
    assert "opened a case for this concern" in text(outcome)
    assert "Lanternby" not in text(client.get(reverse("case_list")))
    assert login(user("manager.school@example.org")).get(case.get_absolute_url()).status_code == 404


def test_it_shows_the_case_to_health_once_the_coordinator_involves_health_and_never_to_the_school(demo_data, login):
    case = log_referral(demo_data[POLICE], last_name="Hollowfield")
    health, school = login(user(HEALTH)), login(user(SCHOOL))
    assert health.get(case.get_absolute_url()).status_code == 404

    response = login(user(COORDINATOR)).post(
        reverse("case_open", args=[case.pk]),
        {
            "lead_agency": agency("CSC").pk,
            "lead_professional": "",
            "agencies_involved": [agency("Health").pk],
            "categories": [category("cse").pk],
        },
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    seen = health.get(case.get_absolute_url())
    assert seen.status_code == 200
    assert "Hollowfield" in text(seen)
    assert school.get(case.get_absolute_url()).status_code == 404
    assert school.get(reverse("case_search"), {"q": "Hollowfield"}).context["page"].paginator.count == 0


def test_it_hides_the_case_from_an_agency_the_coordinator_stops_involving(world, login):
    case = world["police_health"].case
    services.case_update(
        actor=user(COORDINATOR),
        case=case,
        expected_version=case.version,
        seen=None,
        agencies_involved=[agency("Police")],
    )

    assert login(user(HEALTH)).get(case.get_absolute_url()).status_code == 404
    assert login(user(POLICE)).get(case.get_absolute_url()).status_code == 200


def test_it_lets_the_coordinator_open_a_referral(demo_data, login):
    case = log_referral(demo_data[POLICE], last_name="Brambleby")

    response = login(user(COORDINATOR)).get(reverse("case_open", args=[case.pk]))

    assert response.status_code == 200
    assert "Open a MET case" in text(response)
    assert "Brambleby" in text(response)
