import factory
from django.conf import settings

from met import services
from met.models import Agency, AgencyKind, User


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"AG{n}")
    kind = AgencyKind.OTHER

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, so every agency gets its permission group as in real life.
        return services.agency_create(
            actor=None, name=kwargs["name"], short_name=kwargs["short_name"], kind=kwargs["kind"]
        )


TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    agency = factory.SubFactory(AgencyFactory)
    roles = ("practitioner",)
    line_manager = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.user_create(
            actor=None,
            email=kwargs["email"],
            full_name=kwargs["full_name"],
            agency=kwargs["agency"],
            roles=set(kwargs["roles"]),
            line_manager=kwargs.get("line_manager"),
            password=kwargs.get("password", TEST_PASSWORD),
        )


__all__ = ["TEST_PASSWORD", "AgencyFactory", "UserFactory", "settings"]


# --- cases, risk, meetings and reminders, for the report measures ---------------------------
# Models are named as strings so these stay below the imports above. Times have no defaults on
# purpose: every test that counts by period says when each thing happened.


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Category"

    code = factory.Sequence(lambda n: f"test-category-{n}")
    name = factory.Sequence(lambda n: f"Test category {n}")
    definition = "A category made for a test."
    order = factory.Sequence(lambda n: 100 + n)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Child"

    # Every child gets a different name, as in life: the names are the model's ordering, which is
    # what split the report's groups.
    first_name = factory.Sequence(lambda n: f"Robin{n}")
    last_name = factory.Sequence(lambda n: f"Ashdown{n}")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Case"
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    status = "open"

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


class RiskHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "riskassessment.RiskHistory"

    case = factory.SubFactory(CaseFactory)
    from_level = "not_assessed"
    to_level = "medium"
    direction = "up"
    changed_by = factory.SubFactory(UserFactory)


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Concern"

    case = factory.SubFactory(CaseFactory)
    logged_by = factory.SubFactory(UserFactory)
    source_agency = factory.SelfAttribute("logged_by.agency")
    category = factory.SubFactory(CategoryFactory)
    observed_at = factory.SelfAttribute("logged_at")
    description = "Seen with older youths."


class MissingEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.MissingEpisode"

    case = factory.SubFactory(CaseFactory)
    recorded_by = factory.SubFactory(UserFactory)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "riskassessment.Assessment"

    case = factory.SubFactory(CaseFactory)
    created_by = factory.SubFactory(UserFactory)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "riskassessment.Provider"

    name = factory.Sequence(lambda n: f"Provider {n}")
    levels = ("low", "medium", "high")


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "riskassessment.Referral"

    case = factory.SubFactory(CaseFactory)
    provider = factory.SubFactory(ProviderFactory)
    referred_by = factory.SubFactory(UserFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Meeting"

    chair = factory.SubFactory(UserFactory, roles=("chair",))
    created_by = factory.SelfAttribute("chair")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Attendance"

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    agency = factory.SelfAttribute("user.agency")
    status = "present"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Action"

    description = "Visit the family."
    owner = factory.SubFactory(UserFactory)
    owner_agency = factory.SelfAttribute("owner.agency")
    created_by = factory.SelfAttribute("owner")


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "met.Reminder"

    kind = "action"
    object_type = "meetings.action"
    recipient = factory.SubFactory(UserFactory)


class PlaceOfConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.PlaceOfConcern"

    name = factory.Sequence(lambda n: f"Place {n}")
    kind = "venue"
    created_by = factory.SubFactory(UserFactory)


class PlaceLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.PlaceLink"

    place = factory.SubFactory(PlaceOfConcernFactory)
    case = factory.SubFactory(CaseFactory)
    linked_by = factory.SubFactory(UserFactory)


class DisruptionActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.DisruptionActivity"

    place = factory.SubFactory(PlaceOfConcernFactory)
    what = "Patrols"
    agency = factory.SubFactory(AgencyFactory)
    recorded_by = factory.SubFactory(UserFactory)
