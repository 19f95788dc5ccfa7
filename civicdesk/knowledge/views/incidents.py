"""Being written this session (replaced wholesale by its author)."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


incident_list = _missing
incident_raise = _missing
incident_detail = _missing
incident_resolve = _missing
