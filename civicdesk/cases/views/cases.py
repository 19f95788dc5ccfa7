"""Case lists (my teams, mine, filters, saved views, bulk changes) and one case with everything on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.cases import selectors, services
from civicdesk.cases.forms import (
    AttachmentForm,
    CaseAssignForm,
    CaseEditForm,
    CaseFilterForm,
    CaseNoteForm,
    CaseRelateForm,
    CaseReplyForm,
    SavedViewForm,
)
from civicdesk.cases.models import Status
from civicdesk.cases.services.workflow import TRANSITIONS
from civicdesk.cases.views.case_rows import case_rows
from civicdesk.lib.errors import Conflict, DomainError
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.models import Role

LIST_PAGE = "cases/case_list.html"
DETAIL_PAGE = "cases/case_detail.html"


def _my_teams(request):
    return [a.team for a in organisation_selectors.role_assignments_of(actor=request.actor) if a.team_id]


def _filtered(request, form: CaseFilterForm):
    data = form.cleaned_data if form.is_valid() else {}
    view = data.get("view") or ("team" if _my_teams(request) else "all")
    filters = {
        # Open cases unless the list asks for a status ("" is "Any"): a link to ?view=mine shows open ones.
        "status": data.get("status", "open") if "status" in request.GET else "open",
        "priority": data.get("priority", ""),
        "overdue": data.get("overdue", False),
        "search": data.get("q", ""),
        "sort": data.get("sort") or "due",
    }
    if view == "mine":
        filters["assignee_id"] = request.actor.pk
    elif view == "unassigned":
        filters["unassigned"] = True
    cases = selectors.case_list(actor=request.actor, **filters)
    if view == "team":
        cases = cases.filter(team__in=_my_teams(request))
    return cases


@login_required
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    page = Paginator(_filtered(request, form), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": case_rows(page.object_list),
        "overdue_label": _("overdue"),
        "query": query.urlencode(),
        "saved_views": selectors.saved_views(actor=request.actor),
        "save_form": SavedViewForm(initial={"query": query.urlencode()}),
        "assign_form": _assign_form(request, None),
        "statuses": Status,
    }
    return render(request, LIST_PAGE, context)


@login_required
@require_POST
def saved_view_save(request):
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            services.saved_view_save(
                actor=request.actor, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
            )
            messages.success(request, _("Saved."))
        except DomainError as error:
            messages.error(request, error.message)
    return redirect(f"{reverse('cases:case_list')}?{form.data.get('query', '')}")


@login_required
@require_POST
def saved_view_delete(request, view_id: int):
    services.saved_view_delete(actor=request.actor, view=selectors.saved_view_get(actor=request.actor, view_id=view_id))
    return redirect("cases:case_list")


@login_required
@require_POST
def cases_bulk(request):
    """Assign or close the ticked cases."""
    ids = [int(i) for i in request.POST.getlist("case") if i.isdigit()]
    cases = selectors.cases_for_bulk(actor=request.actor, ids=ids)
    back = f"{reverse('cases:case_list')}?{request.POST.get('query', '')}"
    if not cases:
        messages.error(request, _("Tick the cases first."))
        return redirect(back)
    try:
        if request.POST.get("action") == "close":
            changed = services.cases_bulk_close(actor=request.actor, cases=cases)
        else:
            form = _assign_form(request, None, request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose a team or a person."))
                return redirect(back)
            changed = services.cases_bulk_assign(
                actor=request.actor, cases=cases, team=form.cleaned_data["team"], assignee=form.cleaned_data["assignee"]
            )
        messages.success(request, _("%(count)d cases changed.") % {"count": changed})
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(back)


def _assign_form(request, case, data=None):
    municipality = case.municipality if case else None
    teams = organisation_selectors.team_list(actor=request.actor, municipality=municipality).order_by(
        "department__name", "name"
    )
    people = organisation_selectors.staff_list(actor=request.actor, municipality=municipality, role=Role.CASEWORKER)
    initial = {"version": case.version, "team": case.team_id, "assignee": case.assignee_id} if case else {"version": 0}
    return CaseAssignForm(data, initial=initial, teams=teams, people=people, prefix="assign")


def _detail(request, case, status=200, **forms):
    context = {
        "case": case,
        "timeline": selectors.case_timeline(actor=request.actor, case=case),
        "assign_form": forms.get("assign_form") or _assign_form(request, case),
        "edit_form": forms.get("edit_form")
        or CaseEditForm(
            prefix="edit",
            initial={
                "version": case.version,
                "title": case.title,
                "description": case.description,
                "priority": case.priority,
            },
        ),
        "note_form": forms.get("note_form") or CaseNoteForm(prefix="note"),
        "reply_form": forms.get("reply_form") or CaseReplyForm(prefix="reply", initial={"version": case.version}),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(prefix="attachment"),
        "relate_form": forms.get("relate_form") or CaseRelateForm(prefix="relate"),
        "next_statuses": sorted((Status(s) for s in TRANSITIONS[case.status]), key=list(Status).index),
        "conflict": forms.get("conflict"),
    }
    return render(request, DETAIL_PAGE, context, status=status)


@login_required
def case_detail(request, number: str):
    return _detail(request, selectors.case_get(actor=request.actor, number=number))


def _failed(request, case, form, error: DomainError, name: str):
    """Put the error back into the form, keeping what was typed; a version conflict says what changed."""
    case.refresh_from_db()
    if isinstance(error, Conflict):
        return _detail(request, case, status=409, **{name: form, "conflict": error})
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
    return _detail(request, case, status=422, **{name: form})


@login_required
@require_POST
def case_assign(request, number: str):
    case = selectors.case_get(actor=request.actor, number=number)
    form = _assign_form(request, case, request.POST)
    if form.is_valid():
        try:
            services.case_assign(
                actor=request.actor,
                case=case,
                team=form.cleaned_data["team"],
                assignee=form.cleaned_data["assignee"],
                expected_version=form.cleaned_data["version"],
            )
            return redirect("cases:case_detail", number=case.number)
        except DomainError as error:
            return _failed(request, case, form, error, "assign_form")
    return _detail(request, case, status=422, assign_form=form)


@login_required
@require_POST
def case_status_set(request, number: str):
    case = selectors.case_get(actor=request.actor, number=number)
    version = request.POST.get("version")
    try:
        services.case_status_set(
            actor=request.actor,
            case=case,
            status=request.POST.get("status", ""),
            expected_version=int(version) if version and version.isdigit() else None,
        )
    except Conflict as error:
        case.refresh_from_db()
        return _detail(request, case, status=409, conflict=error)
    except (DomainError, ValueError) as error:
        messages.error(request, getattr(error, "message", str(error)))
    return redirect("cases:case_detail", number=case.number)


@login_required
@require_POST
def case_update(request, number: str):
    case = selectors.case_get(actor=request.actor, number=number)
    form = CaseEditForm(request.POST, prefix="edit")
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_update(
                actor=request.actor,
                case=case,
                expected_version=data["version"],
                title=data["title"],
                description=data["description"],
            )
            if data["priority"] != case.priority:
                services.case_priority_set(actor=request.actor, case=case, priority=data["priority"])
            return redirect("cases:case_detail", number=case.number)
        except DomainError as error:
            return _failed(request, case, form, error, "edit_form")
    return _detail(request, case, status=422, edit_form=form)


@login_required
@require_POST
def case_note_add(request, number: str):
    case = selectors.case_get(actor=request.actor, number=number)
    form = CaseNoteForm(request.POST, prefix="note")
    if form.is_valid():
        try:
            services.case_note_add(actor=request.actor, case=case, text=form.cleaned_data["text"])
            return redirect(f"{reverse('cases:case_detail', args=[case.number])}#history")
        except DomainError as error:
            return _failed(request, case, form, error, "note_form")
    return _detail(request, case, status=422, note_form=form)


@login_required
@require_POST
def case_reply_send(request, number: str):
    case = selectors.case_get(actor=request.actor, number=number)
    form = CaseReplyForm(request.POST, prefix="reply")
    if form.is_valid():
        try:
            services.case_reply_send(
                actor=request.actor,
                case=case,
                text=form.cleaned_data["text"],
                wait_for_citizen=form.cleaned_data["wait_for_citizen"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("The reply is on its way."))
            return redirect(f"{reverse('cases:case_detail', args=[case.number])}#history")
        except DomainError as error:
            return _failed(request, case, form, error, "reply_form")
    return _detail(request, case, status=422, reply_form=form)


@login_required
@require_POST
def case_attach(request, number: str):
    case = selectors.case_get(actor=request.actor, number=number)
    form = AttachmentForm(request.POST, request.FILES, prefix="attachment")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.case_attach(
                actor=request.actor,
                case=case,
                filename=upload.name,
                content_type=upload.content_type or "",
                data=upload.read(),
            )
            return redirect(f"{reverse('cases:case_detail', args=[case.number])}#attachments")
        except DomainError as error:
            return _failed(request, case, form, error, "attachment_form")
    return _detail(request, case, status=422, attachment_form=form)


@login_required
@require_POST
def case_relate(request, number: str):
    case = selectors.case_get(actor=request.actor, number=number)
    form = CaseRelateForm(request.POST, prefix="relate")
    if form.is_valid():
        try:
            other = selectors.case_get(actor=request.actor, number=form.cleaned_data["other"].strip())
            if form.cleaned_data["how"] == "merge":
                services.case_merge(actor=request.actor, duplicate=case, into=other)
                return redirect("cases:case_detail", number=other.number)
            services.case_link(actor=request.actor, case=case, other=other)
            return redirect("cases:case_detail", number=case.number)
        except DomainError as error:
            error.field = error.field if error.field in form.fields else "other"
            return _failed(request, case, form, error, "relate_form")
    return _detail(request, case, status=422, relate_form=form)


@login_required
def attachment_download(request, number: str, attachment_id: int):
    """Files are served only to those who may see the case, as downloads (never rendered inline)."""
    case = selectors.case_get(actor=request.actor, number=number)
    attachment = selectors.attachment_get(actor=request.actor, case=case, attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
