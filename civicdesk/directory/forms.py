"""HTML forms of the directory: they parse input only; rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.directory.models import ChangeRequest, PhoneNumber
from civicdesk.directory.services.changes import PROPOSABLE
from civicdesk.organisations.forms import DsFormMixin

# A change request's proposed field → the form field that holds it, where the names differ.
FORM_FIELD = {"unit_id": "move_to", "number": "phone"}

# How proposed values and version changes are labelled on the pages.
FIELD_LABELS = {
    "name": _("Name"),
    "title": _("Title"),
    "email": _("E-mail"),
    "phone": _("Phone number"),
    "number": _("Phone number"),
    "purpose": _("What the number is for"),
    "label": _("Label"),
    "replaces": _("Instead of number"),
    "unit_id": _("Moves to unit"),
    "unit": _("Unit"),
    "handles": _("Handles"),
    "description": _("What it does"),
    "postal_address": _("Postal address"),
    "visiting_address": _("Visiting address"),
    "kind": _("Kind"),
    "languages": _("Languages spoken"),
    "internal_only": _("Internal only"),
    "phones": _("Phone numbers"),
    "hours": _("Opening hours"),
    "parent_id": _("Part of"),
    "team_id": _("Team for cases"),
    "department_id": _("Department"),
    "user_id": _("Staff login"),
}


class PhoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, phone):
        return f"{phone.number} ({phone.unit or phone.employee})"


class ChangeRequestForm(DsFormMixin, forms.Form):
    """What a department reports: what changed, for which unit or person, the new values and a note."""

    kind = forms.ChoiceField(label=_("What changed"), choices=[("", "—"), *ChangeRequest.Kind.choices])
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        help_text=_("The unit the change is about. For a new person: the unit they will work in."),
    )
    employee = forms.ModelChoiceField(
        label=_("Person"),
        queryset=None,
        required=False,
        help_text=_("The person the change is about, when it is about someone already listed."),
    )
    name = forms.CharField(label=_("New name"), max_length=160, required=False)
    title = forms.CharField(label=_("New title"), max_length=160, required=False)
    move_to = forms.ModelChoiceField(label=_("Moves to unit"), queryset=None, required=False)
    email = forms.CharField(
        label=_("New e-mail address"), max_length=254, required=False, help_text=_("For example name@example.com.")
    )
    phone = forms.CharField(
        label=_("New phone number"),
        max_length=40,
        required=False,
        help_text=_("For example +47 57 78 20 00. For a new person: their direct line."),
    )
    purpose = forms.ChoiceField(
        label=_("What the number is for"),
        choices=PhoneNumber.Purpose.choices,
        initial=PhoneNumber.Purpose.MAIN,
        required=False,
    )
    replaces = PhoneChoiceField(
        label=_("Instead of number"),
        queryset=None,
        required=False,
        help_text=_("When a number changes: the old number it replaces."),
    )
    handles = forms.CharField(label=_("Handles"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    description = forms.CharField(
        label=_("What the unit does"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    postal_address = forms.CharField(
        label=_("New postal address"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    visiting_address = forms.CharField(
        label=_("New visiting address"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    note = forms.CharField(
        label=_("Note for citizen service"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("For example from when the change applies."),
    )

    def __init__(self, *args, units, employees, phones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["move_to"].queryset = units
        self.fields["employee"].queryset = employees
        self.fields["replaces"].queryset = phones

    def proposed(self) -> dict:
        """The new values given that this kind of change takes, by the names the service uses."""
        data, kind = self.cleaned_data, self.cleaned_data["kind"]
        values = {}
        for name in PROPOSABLE[kind]:
            value = data.get(FORM_FIELD.get(name, name))
            if value in (None, ""):
                continue
            values[name] = value.pk if hasattr(value, "pk") else value
        if kind != ChangeRequest.Kind.PHONE:
            values.pop("purpose", None)
        return values

    def add_service_error(self, field: str | None, message: str) -> None:
        """A message from the service beside its field (the form's own name for it), marked invalid."""
        field = FORM_FIELD.get(field, field)
        if field not in self.fields:
            self.add_error(None, message)
            return
        self.add_error(field, message)
        widget = self.fields[field].widget
        widget.attrs["aria-invalid"] = "true"
        widget.attrs["aria-describedby"] = f"{self[field].auto_id}_error"


class ChangeRequestRejectForm(DsFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,  # the service refuses an empty reason, with its own message
        help_text=_("The person who reported the change sees it."),
    )


class DirectoryPolicyForm(DsFormMixin, forms.Form):
    confirm_every_days = forms.IntegerField(
        label=_("Confirm entries every (days)"),
        help_text=_("Units and people not confirmed for this many days are listed here."),
    )
