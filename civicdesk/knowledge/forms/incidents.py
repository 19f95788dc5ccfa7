"""HTML forms of the incident list: they parse input only; rules live in the services."""

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.knowledge.forms.articles import TopicChoiceField
from civicdesk.knowledge.models import Incident
from civicdesk.organisations.forms import DsFormMixin

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose group is named by the fieldset's id (the error summary links there)."""

    def id_for_label(self, id_, index=None):
        return id_ if index is None else super().id_for_label(id_, index)


class Radios(forms.RadioSelect):
    def id_for_label(self, id_, index=None):
        return id_ if index is None else super().id_for_label(id_, index)


class MunicipalityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, municipality):
        return municipality.name


class IncidentForm(DsFormMixin, forms.Form):
    """Raising an incident in under a minute: what, where, how bad, what to tell people; the rest optional."""

    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("Short and plain, for example “Water outage in Eivindvik”.")
    )
    all_municipalities = forms.BooleanField(label=_("All the municipalities listed"), required=False)
    municipalities = MunicipalityChoiceField(
        label=_("Affected municipalities"),
        queryset=None,
        required=False,  # the service says when none is chosen, beside this field
        widget=Checkboxes,
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Incident.Severity.choices,
        initial=Incident.Severity.MINOR,
        widget=Radios,
    )
    public_message = forms.CharField(
        label=_("Message to the public"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Shown on the municipality's help pages when the incident is shown to the public."),
    )
    agent_script = forms.CharField(
        label=_("What agents say"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Shown at the top of the agents' contact log while the incident goes on."),
    )
    is_public = forms.BooleanField(label=_("Shown to the public"), required=False, initial=True)
    expected_end_at = forms.DateTimeField(
        label=_("Expected to end"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("In the municipality's local time."),
    )
    areas = forms.CharField(
        label=_("Areas"), max_length=400, required=False, help_text=_("Places or postcodes affected.")
    )
    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=None,
        required=False,
        widget=Checkboxes,
        help_text=_("Agents see the incident whenever they tick one of these, whatever the municipality."),
    )

    def __init__(self, *args, municipalities, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipalities
        self.fields["topics"].queryset = topics

    def clean(self):
        data = super().clean()
        if data.get("all_municipalities"):
            data["municipalities"] = list(self.fields["municipalities"].queryset)
        else:
            data["municipalities"] = list(data.get("municipalities") or [])
        end, chosen = data.get("expected_end_at"), data["municipalities"]
        if end is not None and chosen:
            # Typed as the wall-clock time where the incident is, not where the supervisor's browser is.
            zone = zoneinfo.ZoneInfo(chosen[0].time_zone)
            data["expected_end_at"] = timezone.make_aware(timezone.make_naive(end), zone)
        return data


class IncidentUpdateForm(DsFormMixin, forms.Form):
    """News on an incident: for the public, for agents, or both."""

    public_message = forms.CharField(
        label=_("New message to the public"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Replaces the message the public sees now."),
    )
    agent_note = forms.CharField(
        label=_("Note for agents"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Agents see the latest note at the top of the contact log."),
    )


class IncidentResolveForm(DsFormMixin, forms.Form):
    public_message = forms.CharField(
        label=_("Closing message to the public"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("For example “The water is back. Let it run for a minute before drinking.”"),
    )
