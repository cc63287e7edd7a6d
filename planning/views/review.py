"""PLACEHOLDER: being written."""

from django.http import Http404

from engagements.access import members_only


@members_only
def publish(request, *args, **kwargs):
    raise Http404


@members_only
def review(request, *args, **kwargs):
    raise Http404


@members_only
def manage(request, *args, **kwargs):
    raise Http404


@members_only
def comment_add(request, *args, **kwargs):
    raise Http404


@members_only
def comment_edit(request, *args, **kwargs):
    raise Http404


@members_only
def comment_withdraw(request, *args, **kwargs):
    raise Http404
