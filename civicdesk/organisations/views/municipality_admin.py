"""The municipality admin's pages: the municipality's settings and brand, departments and teams, topics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.lib.errors import DomainError
from civicdesk.organisations import selectors, services
from civicdesk.organisations.forms import (
    DepartmentForm,
    MunicipalityForm,
    StaffOnboardForm,
    TeamForm,
    TopicForm,
    TopicImportForm,
)
from civicdesk.organisations.topic_formats import TopicFormatError, parse_topics, write_topics_csv
from civicdesk.organisations.views.choosing import municipality_chosen


def _administered(request):
    """The municipality this admin keeps (``?m=slug`` when they keep several; platform admins choose any)."""
    municipalities = selectors.municipalities_administered(actor=request.actor)
    chosen = municipality_chosen(request, municipalities)
    if chosen is None:
        raise PermissionDenied
    return chosen, municipalities


def _back(municipality, url_name: str = "organisations:municipality_admin"):
    return redirect(f"{reverse(url_name)}?m={municipality.slug}")


def _form_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _page(request, municipality, municipalities, **forms):
    context = {
        "municipality": municipality,
        "municipalities": municipalities,
        "departments": selectors.department_list(actor=request.actor, municipality=municipality),
        "staff": selectors.staff_list(actor=request.actor, municipality=municipality),
        "municipality_form": forms.get("municipality_form")
        or MunicipalityForm(
            initial={
                "name": municipality.name,
                "language": municipality.language,
                "time_zone": municipality.time_zone,
                "brand_colour": municipality.brand_colour,
            }
        ),
        "department_form": forms.get("department_form") or DepartmentForm(prefix="department"),
        "team_form": forms.get("team_form")
        or TeamForm(
            prefix="team",
            departments=selectors.department_list(actor=request.actor, municipality=municipality),
        ),
        "staff_form": forms.get("staff_form")
        or StaffOnboardForm(
            prefix="staff",
            teams=selectors.team_list(actor=request.actor, municipality=municipality),
            initial={"language": municipality.language},
        ),
    }
    status = 422 if any(f.errors for f in forms.values()) else 200
    return render(request, "organisations/municipality_admin.html", context, status=status)


@login_required
def municipality_admin(request):
    municipality, municipalities = _administered(request)
    return _page(request, municipality, municipalities)


@login_required
@require_POST
def municipality_update(request):
    municipality, municipalities = _administered(request)
    form = MunicipalityForm(request.POST, request.FILES)
    if form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "logo" or v}
        try:
            services.municipality_update(actor=request.actor, municipality=municipality, **changes)
            messages.success(request, _("Saved."))
            return _back(municipality)
        except DomainError as error:
            municipality.refresh_from_db()
            _form_error(form, error)
    return _page(request, municipality, municipalities, municipality_form=form)


@login_required
@require_POST
def department_create(request):
    municipality, municipalities = _administered(request)
    form = DepartmentForm(request.POST, prefix="department")
    if form.is_valid():
        try:
            services.department_create(actor=request.actor, municipality=municipality, name=form.cleaned_data["name"])
            messages.success(request, _("Department added."))
            return _back(municipality)
        except DomainError as error:
            _form_error(form, error)
    return _page(request, municipality, municipalities, department_form=form)


@login_required
@require_POST
def team_create(request):
    municipality, municipalities = _administered(request)
    departments = selectors.department_list(actor=request.actor, municipality=municipality)
    form = TeamForm(request.POST, prefix="team", departments=departments)
    if form.is_valid():
        try:
            services.team_create(
                actor=request.actor,
                department=form.cleaned_data["department"],
                name=form.cleaned_data["name"],
            )
            messages.success(request, _("Team added."))
            return _back(municipality)
        except DomainError as error:
            _form_error(form, error)
    return _page(request, municipality, municipalities, team_form=form)


@login_required
@require_POST
def staff_onboard(request):
    """Add a colleague; they get an e-mail to choose their password."""
    municipality, municipalities = _administered(request)
    teams = selectors.team_list(actor=request.actor, municipality=municipality)
    form = StaffOnboardForm(request.POST, prefix="staff", teams=teams)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.staff_onboard(
                actor=request.actor,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                language=data["language"],
                role=data["role"],
                municipality=municipality,
                team=data["team"],
            )
            messages.success(request, _("%(name)s is added and invited by e-mail.") % {"name": data["first_name"]})
            return _back(municipality)
        except DomainError as error:
            _form_error(form, error)
    return _page(request, municipality, municipalities, staff_form=form)


def _topics_page(request, municipality, municipalities, topic_form=None, import_form=None):
    own = selectors.topic_list(actor=request.actor, municipality=municipality, only_own=True, include_inactive=True)
    shared = selectors.topic_list(actor=request.actor, municipality=None).filter(municipality__isnull=True)
    context = {
        "municipality": municipality,
        "municipalities": municipalities,
        "own_topics": own,
        "shared_topics": shared,
        "topic_form": topic_form or TopicForm(),
        "import_form": import_form or TopicImportForm(prefix="import"),
    }
    status = 422 if (topic_form and topic_form.errors) or (import_form and import_form.errors) else 200
    return render(request, "organisations/topic_list.html", context, status=status)


@login_required
def topic_list(request):
    municipality, municipalities = _administered(request)
    return _topics_page(request, municipality, municipalities)


@login_required
@require_POST
def topic_create(request):
    municipality, municipalities = _administered(request)
    form = TopicForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.topic_create(
                actor=request.actor,
                municipality=municipality,
                key=data["key"],
                names={code: data[f"name_{code}"] for code in ("en", "da", "sv", "nb")},
                parent_key=data["parent_key"] or None,
                kle_number=data["kle_number"],
                los_uri=data["los_uri"],
            )
            messages.success(request, _("Topic added."))
            return _back(municipality, "organisations:topic_list")
        except DomainError as error:
            _form_error(form, error)
    return _topics_page(request, municipality, municipalities, topic_form=form)


@login_required
@require_POST
def topics_import(request):
    municipality, municipalities = _administered(request)
    form = TopicImportForm(request.POST, request.FILES, prefix="import")
    if form.is_valid():
        try:
            records = parse_topics(form.cleaned_data["format"], form.cleaned_data["file"].read())
            result = services.topics_import(actor=request.actor, municipality=municipality, records=records)
            messages.success(request, _("Imported: %(created)d new, %(updated)d updated.") % result)
            return _back(municipality, "organisations:topic_list")
        except TopicFormatError as error:
            form.add_error("file", str(error))
        except DomainError as error:
            _form_error(form, error)
    return _topics_page(request, municipality, municipalities, import_form=form)


@login_required
def topics_export(request):
    """The municipality's own topics (or ``?shared=1`` the shared set) as CSV."""
    municipality, _municipalities = _administered(request)
    shared = request.GET.get("shared") == "1"
    records = selectors.topic_records(actor=request.actor, municipality=None if shared else municipality)
    name = "civicdesk-topics.csv" if shared else f"{municipality.slug}-topics.csv"
    response = HttpResponse(
        write_topics_csv(records, outside_parents=not shared), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
