"""HTML forms of organisations: they parse input only; rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.organisations.access import Permission
from civicdesk.organisations.models import Language, Municipality, Role, ServiceCenter


class DsFormMixin:
    """Designsystemet classes on every widget, and aria-invalid/aria-describedby on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class MunicipalityForm(DsFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, help_text=_("For example Europe/Oslo."))
    brand_colour = forms.CharField(
        label=_("Brand colour"), max_length=7, help_text=_("As #rrggbb. Pages get a theme made from it.")
    )
    logo = forms.FileField(label=_("Logo"), required=False, help_text=_("PNG, JPEG or WebP, at most 1 MB."))

    MAX_LOGO_BYTES = 1024 * 1024
    # SVG is left out on purpose: an SVG opened directly runs its scripts on our origin.
    IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo:
            return logo
        if logo.size > self.MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo is larger than 1 MB."))
        head = logo.read(12)
        logo.seek(0)
        is_webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        if not (is_webp or head.startswith(self.IMAGE_SIGNATURES)):
            raise forms.ValidationError(_("The logo must be a PNG, JPEG or WebP image."))
        return logo


class DepartmentForm(DsFormMixin, forms.Form):
    name = forms.CharField(label=_("Department name"), max_length=120)


class TeamForm(DsFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=None)
    name = forms.CharField(label=_("Team name"), max_length=120)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class StaffOnboardForm(DsFormMixin, forms.Form):
    """A municipality admin adds a colleague of the municipality: a caseworker or another admin."""

    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), help_text=_("The invitation to choose a password goes here."))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(Role.CASEWORKER, Role.CASEWORKER.label), (Role.MUNICIPALITY_ADMIN, Role.MUNICIPALITY_ADMIN.label)],
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, help_text=_("For a caseworker: the team they work in.")
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda team: f"{team.department.name} · {team.name}"


class TopicForm(DsFormMixin, forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=80, help_text=_("Lowercase letters, digits and hyphens."))
    parent_key = forms.CharField(label=_("Placed under (key)"), max_length=80, required=False)
    name_da = forms.CharField(label=_("Name in Danish"), max_length=160, required=False)
    name_sv = forms.CharField(label=_("Name in Swedish"), max_length=160, required=False)
    name_nb = forms.CharField(label=_("Name in Norwegian Bokmål"), max_length=160, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=160, required=False)
    kle_number = forms.CharField(label=_("KLE number"), max_length=20, required=False)
    los_uri = forms.URLField(label=_("LOS concept URI"), max_length=300, required=False, assume_scheme="https")


class TopicImportForm(DsFormMixin, forms.Form):
    class Format:
        CSV = "csv"
        KLE = "kle"
        LOS = "los"

    FORMAT_CHOICES = [
        ("csv", _("CSV (civicdesk)")),
        ("kle", _("KLE XML (your municipality's own copy)")),
        ("los", _("LOS (SKOS RDF/XML)")),
    ]
    MAX_BYTES = 5 * 1024 * 1024

    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
    file = forms.FileField(label=_("File"), help_text=_("At most 5 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class MembershipForm(DsFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    center = forms.ModelChoiceField(label=_("Service centre"), queryset=ServiceCenter.objects.none())

    def __init__(self, *args, municipalities, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["center"].queryset = centers


class AuditSearchForm(DsFormMixin, forms.Form):
    action = forms.CharField(label=_("Action"), required=False, help_text=_("For example topic. or user.read"))
    actor_label = forms.CharField(label=_("Who"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ApiTokenForm(DsFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("What uses it, e.g. telephony."))
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None, required=False)
    center = forms.ModelChoiceField(label=_("Service centre"), queryset=None, required=False)
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=[(p, p) for p in Permission.ALL],
        widget=forms.CheckboxSelectMultiple,
        initial=[Permission.READ],
    )

    def __init__(self, *args, municipalities, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["center"].queryset = centers
