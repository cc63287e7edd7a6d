"""factory_boy factories for the whole suite."""

import factory

from accounts.models import User
from engagements.models import Engagement, Membership, Organization, Role, StakeholderGroup

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save(update_fields=["password"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"District {n}")
    kind = Organization.Kind.DISTRICT


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Strategic Plan {n}")
    status = Engagement.Status.ACTIVE


class StakeholderGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderGroup

    engagement = factory.SubFactory(EngagementFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    quota = 4
    selected_by = "Board"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    engagement = factory.SubFactory(EngagementFactory)
    roles = factory.LazyFunction(lambda: [Role.PLAN_TEAM.value])
