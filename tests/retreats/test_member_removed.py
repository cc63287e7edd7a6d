"""A member who leaves (removed from the roster, or a facilitator leaving at the hand-off) leaves
the retreats' record as it was: their cards and their dots stay, under the name they used."""

from engagements.models import Membership
from engagements.services.roster import membership_remove
from retreats import services
from retreats.models import Activity, Card

from ..factories import MembershipFactory, ParticipantFactory
from .console_world import make_world


def test_a_removed_member_s_cards_and_dots_stay_in_the_results(cast):
    world = make_world(cast.engagement)
    member = MembershipFactory(engagement=cast.engagement, roles=["plan_team"])
    voter = ParticipantFactory(retreat=world.retreat, membership=member, display_name="Rosa Díaz")
    card = Card.objects.create(activity=world.activity, author=voter, quadrant="S", text="Música")
    services.activity_set_stage(activity=world.activity, stage=Activity.Stage.VOTING)
    services.vote_add(activity=world.activity, participant=voter, card=card)
    services.vote_add(activity=world.activity, participant=voter, card=card)

    membership_remove(membership=member)

    assert not Membership.objects.filter(pk=member.pk).exists()
    voter.refresh_from_db()
    assert voter.membership is None and voter.display_name == "Rosa Díaz"
    card.refresh_from_db()
    assert card.author == voter
    assert sum(dot.count for dot in card.dots.all()) == 2
