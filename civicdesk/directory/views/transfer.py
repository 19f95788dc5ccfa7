"""Moving the directory in and out: the municipality admin's CSV import (a dry run first, then "Import these
changes") and a unit's or a person's vCard."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicdesk.directory import imports, selectors
from civicdesk.directory.csv_import import EMPLOYEES, MAX_BYTES, UNITS, decode_upload
from civicdesk.directory.vcard import employee_vcard as employee_vcard_text
from civicdesk.directory.vcard import unit_vcard as unit_vcard_text
from civicdesk.lib.errors import DomainError
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import is_internal_actor
from civicdesk.organisations.forms import DsFormMixin
from civicdesk.organisations.views.choosing import municipality_chosen

KIND_CHOICES = [(UNITS, _("Units")), (EMPLOYEES, _("Employees"))]


class DirectoryImportForm(DsFormMixin, forms.Form):
    """The upload: which kind of file, and the file; the confirmation sends the checked text back instead."""

    kind = forms.ChoiceField(label=_("What the file holds"), choices=KIND_CHOICES)
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_("UTF-8, separated by , or ;, with the columns of the CSV export. At most 2 MB."),
    )
    text = forms.CharField(required=False, max_length=MAX_BYTES, strip=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_BYTES:
                self.add_error("file", _("The file is larger than 2 MB."))
            else:
                try:
                    data["text"] = decode_upload(upload.read())
                except DomainError as error:
                    self.add_error("file", error.message)
        elif not data.get("text") and "text" not in self.errors:
            self.add_error("file", _("Choose a CSV file."))
        return data


def _administered(request):
    """The municipality this admin keeps (``?m=slug`` when they keep several)."""
    municipalities = organisation_selectors.municipalities_administered(actor=request.actor)
    chosen = municipality_chosen(request, municipalities)
    if chosen is None:
        raise PermissionDenied
    return chosen, municipalities


@login_required
def directory_import(request):
    """GET: the upload form. POST a file: the dry run's plan. POST ``confirm`` with the checked text: import."""
    municipality, municipalities = _administered(request)
    form = DirectoryImportForm(request.POST or None, request.FILES or None)
    plan, confirm = None, request.POST.get("confirm") == "1"
    if request.method == "POST" and form.is_valid():
        try:
            plan = imports.directory_import(
                actor=request.actor,
                municipality=municipality,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                dry_run=not confirm,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if confirm and not plan.has_errors:
                messages.success(request, _("Imported: %(summary)s") % {"summary": plan.summary})
                return redirect(f"{reverse('directory:directory_import')}?m={municipality.slug}")
    context = {
        "municipality": municipality,
        "municipalities": municipalities,
        "form": form,
        "plan": plan,
        "text": form.cleaned_data.get("text", "") if plan else "",
        "kind": form.cleaned_data.get("kind", "") if plan else "",
    }
    status = 422 if form.errors or (plan and plan.has_errors) else 200
    return render(request, "directory/import.html", context, status=status)


def _vcard_download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def unit_vcard(request, pk: int):
    unit = selectors.unit_get(actor=request.actor, unit_id=pk)
    text = unit_vcard_text(unit, include_internal=is_internal_actor(request.actor))
    return _vcard_download(text, f"unit-{unit.pk}.vcf")


@login_required
def employee_vcard(request, pk: int):
    employee = selectors.employee_get(actor=request.actor, employee_id=pk)
    text = employee_vcard_text(employee, include_internal=is_internal_actor(request.actor))
    return _vcard_download(text, f"employee-{employee.pk}.vcf")
