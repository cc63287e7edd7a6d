"""PLACEHOLDER: being written."""

from django.http import Http404

from engagements.access import members_only


@members_only
def inbox(request, *args, **kwargs):
    raise Http404


@members_only
def triage(request, *args, **kwargs):
    raise Http404
