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
