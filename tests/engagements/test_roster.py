"""The roster: seats per stakeholder group, the balance of the three blocks, the team, CSV."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements.models import Invitation, Membership, StakeholderGroup
from engagements.selectors.roster import roster_for
from tests.factories import (
    EngagementFactory,
    InvitationFactory,
    MembershipFactory,
    StakeholderGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
STAFF, MANAGEMENT, COMMUNITY = "staff", "management", "parents_community"


def seat(engagement, group, count):
    MembershipFactory.create_batch(count, engagement=engagement, stakeholder_group=group)


@pytest.fixture
def groups(cast):
    make = StakeholderGroupFactory
    return {
        "staff": make(engagement=cast.engagement, name="Staff", quota=12, block=STAFF, position=0),
        "parents": make(
            engagement=cast.engagement, name="Parents", quota=8, block=COMMUNITY, position=1
        ),
        "board": make(
            engagement=cast.engagement, name="Board", quota=2, block=MANAGEMENT, position=2
        ),
    }


def test_unmet_met_and_overfilled_quotas_are_counted_and_worded(cast, groups):
    seat(cast.engagement, groups["staff"], 14)
    seat(cast.engagement, groups["parents"], 5)
    seat(cast.engagement, groups["board"], 2)
    roster = roster_for(cast.engagement)
    lines = {line.group.name: line for line in roster.groups}
    assert (lines["Parents"].filled, lines["Parents"].open_seats) == (5, 3)
    assert lines["Staff"].over == 2
    assert lines["Board"].summary == "Board: all 2 seats filled"
    assert "Parents: 5 of 8 seats filled" in roster.warnings
    assert "Staff: 14 seated for 12 seats (2 over)" in roster.warnings
    assert not any(w.startswith("Board") for w in roster.warnings)
    assert (roster.seats, roster.seated) == (22, 21)


def test_block_shares_are_measured_against_one_third(cast, groups):
    seat(cast.engagement, groups["staff"], 12)
    seat(cast.engagement, groups["parents"], 6)
    seat(cast.engagement, groups["board"], 2)
    blocks = {b.block: b for b in roster_for(cast.engagement).blocks}
    assert (blocks[STAFF].filled, blocks[STAFF].percent) == (12, 60)
    assert (blocks[COMMUNITY].percent, blocks[MANAGEMENT].percent) == (30, 10)
    assert not blocks[STAFF].balanced and blocks[COMMUNITY].balanced
    warnings = roster_for(cast.engagement).warnings
    assert "Staff hold 60% of the seated members; aim for about a third (33%)." in warnings
    assert "Management hold 10% of the seated members; aim for about a third (33%)." in warnings


def test_a_full_and_balanced_team_has_no_warnings():
    engagement = EngagementFactory()
    MembershipFactory(engagement=engagement, roles=["facilitator"])  # represents no group
    for block, name in [(STAFF, "Staff"), (MANAGEMENT, "Leaders"), (COMMUNITY, "Parents")]:
        group = StakeholderGroupFactory(engagement=engagement, name=name, quota=4, block=block)
        seat(engagement, group, 4)
    roster = roster_for(engagement)
    assert roster.warnings == []
    assert roster.complete
    assert [block.percent for block in roster.blocks] == [33, 33, 33]


def test_members_without_a_group_are_pointed_out(cast, groups):
    warnings = roster_for(cast.engagement).warnings
    assert "4 team members represent no stakeholder group." in warnings


def test_the_roster_page_shows_groups_blocks_and_warnings(client, cast, groups):
    seat(cast.engagement, groups["parents"], 5)
    InvitationFactory(engagement=cast.engagement, stakeholder_group=groups["parents"])
    client.force_login(cast.facilitator)
    page = client.get(reverse("engagements:roster", args=[cast.engagement.pk])).content.decode()
    assert "Parents: 5 of 8 seats filled" in page
    assert "Parents and community" in page
    assert "1 invitation waiting for an answer" in page


@pytest.mark.parametrize(
    "role,status",
    [
        ("facilitator", 200),
        ("core_team", 200),
        ("plan_team", 403),
        ("board", 403),
        ("superintendent", 403),
    ],
)
def test_who_may_see_the_roster(client, cast, role, status):
    client.force_login(cast.member(role))
    assert (
        client.get(reverse("engagements:roster", args=[cast.engagement.pk])).status_code == status
    )


def test_the_core_team_reads_the_roster_without_changing_it(client, cast, groups):
    client.force_login(cast.core_team)
    page = client.get(reverse("engagements:roster", args=[cast.engagement.pk])).content.decode()
    assert "Add a group" not in page and "Import from CSV" not in page
    url = reverse("engagements:group-edit", args=[cast.engagement.pk, groups["staff"].pk])
    assert client.post(url, {"name": "X", "quota": 1, "block": STAFF}).status_code == 403


def test_an_outsider_reaches_no_roster_page(client, cast, groups):
    client.force_login(cast.outsider)
    assert client.get(reverse("engagements:roster", args=[cast.engagement.pk])).status_code == 404
    url = reverse("engagements:group-edit", args=[cast.engagement.pk, groups["staff"].pk])
    assert client.get(url).status_code == 404


def test_the_facilitator_adds_edits_and_deletes_a_group(client, cast):
    client.force_login(cast.facilitator)
    add = reverse("engagements:group-add", args=[cast.engagement.pk])
    client.post(
        add, {"name": "Students", "quota": 6, "selected_by": "Student council", "block": COMMUNITY}
    )
    group = StakeholderGroup.objects.get(engagement=cast.engagement, name="Students")
    assert (group.quota, group.selected_by) == (6, "Student council")
    clash = client.post(add, {"name": "students", "quota": 2, "block": COMMUNITY})
    assert "There is already a group with this name." in clash.content.decode()

    member = MembershipFactory(engagement=cast.engagement, stakeholder_group=group)
    delete = reverse("engagements:group-delete", args=[cast.engagement.pk, group.pk])
    assert "Delete the group “Students”?" in client.get(delete).content.decode()
    client.post(delete)
    member.refresh_from_db()
    assert member.stakeholder_group is None
    assert not StakeholderGroup.objects.filter(pk=group.pk).exists()


def test_a_group_of_another_engagement_cannot_be_edited_through_this_one(client, cast):
    foreign_group = StakeholderGroupFactory(engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    url = reverse("engagements:group-edit", args=[cast.engagement.pk, foreign_group.pk])
    assert client.post(url, {"name": "X", "quota": 1, "block": STAFF}).status_code == 404


def test_the_facilitator_changes_a_members_roles_and_group(client, cast, groups):
    membership = cast.plan_team.memberships.get()
    client.force_login(cast.facilitator)
    url = reverse("engagements:member-edit", args=[cast.engagement.pk, membership.pk])
    client.post(
        url, {"roles": ["core_team", "plan_team"], "stakeholder_group": str(groups["parents"].pk)}
    )
    membership.refresh_from_db()
    assert membership.roles == ["core_team", "plan_team"]
    assert membership.stakeholder_group == groups["parents"]


def test_the_last_facilitator_cannot_be_removed_or_demoted(client, cast):
    membership = cast.facilitator.memberships.get()
    client.force_login(cast.facilitator)
    edit = reverse("engagements:member-edit", args=[cast.engagement.pk, membership.pk])
    response = client.post(edit, {"roles": ["plan_team"]})
    assert "The engagement needs at least one facilitator." in response.content.decode()
    client.post(reverse("engagements:member-remove", args=[cast.engagement.pk, membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_removing_a_member_asks_first(client, cast):
    membership = cast.board.memberships.get()
    client.force_login(cast.facilitator)
    url = reverse("engagements:member-remove", args=[cast.engagement.pk, membership.pk])
    assert "Remove Board member Person from the team?" in client.get(url).content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(url)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_roster_keeps_a_constant_number_of_queries(
    client, cast, groups, django_assert_max_num_queries
):
    client.force_login(cast.facilitator)
    url = reverse("engagements:roster", args=[cast.engagement.pk])
    seat(cast.engagement, groups["staff"], 10)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    baseline = len(small)  # read now: Django's query log only keeps the last 9000
    for index in range(190):
        group = list(groups.values())[index % 3]
        MembershipFactory(engagement=cast.engagement, stakeholder_group=group)
    InvitationFactory.create_batch(
        20, engagement=cast.engagement, stakeholder_group=groups["parents"]
    )
    with django_assert_max_num_queries(baseline):
        page = client.get(url).content.decode()
    assert page.count('<th scope="row">') == 3 + 3 + 205


# --- CSV import ---------------------------------------------------------------------------------


def upload(client, cast, text, name="team.csv", encoding="utf-8"):
    file = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return client.post(
        reverse("engagements:roster-import", args=[cast.engagement.pk]), {"file": file}
    )


GOOD = (
    "name,e-mail,group,roles\n"
    "Ana López,ana@example.org,Parents,plan team\n"
    "Marcus Lee,MARCUS@example.org,Board,core team; plan team\n"
    "Jo Kim,jo@example.org,,\n"
)


def test_a_good_file_invites_everyone(
    client, cast, groups, mailbox, django_capture_on_commit_callbacks
):
    client.force_login(cast.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, cast, GOOD)
    assert response.status_code == 302
    invited = {i.email: i for i in Invitation.objects.filter(engagement=cast.engagement)}
    assert set(invited) == {"ana@example.org", "marcus@example.org", "jo@example.org"}
    assert invited["marcus@example.org"].roles == ["core_team", "plan_team"]
    assert invited["ana@example.org"].stakeholder_group == groups["parents"]
    assert invited["jo@example.org"].roles == ["plan_team"]
    assert sorted(m.to[0] for m in mailbox.wait(3)) == sorted(invited)


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(client, cast, groups, mailbox):
    client.force_login(cast.facilitator)
    bad = GOOD + "Sam Okafor,sam@example,Parents,plan team\n"
    response = upload(client, cast, bad)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nobody was invited: 1 row needs fixing." in page
    assert "Row 5 (sam@example): “sam@example” is not an e-mail address" in page
    assert not Invitation.objects.exists()
    assert mailbox.messages() == []


def test_every_bad_row_is_listed_with_its_reason(client, cast, groups):
    MembershipFactory(engagement=cast.engagement, user=UserFactory(email="taken@example.org"))
    client.force_login(cast.facilitator)
    text = (
        "Name,Email,Group,Roles\n"
        ",nobody@example.org,Parents,\n"
        "Ana,ana@example.org,Teachers,\n"
        "Bo,bo@example.org,Parents,chair\n"
        "Cy,ana@example.org,Parents,\n"
        "Di,taken@example.org,Parents,\n"
    )
    page = upload(client, cast, text).content.decode()
    assert "Row 2 (nobody@example.org): the name is empty" in page
    assert "Row 3 (ana@example.org): there is no stakeholder group called “Teachers”" in page
    assert "Row 4 (bo@example.org): unknown role “chair”" in page
    assert "Row 5 (ana@example.org): the same e-mail address is already on row 3" in page
    assert "Row 6 (taken@example.org): already on the team" in page
    assert not Invitation.objects.exists()


def test_a_file_without_the_right_columns_is_explained(client, cast):
    client.force_login(cast.facilitator)
    page = upload(client, cast, "who,where\nAna,Parents\n").content.decode()
    assert "The first row must name the columns: name, e-mail, group, roles" in page


def test_a_spreadsheet_saved_in_windows_encoding_is_read(client, cast, groups):
    client.force_login(cast.facilitator)
    upload(
        client,
        cast,
        "name,email,group,roles\nJosé Núñez,jose@example.org,Parents,\n",
        encoding="cp1252",
    )
    assert Invitation.objects.get().full_name == "José Núñez"


def test_the_roster_file_drops_control_and_bidi_characters_and_refuses_invisible_names(
    client, cast, groups
):
    client.force_login(cast.facilitator)
    text = "name,email,group,roles\n\u200b\u200b,nobody@example.org,Parents,\n"
    assert (
        "Row 2 (nobody@example.org): the name is empty"
        in upload(client, cast, text).content.decode()
    )
    text = "name,email,group,roles\n\u202eAna\x1b L\u00f3pez\x07,ana@example.org,Parents,\n"
    upload(client, cast, text)
    assert Invitation.objects.get().full_name == "Ana López"


def test_only_csv_files_are_taken(client, cast):
    client.force_login(cast.facilitator)
    page = upload(client, cast, "PK\x03\x04", name="team.xlsx").content.decode()
    assert "Only CSV files can be imported." in page


@pytest.mark.parametrize("role", ["core_team", "plan_team", "board", "superintendent"])
def test_only_the_facilitator_imports(client, cast, groups, role):
    client.force_login(cast.member(role))
    assert upload(client, cast, GOOD).status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_mail_queue_outage_during_import_is_explained_not_a_server_error(client, monkeypatch):
    from kombu.exceptions import OperationalError

    from accounts import tasks
    from tests.factories import EngagementFactory

    engagement = EngagementFactory()
    facilitator = UserFactory()
    MembershipFactory(user=facilitator, engagement=engagement, roles=["facilitator"])
    StakeholderGroupFactory(engagement=engagement, name="Parents")
    StakeholderGroupFactory(engagement=engagement, name="Board")

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_email, "delay", broker_down)
    client.force_login(facilitator)
    file = SimpleUploadedFile("team.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(
        reverse("engagements:roster-import", args=[engagement.pk]), {"file": file}, follow=True
    )
    assert response.status_code == 200
    assert "the mail queue is not reachable right now" in response.content.decode()
    assert Invitation.objects.filter(engagement=engagement).count() == 3


def test_a_file_that_is_not_valid_csv_is_explained(client, cast):
    client.force_login(cast.facilitator)
    page = upload(client, cast, "name,e-mail,group,roles\n" + "a" * 140_000 + ",x,y,z\n")
    assert "could not be read as CSV" in page.content.decode()
