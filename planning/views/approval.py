"""PLACEHOLDER: being written."""

from django.http import Http404

from engagements.access import members_only


@members_only
def approval(request, *args, **kwargs):
    raise Http404


@members_only
def settings(request, *args, **kwargs):
    raise Http404


@members_only
def freeze(request, *args, **kwargs):
    raise Http404


@members_only
def recommend(request, *args, **kwargs):
    raise Http404


@members_only
def vote(request, *args, **kwargs):
    raise Http404


@members_only
def decision(request, *args, **kwargs):
    raise Http404


@members_only
def history(request, *args, **kwargs):
    raise Http404
