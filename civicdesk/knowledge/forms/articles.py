"""HTML forms of the knowledge base's articles, synonyms, import and export: they parse input only; rules live
in the services."""

import io
import zipfile
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.knowledge import formats, selectors
from civicdesk.knowledge.models import Article, Audience, Language
from civicdesk.lib.errors import DomainError
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.forms import DsFormMixin

# A service's field names → the form field that shows its message.
SERVICE_FIELDS = {"center": "scope", "municipality": "scope"}
ZIP_MAX_FILES = 5000
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson", ".json")


class ServiceErrorsMixin:
    """An ``Invalid`` from a service shown beside the field it names (marked invalid), else above the form."""

    def add_service_error(self, error: DomainError) -> None:
        for name, texts in (error.detail or {error.field: [error.message]}).items():
            if name not in self.fields:
                name = SERVICE_FIELDS.get(name, name)
            for text in texts if isinstance(texts, list) else [texts]:
                if name not in self.fields:
                    self.add_error(None, text)
                    continue
                self.add_error(name, text)
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


class ScopeField(forms.ChoiceField):
    """Shared by a centre, or one municipality's own: one of ``selectors.scopes_to_add``."""

    scopes: dict = {}

    def set_scopes(self, scopes) -> None:
        self.scopes = {scope.key: scope for scope in scopes}
        self.choices = [(scope.key, scope_label(scope)) for scope in scopes]

    def clean(self, value):
        return self.scopes[super().clean(value)]


def scope_label(scope) -> str:
    if scope.municipality is not None:
        return _("%(municipality)s only") % {"municipality": scope.municipality.name}
    return _("Shared by %(center)s") % {"center": scope.center.name}


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, topic):
        if topic.municipality_id:
            return f"{topic.name} ({topic.municipality.name})"
        return topic.name


class ArticleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, article):
        return f"{article.title} ({article.center.name if article.is_shared else article.municipality.name})"


class ArticleMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, article):
        where = article.municipality.name if article.municipality_id else _("shared")
        return f"{article.title} ({where})"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team):
        return f"{team.name} · {team.municipality.name}"


class ArticleForm(ServiceErrorsMixin, DsFormMixin, forms.Form):
    """An article's text and settings; ``scope`` only when it is new, ``note`` only when it changes."""

    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("The question as people ask it."))
    slug = forms.CharField(
        label=_("Short name"),
        max_length=80,
        required=False,
        help_text=_(
            "Small letters a-z, digits and hyphens: the article's address on the help pages. "
            "Left empty, it is made from the title."
        ),
    )
    body = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 14}),
        strip=False,
        help_text=_("Markdown: **bold**, *italic*, lists with -, links as [text](https://…), tables."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    audience = forms.ChoiceField(label=_("Who may read it"), choices=Audience.choices, initial=Audience.PUBLIC)
    scope = ScopeField(label=_("Whose article"))
    variant_of = ArticleChoiceField(
        label=_("Local variant of"),
        queryset=None,
        required=False,
        help_text=_("Only for a municipality's own article: the shared article it answers differently."),
    )
    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    owner_team = TeamChoiceField(label=_("Owner team"), queryset=None, required=False)
    owner_person = PersonChoiceField(label=_("Owner (person)"), queryset=None, required=False)
    review_at = forms.DateField(
        label=_("Review by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The owner is reminded two weeks before."),
    )
    related = ArticleMultipleChoiceField(
        label=_("Related articles"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    note = forms.CharField(
        label=_("What changed"), max_length=200, required=False, help_text=_("Shown in the article's history.")
    )

    def __init__(self, *args, actor, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        if article is None:
            self.fields["scope"].set_scopes(selectors.scopes_to_add(actor=actor))
            del self.fields["note"]
            shared = selectors.shared_article_list(actor=actor)
        else:
            del self.fields["scope"]
            if article.is_shared:
                del self.fields["variant_of"]
            shared = selectors.shared_article_list(actor=actor, municipality=article.municipality)
        if "variant_of" in self.fields:
            self.fields["variant_of"].queryset = shared
        self.fields["topics"].queryset = self._topics(actor, article)
        self.fields["owner_team"].queryset = organisation_selectors.team_list(actor=actor).order_by(
            "municipality__name", "name"
        )
        self.fields["owner_person"].queryset = organisation_selectors.staff_list(actor=actor)
        related = selectors.article_list(actor=actor)
        if article is not None:
            related = related.exclude(pk=article.pk)
        self.fields["related"].queryset = related

    def _topics(self, actor, article: Article | None):
        """The shared topics, and the own topics of the municipality the article is (or may be) local to."""
        topics = organisation_selectors.topic_list(actor=actor).select_related("municipality")
        if article is None:
            local = [scope.municipality for scope in self.fields["scope"].scopes.values() if scope.municipality]
        else:
            local = [article.municipality] if article.municipality else []
        return topics.filter(Q(municipality__isnull=True) | Q(municipality__in=local))

    def changes(self) -> dict:
        """The values ``services.article_update`` takes (without ``links``, which come from the link rows)."""
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "body": formats.normalise_body(data["body"]),
            "language": data["language"],
            "audience": data["audience"],
            "owner_team": data["owner_team"],
            "owner_person": data["owner_person"],
            "review_at": data["review_at"],
        }


class LinkForm(DsFormMixin, forms.Form):
    """One link from the article to a self-service form or a booking type."""

    label = forms.CharField(label=_("Link text"), max_length=120, required=False)
    url = forms.CharField(
        label=_("Address (URL)"),
        max_length=500,
        required=False,
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(),
    )

    def clean(self):
        data = super().clean()
        if data.get("url") and not data.get("label"):
            self.add_error("label", _("Write the text the link shows."))
        if data.get("label") and not data.get("url") and "url" not in self.errors:
            self.add_error("url", _("Write the address, starting with https://."))
        return data


LinkFormSet = forms.formset_factory(LinkForm, extra=2, max_num=20, absolute_max=30, validate_max=True)


def links_of(formset) -> list[dict]:
    return [
        {"label": row["label"].strip(), "url": row["url"].strip()}
        for row in formset.cleaned_data
        if row.get("label") and row.get("url")
    ]


class ArticleFilterForm(DsFormMixin, forms.Form):
    """The article list's filters, fed to ``selectors.article_list``."""

    SHARED = "shared"

    q = forms.CharField(label=_("Title contains"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *Article.Status.choices], required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[("", _("Any")), *Language.choices], required=False)
    owner = forms.ChoiceField(label=_("Whose"), required=False)
    audience = forms.ChoiceField(label=_("Readers"), choices=[("", _("Any")), *Audience.choices], required=False)
    review_due = forms.BooleanField(label=_("Only those due for review"), required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = {m.slug: m for m in municipalities}
        self.fields["owner"].choices = [
            ("", _("All")),
            (self.SHARED, _("Shared by the centre")),
            *[(m.slug, m.name) for m in municipalities],
        ]
        self.fields["review_due"].widget.attrs["class"] = "ds-input"

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        owner = data.get("owner", "")
        return {
            "search": data.get("q", ""),
            "status": data.get("status", ""),
            "language": data.get("language", ""),
            "audience": data.get("audience", ""),
            "shared_only": owner == self.SHARED,
            "municipality": self.municipalities.get(owner),
            "review_due": data.get("review_due", False),
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Article.Status.choices)


class RestoreForm(forms.Form):
    version = forms.IntegerField(min_value=1)


class DiffForm(DsFormMixin, forms.Form):
    older = forms.TypedChoiceField(label=_("Older version"), coerce=int)
    newer = forms.TypedChoiceField(label=_("Newer version"), coerce=int)

    def __init__(self, *args, versions: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("older", "newer"):
            self.fields[name].choices = [(number, _("Version %(number)s") % {"number": number}) for number in versions]


class MissingKnowledgeForm(DsFormMixin, forms.Form):
    PERIODS = [("7", _("Last 7 days")), ("30", _("Last 30 days")), ("90", _("Last 90 days")), ("365", _("Last year"))]

    m = forms.ChoiceField(label=_("Municipality"), required=False)
    period = forms.ChoiceField(label=_("Asked in"), choices=PERIODS, required=False, initial="30")

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = {m.slug: m for m in municipalities}
        self.fields["m"].choices = [("", _("All I reach")), *[(m.slug, m.name) for m in municipalities]]

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        days = int(data.get("period") or 30)
        return {
            "municipality": self.municipalities.get(data.get("m", "")),
            "since": timezone.now() - timedelta(days=days),
        }


class SynonymForm(ServiceErrorsMixin, DsFormMixin, forms.Form):
    scope = ScopeField(label=_("Whose words"))
    terms = forms.CharField(
        label=_("Words that mean the same"),
        max_length=400,
        help_text=_("Separated by =, for example: storskrald = grovaffald = storaffald"),
    )

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].set_scopes(scopes)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def upload_max_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class KnowledgeImportForm(ServiceErrorsMixin, DsFormMixin, forms.Form):
    """A JSON Lines file, Markdown files, or a .zip of Markdown files, read into records and problems."""

    center = forms.ModelChoiceField(label=_("Centre"), queryset=None, empty_label=None)
    files = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "One JSON Lines file (.jsonl), Markdown files with front matter (.md; up to 100), or a .zip of "
            "Markdown files."
        ),
    )
    only_valid = forms.BooleanField(
        label=_("Import the rows without problems"),
        required=False,
        help_text=_("Without this, any problem means nothing is imported."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only"), required=False, help_text=_("Shows what would happen; nothing is written.")
    )

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers
        for name in ("only_valid", "dry_run"):
            self.fields[name].widget.attrs["class"] = "ds-input"

    def clean_files(self):
        uploads = self.cleaned_data.get("files") or []
        limit = upload_max_bytes()
        if sum(upload.size for upload in uploads) > limit:
            raise forms.ValidationError(
                _("The files are larger than %(limit)s together.") % {"limit": filesizeformat(limit)}
            )
        names = [upload.name.lower() for upload in uploads]
        if any(name.endswith(".zip") for name in names) and len(uploads) > 1:
            raise forms.ValidationError(_("Upload one .zip file on its own."))
        if any(name.endswith(JSON_LINES_SUFFIXES) for name in names) and len(uploads) > 1:
            raise forms.ValidationError(_("Upload one JSON Lines file on its own."))
        if not all(name.endswith((".zip", *JSON_LINES_SUFFIXES, *formats.MARKDOWN_SUFFIXES)) for name in names):
            raise forms.ValidationError(_("Upload .jsonl, .md or .zip files."))
        return uploads

    def records(self) -> tuple[list[formats.ArticleRecord], list[formats.Problem]]:
        """What the uploaded files say, and every problem reading them."""
        uploads = self.cleaned_data["files"]
        first = uploads[0]
        if first.name.lower().endswith(JSON_LINES_SUFFIXES):
            return formats.read_json_lines(first.read())
        if first.name.lower().endswith(".zip"):
            return self._zip_records(first)
        return formats.read_markdown_files({upload.name: upload.read() for upload in uploads})

    def _zip_records(self, upload):
        try:
            archive = zipfile.ZipFile(io.BytesIO(upload.read()))
        except zipfile.BadZipFile:
            return [], [formats.Problem(upload.name, _("The file is not a .zip archive."))]
        entries = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(formats.MARKDOWN_SUFFIXES)
            and not any(part.startswith((".", "__MACOSX")) for part in info.filename.split("/"))
        ]
        limit = upload_max_bytes()
        if len(entries) > ZIP_MAX_FILES or sum(info.file_size for info in entries) > limit:
            message = _("Unpacked, the archive is larger than %(limit)s or holds more than %(files)s files.") % {
                "limit": filesizeformat(limit),
                "files": ZIP_MAX_FILES,
            }
            return [], [formats.Problem(upload.name, message)]
        if not entries:
            return [], [formats.Problem(upload.name, _("There are no Markdown files (.md) in the archive."))]
        try:
            return formats.read_markdown_files({info.filename: archive.read(info) for info in entries})
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError):
            return [], [formats.Problem(upload.name, _("The archive could not be unpacked."))]


class KnowledgeExportForm(DsFormMixin, forms.Form):
    FORMATS = [("jsonl", _("JSON Lines (.jsonl)")), ("markdown", _("Markdown files (.zip)"))]

    center = forms.ModelChoiceField(label=_("Centre"), queryset=None, empty_label=None, to_field_name="slug")
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="jsonl")

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers
