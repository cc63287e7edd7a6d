"""The implementation schedule: a year of the plan's action steps with what they need, as a page
and as a CSV download. Every member reads it (the board included); it reads the lived plan, else
the working copy for those who may read it."""

import csv
import io
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from engagements.access import Can, access_engagement, members_only
from engagements.csv_files import spreadsheet_safe

from ..selectors.schedule import ALL_YEARS, FIRST_YEAR, LAST_YEAR, Schedule, schedule_for

CSV_HEADER = [
    "Plan year",
    "Goal",
    "Strategy",
    "Number",
    "Action step",
    "Owner",
    "Start",
    "Due",
    "PDSA stage",
    "Resources: people",
    "Resources: time",
    "Resources: money",
]


def _year(request: HttpRequest) -> int | None:
    """The year asked for (?year=2, or ?year=all); year one for anything else."""
    asked = request.GET.get("year", "")
    if asked == "all":
        return ALL_YEARS
    return int(asked) if asked.isdigit() and FIRST_YEAR <= int(asked) <= LAST_YEAR else FIRST_YEAR


def _load(request: HttpRequest, engagement_id: UUID):
    access = access_engagement(request, engagement_id, need=Can.VIEW)
    working_copy = access.can(Can.READ_WORKING_COPY)
    return access, schedule_for(access.engagement, year=_year(request), working_copy=working_copy)


@members_only
@require_GET
def schedule(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access, plan = _load(request, engagement_id)
    context = {
        "engagement": access.engagement,
        "access": access,
        "schedule": plan,
        "terms": access.engagement.terms,
        "reads_working_copy": access.can(Can.READ_WORKING_COPY),
    }
    return TemplateResponse(request, "monitoring/schedule/schedule.html", context)


def _csv(plan: Schedule) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for goal in [*plan.goals, *plan.unscheduled]:
        for strategy in goal.strategies:
            for step in strategy.steps:
                writer.writerow(
                    [
                        step.plan_year or "",
                        spreadsheet_safe(f"{goal.number}. {goal.title}"),
                        spreadsheet_safe(f"{strategy.number}. {strategy.title}"),
                        step.number,
                        spreadsheet_safe(step.description),
                        spreadsheet_safe(step.owner or ""),
                        step.start_date.isoformat() if step.start_date else "",
                        step.due_date.isoformat() if step.due_date else "",
                        step.stage,
                        spreadsheet_safe(step.people),
                        spreadsheet_safe(step.time),
                        "" if step.money is None else f"{step.money:.2f}",
                    ]
                )
    return out.getvalue()


@members_only
@require_GET
def schedule_csv(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    """The year shown on the page (or every year), then the steps with no year set."""
    access, plan = _load(request, engagement_id)
    # The byte order mark makes spreadsheet programs read the file as UTF-8.
    response = HttpResponse("\ufeff" + _csv(plan), content_type="text/csv; charset=utf-8")
    which = "all-years" if plan.year is ALL_YEARS else f"year-{plan.year}"
    name = slugify(access.engagement.name)[:60] or "engagement"
    response["Content-Disposition"] = f'attachment; filename="{name}-schedule-{which}.csv"'
    return response
