"""HTML forms of numbers and IVR menus: they parse input only; the rules live in services/menus.py."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicdesk.contacts.models import ContactLanguage
from civicdesk.organisations.forms import DsFormMixin

# The languages every announcements editor offers; others appear once written or added.
ANNOUNCEMENT_LANGUAGES = ("da", "sv", "nb", "en")


class MenuChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, menu):
        return menu.label


def queue_choices(queues, empty_label) -> list[tuple[str, str]]:
    """A select's choices for phone queues, by key (the key is what the services are given, as in the API)."""
    return [("", empty_label), *((queue.key, f"{queue.name} ({queue.key})") for queue in queues)]


class PhoneNumberForm(DsFormMixin, forms.Form):
    """A public number: its digits, a label, and where its calls start (a menu, or straight to a queue)."""

    number = forms.CharField(
        label=pgettext_lazy("phone number", "Number"),
        max_length=32,
        help_text=_("International (+47 57 78 60 00) or national to the municipality's country (57 78 60 00)."),
    )
    label = forms.CharField(label=_("Label"), max_length=120, required=False)
    menu = MenuChoiceField(
        label=_("Menu"),
        queryset=None,
        required=False,
        empty_label=_("No menu"),
        help_text=_("Calls start at this menu of the municipality."),
    )
    queue = forms.ChoiceField(
        label=_("Queue without a menu"),
        required=False,
        help_text=_("Or calls go straight to this queue. Choose a menu or a queue, not both."),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, menus, queues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["menu"].queryset = menus
        self.fields["queue"].choices = queue_choices(queues, _("No queue"))


class MenuCreateForm(DsFormMixin, forms.Form):
    """A new menu: its name and whether it follows the opening hours; what callers hear is written next."""

    label = forms.CharField(
        label=_("Name of the menu"), max_length=120, help_text=_("For example “Gulen kommune, main number”.")
    )
    follows_opening_hours = forms.BooleanField(
        label=_("Follows the opening hours"),
        required=False,
        help_text=_("Outside the municipality's opening hours and on public holidays callers hear the closed message."),
    )


class MenuStepForm(DsFormMixin, forms.Form):
    """One step of a menu: the key that leads to it, its label, and where it leads (a queue, or keys under it)."""

    digit = forms.CharField(
        label=pgettext_lazy("telephone keypad", "Key"),
        max_length=4,
        help_text=_("0–9, * or #: what the caller presses in the step above to get here."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "size": 2}),
    )
    label = forms.CharField(label=_("Label"), max_length=120, help_text=_("For example “Building permits”."))
    queue = forms.ChoiceField(
        label=_("Queue"),
        required=False,
        help_text=_("The caller is put through to this queue. Leave it empty to offer keys under this step."),
    )
    sets_language = forms.ChoiceField(
        label=_("Language from here"),
        required=False,
        choices=[("", _("Unchanged")), *ContactLanguage.choices],
        help_text=_("For example “press 9 for English”: the call is routed in this language from here on."),
    )
    follows_opening_hours = forms.BooleanField(
        label=_("Follows the opening hours"),
        required=False,
        help_text=_("Outside the municipality's opening hours and on public holidays callers hear the closed message."),
    )
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=1000,
        required=False,
        initial=0,
        help_text=_("Steps are listed by this number, then by key."),
    )

    def __init__(self, *args, queues, is_root=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].choices = queue_choices(queues, _("No queue: offer keys"))
        if is_root:
            del self.fields["digit"]  # a menu's first step is where the call starts, not reached by a key

    def changes(self) -> dict:
        """The cleaned values as the services take them (the queue still as its key)."""
        data = dict(self.cleaned_data)
        data["position"] = data.get("position") or 0
        return data


def language_label(code: str) -> str:
    return str(dict(ContactLanguage.choices).get(code, code))


class AnnouncementsForm(DsFormMixin, forms.Form):
    """What callers hear at a step, one text per language: the announcement and the closed message.

    Fields are ``announcement_<language>`` and ``closed_<language>`` for the languages offered (da, sv, nb,
    en), those already written, and any added (by ``?add=`` or posted)."""

    def __init__(self, *args, step, added=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        posted = {name.split("_", 1)[1] for name in (self.data or {}) if name.startswith(("announcement_", "closed_"))}
        wanted = {*ANNOUNCEMENT_LANGUAGES, *step.announcements, *step.closed_announcements, *added, *posted}
        self.languages = [code for code in ContactLanguage.values if code in wanted]
        for code in self.languages:
            language = language_label(code)
            self.fields[f"announcement_{code}"] = forms.CharField(
                label=_("Announcement in %(language)s") % {"language": language},
                required=False,
                initial=step.announcements.get(code, ""),
                widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input"}),
            )
            self.fields[f"closed_{code}"] = forms.CharField(
                label=_("Closed message in %(language)s") % {"language": language},
                required=False,
                initial=step.closed_announcements.get(code, ""),
                widget=forms.Textarea(attrs={"rows": 2, "class": "ds-input"}),
            )
        for name, field in self.fields.items():
            code = name.split("_", 1)[1]
            if len(code) == 2:  # the text is written in that language (a lang attribute for screen readers)
                field.widget.attrs["lang"] = code

    def rows(self):
        """Per language: its name and its two fields, in the order offered."""
        return [
            (code, language_label(code), self[f"announcement_{code}"], self[f"closed_{code}"])
            for code in self.languages
        ]

    def languages_to_add(self) -> list[tuple[str, str]]:
        return [(code, label) for code, label in ContactLanguage.choices if code not in self.languages]

    def changed_texts(self):
        """(field name, language, closed, text) for every text that differs from what is stored."""
        for code in self.languages:
            for closed, name, stored in (
                (False, f"announcement_{code}", self.step.announcements),
                (True, f"closed_{code}", self.step.closed_announcements),
            ):
                text = (self.cleaned_data.get(name) or "").strip()
                if text != stored.get(code, ""):
                    yield name, code, closed, text
