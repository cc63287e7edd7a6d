"""A majority of the whole board, counted over its seats: the roster's board seats, or the board's
size the facilitator sets; never just the board members who happen to have joined. The approval
and settings pages warn plainly while seats are empty."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from engagements.models import Membership
from planning import services
from planning.models import Approval
from planning.services import approval as approvals
from tests.factories import GoalFactory, MembershipFactory, StakeholderGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(cast):
    return services.plan_for(cast.engagement)


@pytest.fixture
def version(plan, cast):
    GoalFactory(plan=plan, title="Every reader by grade 3, in English and en español")
    return services.version_save(plan=plan, label="Final", author=cast.facilitator)


def member(cast, role) -> Membership:
    return Membership.objects.get(user=cast.member(role), engagement=cast.engagement)


def more_board_members(cast, count: int) -> list[Membership]:
    return [
        MembershipFactory(
            engagement=cast.engagement,
            roles=["board"],
            user=UserFactory(full_name=f"Trustee Nº{n} Ørsted"),
        )
        for n in range(2, count + 2)
    ]


def to_the_board(plan, version, cast) -> Approval:
    approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    return approvals.plan_recommend(approval=approval, by=cast.superintendent, note="Ready.")


def vote(approval, membership, choice="approve", note=""):
    approvals.board_vote(approval=approval, membership=membership, choice=choice, note=note)
    approval.refresh_from_db()
    return approval.state


def board_size(plan, cast, size):
    approvals.approval_settings_update(
        plan=plan, rule=plan.approval_rule, clerk=None, board_size=size, by=cast.facilitator
    )


def approval_page(client, cast) -> str:
    response = client.get(reverse("planning:approval", args=[cast.engagement.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_one_board_member_does_not_approve_for_a_two_seat_board(client, cast, plan, version):
    """The reported defect: with one of the roster's two board seats filled, the hub said
    "0 of 1 approve; 1 needed" and one vote made the plan."""
    StakeholderGroupFactory(engagement=cast.engagement, name="Board", quota=2)
    second = more_board_members(cast, 1)[0]
    approval = to_the_board(plan, version, cast)
    second.delete()  # a trustee leaves while the board decides
    client.force_login(cast.board)
    body = approval_page(client, cast)
    assert "0 of 2 approve; 2 needed." in body
    assert "1 of the board’s 2 seats is filled" in body
    assert vote(approval, member(cast, "board")) == "recommended"
    assert "1 of 2 approve; 2 needed." in approval_page(client, cast)


def test_a_draft_does_not_go_to_a_board_that_cannot_reach_a_majority(cast, plan, version):
    StakeholderGroupFactory(engagement=cast.engagement, name="School board", quota=5)
    more_board_members(cast, 1)  # 2 of 5 seats filled: 3 votes needed
    with pytest.raises(ValidationError) as refusal:
        approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    assert " ".join(refusal.value.messages) == (
        "A majority of the board is 3 of its 5 seats, but only 2 board members are in this "
        "engagement, so the board could not decide. Invite the other board members from the "
        "roster, or let a board clerk record the decision taken at a board meeting."
    )
    assert not Approval.objects.exists()


def test_the_facilitator_sets_a_five_seat_board(cast, plan, version):
    board = [member(cast, "board"), *more_board_members(cast, 2)]
    board_size(plan, cast, 5)
    approval = to_the_board(plan, version, cast)
    assert vote(approval, board[0]) == "recommended"
    assert vote(approval, board[1]) == "recommended"  # 2 of 5: not a majority
    assert vote(approval, board[2]) == "approved"
    assert plan.events.order_by("-at").first().note == "3 of 5 board members voted to approve."


def test_the_boards_size_wins_over_the_roster_seats(cast, plan, version):
    StakeholderGroupFactory(engagement=cast.engagement, name="Board", quota=2)
    board = [member(cast, "board"), *more_board_members(cast, 3)]
    board_size(plan, cast, 7)
    approval = to_the_board(plan, version, cast)
    for voter in board[:3]:
        assert vote(approval, voter) == "recommended"
    assert vote(approval, board[3]) == "approved"  # 4 of 7


def test_with_five_seats_three_noes_send_it_back(cast, plan, version):
    board = [member(cast, "board"), *more_board_members(cast, 3)]
    board_size(plan, cast, 5)
    approval = to_the_board(plan, version, cast)
    assert vote(approval, board[0], "reject", "Targets missing.") == "recommended"
    assert vote(approval, board[1], "reject", "Agreed.") == "recommended"
    assert vote(approval, board[2], "reject", "Too long.") == "sent_back"
    assert approval.reasons.startswith("3 of 5 board members voted to send it back.")


def test_the_boards_size_does_not_change_while_it_votes(cast, plan, version):
    more_board_members(cast, 2)
    approval = to_the_board(plan, version, cast)
    with pytest.raises(ValidationError) as refusal:
        board_size(plan, cast, 5)
    assert "The board is deciding on draft 1 now" in " ".join(refusal.value.messages)
    plan.refresh_from_db()
    assert plan.board_size is None and approval.state == "recommended"


def test_the_settings_page_sets_the_size_and_warns_of_empty_seats(client, cast, plan):
    url = reverse("planning:approval-settings", args=[cast.engagement.pk])
    client.force_login(cast.facilitator)
    body = client.get(url).content.decode()
    assert "Seats on the board" in body
    assert "The board’s size is not set" in body
    response = client.post(url, {"approval_rule": "majority", "board_size": "5"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.board_size == 5
    body = client.get(url).content.decode()
    assert "1 of the board’s 5 seats is filled" in body
    assert "a majority is 3 votes" in body


@pytest.mark.parametrize("typed", ["0", "-2", "five", "1000"])
def test_a_wrong_board_size_is_explained_next_to_the_field(client, cast, plan, typed):
    url = reverse("planning:approval-settings", args=[cast.engagement.pk])
    client.force_login(cast.facilitator)
    response = client.post(url, {"approval_rule": "majority", "board_size": typed})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_board_size_error"' in body
    assert "Give the number of seats on the whole board, from 1 to 99" in body
    assert f'value="{typed}"' in body
    plan.refresh_from_db()
    assert plan.board_size is None


def test_the_approval_page_warns_while_seats_are_empty(client, cast, plan):
    StakeholderGroupFactory(engagement=cast.engagement, name="Board", quota=5)
    client.force_login(cast.plan_team)
    body = approval_page(client, cast)
    assert "1 of the board’s 5 seats is filled" in body
    assert "a majority is 3 votes" in body


def test_a_full_board_gets_no_warning(client, cast, plan):
    StakeholderGroupFactory(engagement=cast.engagement, name="Board", quota=2)
    more_board_members(cast, 1)
    client.force_login(cast.facilitator)
    assert "seats is filled" not in approval_page(client, cast)
    assert "seats are filled" not in approval_page(client, cast)
