"""Which municipality a page is about when the reader keeps or reaches several: ``?m=slug``."""


def municipality_chosen(request, municipalities):
    """The one of ``municipalities`` named by ``?m=slug`` (in the query or the posted form), else the first;
    None when there is none to choose."""
    slug = request.GET.get("m") or request.POST.get("m")
    return municipalities.filter(slug=slug).first() if slug else municipalities.first()
