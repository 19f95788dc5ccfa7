"""Being written this session (replaced wholesale by its author)."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


help_index = _missing
help_incidents = _missing
help_article = _missing
help_feedback = _missing
