"""Which municipality a page is about when the reader keeps or reaches several: ``?m=slug``."""


def municipality_chosen(request, municipalities):
    """The one of ``municipalities`` named by ``?m=slug`` (in the query or the posted form), else the first;
    None when there is none to choose."""
    slug = request.GET.get("m") or request.POST.get("m")
    return municipalities.filter(slug=slug).first() if slug else municipalities.first()


def center_chosen(request, centers):
    """The one of ``centers`` named by ``?center=slug`` (in the query or the posted form), else the first."""
    slug = request.GET.get("center") or request.POST.get("center")
    return centers.filter(slug=slug).first() if slug else centers.order_by("name").first()
