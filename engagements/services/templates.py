"""Writes about process templates: copying a template and editing the copy's phases."""

from django.db import transaction
from django.db.models import F

from accounts.models import User

from ..models import ProcessTemplate, TemplatePhase
from ..process_data import PHASE_FIELDS


@transaction.atomic
def template_copy(*, template: ProcessTemplate, owner: User) -> ProcessTemplate:
    copy = ProcessTemplate.objects.create(
        name=f"Copy of {template.name}"[:150],
        summary=template.summary,
        source=template.source,
        district_roster=template.district_roster,
        owner=owner,
        copied_from=template,
    )
    TemplatePhase.objects.bulk_create(
        TemplatePhase(
            template=copy,
            position=phase.position,
            **{field: getattr(phase, field) for field in PHASE_FIELDS},
        )
        for phase in template.phases.all()
    )
    return copy


def template_update(
    *, template: ProcessTemplate, name: str, summary: str, district_roster: bool
) -> ProcessTemplate:
    template.name = name
    template.summary = summary
    template.district_roster = district_roster
    template.save(update_fields=["name", "summary", "district_roster", "updated_at"])
    return template


def template_delete(*, template: ProcessTemplate) -> None:
    # Engagements made from it keep their phases (they are copies); they only lose the link.
    template.delete()


def template_phase_add(*, template: ProcessTemplate, **fields: str) -> TemplatePhase:
    last = template.phases.order_by("-position").values_list("position", flat=True).first()
    return TemplatePhase.objects.create(
        template=template, position=0 if last is None else last + 1, **fields
    )


def template_phase_update(*, phase: TemplatePhase, **fields: str) -> TemplatePhase:
    for name, value in fields.items():
        setattr(phase, name, value)
    phase.save(update_fields=list(fields))
    return phase


@transaction.atomic
def template_phase_delete(*, phase: TemplatePhase) -> None:
    template, position = phase.template, phase.position
    phase.delete()
    template.phases.filter(position__gt=position).update(position=F("position") - 1)


@transaction.atomic
def template_phase_move(*, phase: TemplatePhase, up: bool) -> None:
    """Swap a phase with its neighbour above (up) or below; at either end nothing moves."""
    siblings = phase.template.phases.select_for_update()
    neighbour = (
        siblings.filter(position__lt=phase.position).order_by("-position").first()
        if up
        else siblings.filter(position__gt=phase.position).order_by("position").first()
    )
    if neighbour is None:
        return
    phase.position, neighbour.position = neighbour.position, phase.position
    TemplatePhase.objects.bulk_update([phase, neighbour], ["position"])
