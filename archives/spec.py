"""What an archive holds: every model that belongs to an engagement or an organization, in the
order they are restored (a row's parents before it), each with the rows of the engagements being
archived, and the models deliberately left out with the reason (also written in the manifest).

`tests/archives/test_spec.py` fails when a model appears in an app that is neither listed here
nor skipped, so a new model cannot be forgotten.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model, Q, QuerySet

# The apps whose models are checked against this file.
APPS = (
    "accounts",
    "engagements",
    "evidence",
    "listening",
    "retreats",
    "synthesis",
    "planning",
    "monitoring",
    "reports",
)

FORMAT_NAME = "aligned-archive"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Scope:
    """The engagements and organizations an archive covers (their ids)."""

    engagements: list
    organizations: list


def _by(path: str) -> Callable[[Scope], Q]:
    return lambda scope: Q(**{f"{path}__in": scope.engagements})


def _templates(scope: Scope) -> Q:
    # A facilitator's own template an engagement started from (a built-in one is named by its
    # key instead, as every instance has it).
    return Q(engagements__in=scope.engagements, owner__isnull=False)


# label → which rows, in restore order.
MODELS: dict[str, Callable[[Scope], Q]] = {
    "engagements.organization": lambda scope: Q(pk__in=scope.organizations),
    "engagements.processtemplate": _templates,
    "engagements.templatephase": lambda scope: Q(
        template__engagements__in=scope.engagements, template__owner__isnull=False
    ),
    "engagements.engagement": lambda scope: Q(pk__in=scope.engagements),
    "engagements.phase": _by("engagement"),
    "engagements.phasechange": _by("engagement"),
    "engagements.stakeholdergroup": _by("engagement"),
    "engagements.membership": _by("engagement"),
    "engagements.meeting": _by("engagement"),
    "engagements.agendaitem": _by("meeting__engagement"),
    "engagements.reading": _by("meeting__engagement"),
    "engagements.attendance": _by("meeting__engagement"),
    "engagements.invitation": _by("engagement"),
    # The environmental scan: before retreats, whose cards and boards may point at an indicator.
    "evidence.indicator": _by("engagement"),
    "evidence.indicatorvalue": _by("indicator__engagement"),
    "evidence.datapack": _by("engagement"),
    "evidence.datapackitem": _by("pack__engagement"),
    "listening.survey": _by("engagement"),
    "listening.question": _by("survey__engagement"),
    "listening.respondent": _by("survey__engagement"),
    "listening.answer": _by("respondent__survey__engagement"),
    "listening.listeningsession": _by("engagement"),
    "listening.comment": _by("engagement"),
    "listening.listeningsettings": _by("engagement"),
    "retreats.retreat": _by("engagement"),
    "retreats.activity": _by("retreat__engagement"),
    "retreats.participant": _by("retreat__engagement"),
    "retreats.theme": _by("activity__retreat__engagement"),
    "retreats.card": _by("activity__retreat__engagement"),
    "retreats.ballot": _by("activity__retreat__engagement"),
    "retreats.dot": _by("ballot__activity__retreat__engagement"),
    "retreats.moderationaction": _by("activity__retreat__engagement"),
    "synthesis.voicetheme": _by("engagement"),
    "synthesis.tagging": _by("theme__engagement"),
    "synthesis.quote": _by("theme__engagement"),
    "synthesis.boardseed": _by("theme__engagement"),
    "planning.plan": _by("engagement"),
    "planning.value": _by("plan__engagement"),
    "planning.objective": _by("plan__engagement"),
    "planning.goal": _by("plan__engagement"),
    "planning.strategy": _by("goal__plan__engagement"),
    "planning.measure": lambda scope: (
        Q(goal__plan__engagement__in=scope.engagements)
        | Q(strategy__goal__plan__engagement__in=scope.engagements)
    ),
    "planning.actionstep": _by("strategy__goal__plan__engagement"),
    "planning.planversion": _by("plan__engagement"),
    "planning.review": _by("version__plan__engagement"),
    "planning.comment": _by("review__version__plan__engagement"),
    "planning.buyinresponse": _by("review__version__plan__engagement"),
    "planning.buyinanswer": _by("response__review__version__plan__engagement"),
    "planning.approval": _by("plan__engagement"),
    "planning.boardvote": _by("approval__plan__engagement"),
    "planning.planevent": _by("plan__engagement"),
    "monitoring.monitoredmeasure": _by("engagement"),
    "monitoring.yearlytarget": _by("measure__engagement"),
    "monitoring.measurereading": _by("measure__engagement"),
    "monitoring.targetchange": _by("measure__engagement"),
    "monitoring.statusoverride": _by("measure__engagement"),
    "monitoring.actionupdate": _by("engagement"),
    "monitoring.updatecycle": _by("engagement"),
    "monitoring.cycleemail": _by("engagement"),
    "monitoring.publicpage": _by("engagement"),
    "reports.reportsettings": _by("engagement"),
    "reports.reportjob": _by("engagement"),
    "reports.boardreportnote": _by("engagement"),
    "reports.boardreportmailing": _by("engagement"),
}

# People are not rows of an engagement: an archive names them by e-mail address (and name), and
# a restore finds them by address or creates them (accounts.user is handled apart).
PEOPLE = "accounts.user"

SKIPPED: dict[str, str] = {
    PEOPLE: "People are written by e-mail address and name only (never passwords, sign-in "
    "history or settings); a restore matches them by address or creates them without a "
    "password, so they set one with “Forgot your password?”.",
    "accounts.user_groups": "Django admin groups of accounts: site-wide, not an engagement's.",
    "accounts.user_user_permissions": "Django admin permissions of accounts: site-wide.",
    "retreats.submissionkey": "Idempotency keys of card and vote submissions: they only answer a "
    "phone's retry within the same day and are pruned after one; an archive has no use for them.",
}


def model(label: str) -> type[Model]:
    return apps.get_model(label)


def rows(label: str, scope: Scope) -> QuerySet:
    return model(label).objects.filter(MODELS[label](scope)).distinct().order_by("pk")


# Values that must be unique across the whole instance, so a restore makes new ones (restoring
# the same archive twice gives two copies that never clash).
REGENERATED: dict[str, dict[str, str]] = {
    "retreats.retreat": {
        "join_code": "A new join code: the old one may still be in use where the archive came "
        "from.",
        "observer_token": "A new observer link for a public meeting: copy it again from the "
        "retreat's console.",
    },
    "monitoring.publicpage": {
        "token": "A new address for the public progress page (on or off as it was): copy it "
        "again from the page's settings.",
    },
    "engagements.invitation": {
        "token_hash": "Invitation links e-mailed before the backup do not open the restored copy; "
        "send a pending invitation again from the roster."
    },
    "listening.survey": {
        "public_token": "A new public link for the survey (copy it again from the survey's "
        "page); the old one keeps opening the original only.",
    },
    "listening.respondent": {
        "invitation_token_hash": "Survey invitation links e-mailed before the backup do not "
        "open the restored copy.",
    },
    "planning.review": {
        "public_token_hash": "A public review link made before the backup does not open the "
        "restored copy; make a new link on the review page."
    },
}
