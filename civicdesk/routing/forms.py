"""HTML forms of routing: queues, skills, agents and the duty rota. They parse input only; the rules live in
the services."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.contacts.models import ContactLanguage
from civicdesk.organisations.forms import DsFormMixin
from civicdesk.routing.models import Duty

LEVELS = [("", _("None")), *((str(n), str(n)) for n in range(1, 6))]


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose group is named by the fieldset's id (the error summary links there)."""

    def id_for_label(self, id_, index=None):
        return id_ if index is None else super().id_for_label(id_, index)


class NameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, topic):
        return f"{topic.key} {topic.name}"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.get_full_name() or user.username} ({user.username})"


def agent_label(agent) -> str:
    return f"{agent.user.get_full_name() or agent.user.username} ({agent.code})"


def _languages_field(label, help_text):
    return forms.MultipleChoiceField(
        label=label, choices=ContactLanguage.choices, required=False, widget=Checkboxes, help_text=help_text
    )


class SkillForm(DsFormMixin, forms.Form):
    key = forms.CharField(label=_("Key"), max_length=60, help_text=_("Letters, digits and dashes, e.g. building."))
    name = forms.CharField(label=_("Name"), max_length=120)


class QueueForm(DsFormMixin, forms.Form):
    """A queue: its key for the phone system, its name, the skill and languages it needs, its thresholds."""

    key = forms.CharField(
        label=_("Key"), max_length=60, help_text=_("The name the phone system uses for the queue, e.g. building.")
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    municipality = NameChoiceField(
        label=_("Municipality"),
        queryset=None,
        required=False,
        empty_label=_("Every municipality of the centre"),
    )
    skill = NameChoiceField(label=_("Skill needed"), queryset=None, empty_label=_("Choose a skill"))
    languages = _languages_field(
        _("Languages"),
        _(
            "The languages the queue answers in; none ticked: any. A caller of another language is answered in the "
            "first ticked, in the order listed."
        ),
    )
    topics = TopicChoiceField(label=_("Topics"), queryset=None, required=False, widget=Checkboxes)
    service_level_s = forms.IntegerField(
        label=_("Service-level threshold (s)"),
        help_text=_("Calls answered within this count towards the service level."),
    )
    short_abandon_s = forms.IntegerField(
        label=_("Short abandon (s)"), help_text=_("Callers who hang up sooner are not counted as lost.")
    )
    alert_wait_s = forms.IntegerField(
        label=_("Longest wait before reinforcements (s)"),
        help_text=_("When a caller has waited this long, reinforcements are widened in and supervisors told."),
    )
    alert_length = forms.IntegerField(
        label=_("Calls waiting before reinforcements"),
        help_text=_("When this many callers wait, reinforcements are widened in and supervisors told."),
    )
    callback_offer_s = forms.IntegerField(
        label=_("Expected wait before a callback is offered (s)"),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, skills, municipalities, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = skills
        self.fields["municipality"].queryset = municipalities
        self.fields["topics"].queryset = topics
        if not self.is_bound and not self.initial:
            self.initial = {
                "service_level_s": 120,
                "short_abandon_s": 5,
                "alert_wait_s": 180,
                "alert_length": 8,
                "callback_offer_s": 300,
            }


class AgentForm(DsFormMixin, forms.Form):
    """An agent's place in the router: code, languages, skills with levels 1–5, reinforcement, wrap-up time.
    Skills are fields ``skill_<id>`` (a level, or none)."""

    code = forms.CharField(
        label=_("Phone system code"),
        max_length=40,
        help_text=_("The extension or login the phone system sends for this agent, e.g. 1042."),
    )
    languages = _languages_field(_("Languages"), _("The languages the agent takes calls in, sign languages included."))
    is_reinforcement = forms.BooleanField(
        label=_("Reinforcement"), required=False, help_text=_("May be pulled in to the phones when off phone duty.")
    )
    wrap_up_s = forms.IntegerField(
        label=_("Wrap-up time (s)"), initial=60, help_text=_("Time after a call before the next one is offered.")
    )

    def __init__(self, *args, skills, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.skills = list(skills)
        if users is not None:  # enrolling: who becomes an agent
            self.fields = {
                "user": UserChoiceField(
                    label=_("Staff member"),
                    queryset=users,
                    empty_label=_("Choose a staff member"),
                    help_text=_("Agents and supervisors of the centre who are not in the router yet."),
                    widget=forms.Select(attrs={"class": "ds-input"}),
                ),
                **self.fields,
            }
        for skill in self.skills:
            self.fields[f"skill_{skill.pk}"] = forms.TypedChoiceField(
                label=skill.name,
                choices=LEVELS,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.Select(attrs={"class": "ds-input"}),
            )

    def skill_fields(self):
        return [self[f"skill_{skill.pk}"] for skill in self.skills]

    def skill_levels(self) -> dict:
        """{skill: level} for the skills given a level."""
        levels = {skill: self.cleaned_data.get(f"skill_{skill.pk}") for skill in self.skills}
        return {skill: level for skill, level in levels.items() if level}


class ShiftForm(DsFormMixin, forms.Form):
    """A stretch of duty typed as a day and two times, in the centre's local time."""

    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(
        label=_("To"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("A time at or before “From” ends the shift the next day."),
    )
    duty = forms.ChoiceField(label=_("Duty"), choices=Duty.choices, initial=Duty.PHONE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, agents, zone, **kwargs):
        """``agents``: those of the rota shown (the choice is one of them)."""
        super().__init__(*args, **kwargs)
        self.agents = {agent.pk: agent for agent in agents}
        choices = [(agent.pk, agent_label(agent)) for agent in agents]
        self.fields["agent"].choices = [("", _("Choose an agent")), *choices]
        self.zone = zone

    def clean_agent(self):
        return self.agents[self.cleaned_data["agent"]]

    def clean(self):
        data = super().clean()
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            data["starts_at"] = dt.datetime.combine(day, starts, tzinfo=self.zone)
            end_day = day if ends > starts else day + dt.timedelta(days=1)
            data["ends_at"] = dt.datetime.combine(end_day, ends, tzinfo=self.zone)
        return data
