"""HTML forms of cases and of the agent's contact log; they parse input, the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.cases.models import Priority, Status
from civicdesk.contacts.models import CallerKind, Channel, ContactLanguage, Outcome
from civicdesk.organisations.forms import DsFormMixin


class ContactLogForm(DsFormMixin, forms.Form):
    """The one-screen form an agent fills in while talking."""

    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    caller_kind = forms.ChoiceField(label=_("Caller"), choices=CallerKind.choices, initial=CallerKind.CITIZEN)
    language = forms.ChoiceField(label=_("Language"), choices=ContactLanguage.choices)
    interpreter_used = forms.BooleanField(label=_("Interpreter used"), required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    caller_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    caller_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    caller_email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    caller_national_id = forms.CharField(label=_("National identity number"), max_length=20, required=False)
    referred_to = forms.CharField(label=_("Referred to"), max_length=200, required=False)
    forward_team = forms.ModelChoiceField(label=_("Forward to team"), queryset=None, required=False)
    forward_person = forms.ModelChoiceField(label=_("Forward to person"), queryset=None, required=False)
    callback = forms.BooleanField(label=_("The caller wants to be called back"), required=False)
    forward_to = forms.CharField(required=False, max_length=40)  # "unit:12" / "employee:5" from the directory
    send_directory_link = forms.BooleanField(
        label=_("E-mail the caller this entry and its directory link (internal callers: next time they look it up)"),
        required=False,
    )
    outcome = forms.ChoiceField(choices=[(o.value, o.label) for o in Outcome if o != Outcome.OPEN], required=False)
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the open contact of an answered call

    def __init__(self, *args, municipalities, topics, teams, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["topics"].queryset = topics
        self.fields["topics"].label_from_instance = lambda topic: topic.name
        self.fields["forward_team"].queryset = teams
        self.fields["forward_team"].label_from_instance = lambda team: (
            f"{team.municipality.name} · {team.department.name} · {team.name}"
        )
        self.fields["forward_person"].queryset = people
        self.fields["forward_person"].label_from_instance = lambda user: user.get_full_name() or user.username
        for name in ("interpreter_used", "callback", "send_directory_link"):
            self.fields[name].widget.attrs["class"] = "ds-input"
        self.fields["caller_phone"].widget.attrs.update({"autocomplete": "off", "inputmode": "tel"})

    def clean_outcome(self):
        return self.cleaned_data.get("outcome") or Outcome.RESOLVED


class CaseFilterForm(forms.Form):
    """The case list's filters; the same keywords as the selector and the API."""

    view = forms.ChoiceField(
        label=_("Show"),
        choices=[
            ("team", _("My teams")),
            ("mine", _("Mine")),
            ("unassigned", _("Not assigned")),
            ("all", _("All I can see")),
        ],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("open", _("All open")), ("", _("Any")), *Status.choices], required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", _("Any")), *Priority.choices], required=False)
    overdue = forms.BooleanField(label=_("Past due date only"), required=False)
    q = forms.CharField(label=_("Number or words in the title"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("due", _("Due date")),
            ("priority", _("Priority")),
            ("-created", _("Newest")),
            ("created", _("Oldest")),
        ],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")


class CaseAssignForm(DsFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    assignee = forms.ModelChoiceField(label=_("Person"), queryset=None, required=False)

    def __init__(self, *args, teams, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda team: f"{team.department.name} · {team.name}"
        self.fields["assignee"].queryset = people
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.username


class CaseNoteForm(DsFormMixin, forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class CaseReplyForm(DsFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Reply to the requester"), widget=forms.Textarea(attrs={"rows": 5}))
    wait_for_citizen = forms.BooleanField(label=_("Wait for their answer"), required=False)


class CaseEditForm(DsFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class AttachmentForm(DsFormMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, images, office documents, at most 20 MB."))


class CaseRelateForm(DsFormMixin, forms.Form):
    other = forms.CharField(label=_("Other case's number"), max_length=24)
    how = forms.ChoiceField(
        label=_("How"), choices=[("link", _("Link to it")), ("merge", _("This is a duplicate: merge into it"))]
    )


class SavedViewForm(DsFormMixin, forms.Form):
    name = forms.CharField(label=_("Save this list as"), max_length=80)
    query = forms.CharField(widget=forms.HiddenInput, required=False)


class SlaPolicyForm(DsFormMixin, forms.Form):
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=None, required=False, help_text=_("Empty: every topic."))
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", _("Any")), *Priority.choices], required=False)
    first_response_hours = forms.DecimalField(
        label=_("First answer within (working hours)"), min_value=0, max_digits=6, decimal_places=2, required=False
    )
    resolve_hours = forms.DecimalField(
        label=_("Resolved within (working hours)"), min_value=0, max_digits=6, decimal_places=2
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
        self.fields["topic"].label_from_instance = lambda topic: topic.name


class MailboxForm(DsFormMixin, forms.Form):
    address = forms.EmailField(label=_("Address"))
    team = forms.ModelChoiceField(label=_("Cases go to team"), queryset=None, required=False)
    display_name = forms.CharField(label=_("Sender name"), max_length=120, required=False)
    imap_host = forms.CharField(label=_("IMAP server"), max_length=200, required=False)
    imap_username = forms.CharField(label=_("IMAP user"), max_length=200, required=False)
    imap_password = forms.CharField(
        label=_("IMAP password"), max_length=200, required=False, widget=forms.PasswordInput
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda team: f"{team.department.name} · {team.name}"


class OpeningHoursForm(DsFormMixin, forms.Form):
    opening_hours = forms.CharField(
        label=_("Opening hours"), max_length=200, help_text=_('For example "mon-thu 08:00-15:30; fri 08:00-14:00".')
    )
