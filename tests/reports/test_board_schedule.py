"""The board report's schedule over time (time-machine): a few days before each board meeting the
report of the current period is prepared (a PDF job) and board members and the superintendent
get one e-mail with a link, once per meeting however often the beat runs; none for past
meetings, other kinds of meetings, engagements with no approved plan, or whoever turned it off."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from engagements.models import Meeting, Phase
from reports import tasks
from reports.models import BoardReportMailing, ReportJob, ReportSettings

from ..factories import MeetingFactory
from ..monitoring.lived import lived_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]
TZ = ZoneInfo(settings.TIME_ZONE)


def at(day: int, month: int = 3, year: int = 2027, hour: int = 9):
    return time_machine.travel(datetime(year, month, day, hour, 0, tzinfo=TZ), tick=False)


def beat(day, month=3, hour=9):
    with at(day, month, hour=hour):
        return tasks.send_board_reports.delay().get()


@pytest.fixture
def plan(cast):
    with at(1, 1):
        return lived_plan(cast)


def board_meeting(cast, day=20, month=3, kind=Meeting.Kind.BOARD, title="Regular board meeting"):
    phase = Phase.objects.filter(engagement=cast.engagement).first()
    extra = {"phase": phase} if phase else {"phase__engagement": cast.engagement}
    return MeetingFactory(
        **extra,
        title=title,
        kind=kind,
        starts_at=datetime(2027, month, day, 18, 30, tzinfo=TZ),
    )


def sent_to(mailbox) -> list[str]:
    return sorted(address for message in mailbox.messages() for address in message.to)


def test_it_goes_out_once_five_days_before_the_meeting(
    cast, plan, mailbox, django_capture_on_commit_callbacks
):
    meeting = board_meeting(cast)
    for day in (10, 13, 14):
        assert beat(day) == 0
    assert mailbox.messages() == []
    with django_capture_on_commit_callbacks(execute=True):  # the PDF job's render is queued
        assert beat(15) == 1  # the 20th less 5 days
    assert sent_to(mailbox) == sorted([cast.board.email, cast.superintendent.email])
    for day, hour in ((15, 10), (15, 23), (16, 9), (19, 9), (20, 9)):
        assert beat(day, hour=hour) == 0
    assert len(mailbox.messages()) == 2
    mailing = BoardReportMailing.objects.get()
    assert mailing.meeting == meeting
    assert str(mailing.period_start) == "2027-03-01"
    assert mailing.job.kind == ReportJob.Kind.BOARD
    assert mailing.job.state == ReportJob.State.DONE, mailing.job.error


def test_the_email_greets_by_name_and_links_to_the_report_not_attaching_it(cast, plan, mailbox):
    board_meeting(cast)
    beat(15)
    mine = next(m for m in mailbox.messages() if m.to == [cast.board.email])
    assert mine.subject == (
        "Strategic Plan 2027–2032: progress report for March 2027, before the board meeting"
    )
    assert mine.body.startswith(f"Hello {cast.board.get_full_name()},")
    assert "The board meets on Saturday 20 March 2027 (Regular board meeting)." in mine.body
    page = settings.SITE_URL + reverse("reports:board", args=[cast.engagement.pk])
    assert f"{page}?period=2027-03-01" in mine.body
    job = ReportJob.objects.get()
    pdf = settings.SITE_URL + reverse("reports:job", args=[cast.engagement.pk, job.pk])
    assert pdf in mine.body
    assert "holds no copy of the report" in mine.body
    assert "To stop these e-mails" in mine.body
    assert "&amp;" not in mine.body and "&#" not in mine.body
    from django.core import mail

    assert all(not message.attachments for message in mail.outbox)


def test_the_number_of_days_is_the_engagements_setting(cast, plan, mailbox):
    ReportSettings.objects.create(engagement=cast.engagement, board_report_days=2)
    board_meeting(cast)
    assert beat(15) == 0 and beat(17) == 0
    assert beat(18) == 1


def test_a_meeting_set_late_goes_out_at_once_but_never_for_a_past_one(cast, plan, mailbox):
    board_meeting(cast, day=12, title="Last week's meeting")
    board_meeting(cast, day=22, title="Added late")
    assert beat(20) == 1
    assert [m.meeting.title for m in BoardReportMailing.objects.all()] == ["Added late"]


def test_other_meetings_and_plans_not_yet_approved_get_nothing(cast, mailbox):
    board_meeting(cast, kind=Meeting.Kind.CORE_TEAM, title="Core team")
    board_meeting(cast, title="Board, before any approval")
    assert beat(16) == 0
    assert mailbox.messages() == []


def test_whoever_turned_it_off_gets_nothing(cast, plan, mailbox):
    cast.board.email_opt_outs = ["board_report"]
    cast.board.save()
    board_meeting(cast)
    assert beat(15) == 1
    assert sent_to(mailbox) == [cast.superintendent.email]
    assert BoardReportMailing.objects.get().recipients == [cast.superintendent.email]


def test_the_profile_offers_to_turn_it_off(client, cast):
    client.force_login(cast.board)
    page = client.get(reverse("accounts:profile")).text
    assert 'name="wants_board_report"' in page
    assert "The board progress report before each board meeting" in page
