"""PLACEHOLDER: being written."""

from django.http import Http404

from engagements.access import members_only


@members_only
def read(request, *args, **kwargs):
    raise Http404


@members_only
def feedback(request, *args, **kwargs):
    raise Http404


@members_only
def thanks(request, *args, **kwargs):
    raise Http404


@members_only
def buy_in(request, *args, **kwargs):
    raise Http404
