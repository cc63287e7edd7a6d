"""The e-mails Aligned sends (about a plan's review and approval, the update cycle's reminders),
and which of them a person may turn off on their profile. The ones that ask someone to act
(recommend, decide) always go out."""

OPTIONAL = {
    "review_published": "A draft is published for review",
    "review_closed": "A review closes",
    "plan_sent_back": "A final draft is sent back",
    "plan_approved": "The plan is approved",
    # Living the plan (monitoring): the update cycle's reminders and nudges to owners.
    "update_reminders": "Reminders to report progress on the plan (measures and action steps)",
    # The board progress report, sent as a link before each board meeting (reports/board.py).
    "board_report": "The board progress report before each board meeting",
}
REQUIRED = {
    "recommendation_needed": "The superintendent's recommendation is needed",
    "decision_needed": "The board's decision is needed",
}


def wants(user, event: str) -> bool:
    """Whether this person gets this e-mail: required ones always, optional ones unless off."""
    return event in REQUIRED or event not in (user.email_opt_outs or [])
