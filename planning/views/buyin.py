"""PLACEHOLDER: being written."""

from django.http import Http404

from engagements.access import members_only


@members_only
def survey(request, *args, **kwargs):
    raise Http404


@members_only
def results(request, *args, **kwargs):
    raise Http404
