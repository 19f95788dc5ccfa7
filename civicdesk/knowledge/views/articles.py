"""Keeping the knowledge base, as pages: the article list (with what is due for review), writing and editing an
article with a preview of its Markdown, an article as readers see it with its status buttons, its versions with a
diff and restore, what people asked without finding an answer, synonyms, and import and export."""

import io
import zipfile
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import SelectMultiple
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.knowledge import formats, imports, markdown, selectors, services
from civicdesk.knowledge.forms import (
    ArticleFilterForm,
    ArticleForm,
    DiffForm,
    KnowledgeExportForm,
    KnowledgeImportForm,
    LinkFormSet,
    MissingKnowledgeForm,
    RestoreForm,
    StatusForm,
    SynonymForm,
    links_of,
    scope_label,
)
from civicdesk.knowledge.models import Article, Language, SynonymGroup
from civicdesk.lib.errors import Invalid, NotFound
from civicdesk.organisations import selectors as organisation_selectors
from civicdesk.organisations.access import is_staff_actor

PER_PAGE = 25
EDITOR = "knowledge/article_form.html"
SAFE_LINK_SCHEMES = ("https://", "http://")


def staff_only(view):
    """These pages are for those who keep the knowledge base: citizens and employees read it on the help pages
    (which do not show who wrote what)."""

    @login_required
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not is_staff_actor(request.actor):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


# --- The list -------------------------------------------------------------------------------------------------


@staff_only
def article_list(request):
    municipalities = organisation_selectors.municipality_list(actor=request.actor).order_by("name")
    form = ArticleFilterForm(request.GET or None, municipalities=municipalities)
    articles = selectors.article_list(actor=request.actor, **form.selector_kwargs())
    page = Paginator(articles, PER_PAGE).get_page(request.GET.get("page"))
    rates = selectors.answer_rates(actor=request.actor, articles=[article.pk for article in page])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(article, *rates.get(article.pk, (0, 0))) for article in page],
        "query": query.urlencode(),
        "review_due_count": selectors.article_review_due_count(actor=request.actor),
        "review_due_by": selectors.review_due_by(),
        "can_add": bool(selectors.scopes_to_add(actor=request.actor)),
    }
    return render(request, "knowledge/article_list.html", context)


# --- Writing and editing ----------------------------------------------------------------------------------------


def _unbound(form: ArticleForm, actor, article) -> ArticleForm:
    """The same form, unbound, showing what was typed: a preview must not mark fields as wrong."""
    data = form.data
    initial = {
        name: data.getlist(name) if isinstance(field.widget, SelectMultiple) else data.get(name)
        for name, field in form.fields.items()
    }
    return ArticleForm(actor=actor, article=article, initial=initial)


def _unbound_links(links):
    data, rows = links.data, []
    try:
        total = min(int(data.get("links-TOTAL_FORMS", 0)), 30)
    except ValueError:
        total = 0
    for number in range(total):
        row = {"label": data.get(f"links-{number}-label", ""), "url": data.get(f"links-{number}-url", "")}
        if row["label"] or row["url"]:
            rows.append(row)
    return LinkFormSet(initial=rows, prefix="links")


def _editor(request, form, links, article=None, preview=None, status=200):
    if preview is None and request.method == "POST" and "preview" in request.POST:
        body = request.POST.get("body", "")
        preview = mark_safe(markdown.render(body))  # markdown.render keeps only its allow-list
        if request.htmx:
            return render(request, EDITOR + "#preview", {"preview": preview, "previewed": True})
        form, links = _unbound(form, request.actor, article), _unbound_links(links)
    context = {
        "form": form,
        "links": links,
        "article": article,
        "preview": preview,
        "previewed": preview is not None,
        "scope_label": scope_label(selectors.Scope(article.center, article.municipality)) if article else "",
    }
    return render(request, EDITOR, context, status=status)


def _create_initial(request, form: ArticleForm) -> dict:
    """A new article starts in the actor's language, and may come with a title (from the missing list) and a
    municipality (``?m=slug``)."""
    language = getattr(request.actor, "language", "")
    initial = {"language": language if language in Language.values else Language.BOKMAL}
    if request.GET.get("title"):
        initial["title"] = request.GET["title"][:200]
    scopes = form.fields["scope"].scopes
    wanted = request.GET.get("m")
    chosen = [key for key, scope in scopes.items() if scope.municipality and scope.municipality.slug == wanted]
    if chosen:
        initial["scope"] = chosen[0]
    return initial


@staff_only
def article_create(request):
    posted = request.method == "POST"
    form = ArticleForm(request.POST if posted else None, actor=request.actor)
    if not form.fields["scope"].scopes:
        raise PermissionDenied
    links = LinkFormSet(request.POST if posted else None, prefix="links")
    if not posted:
        form.initial = _create_initial(request, form)
        return _editor(request, form, links)
    if "preview" in request.POST:
        return _editor(request, form, links)
    if form.is_valid() & links.is_valid():
        data, scope = form.cleaned_data, form.cleaned_data["scope"]
        try:
            with transaction.atomic():
                article = services.article_create(
                    actor=request.actor,
                    center=scope.center,
                    municipality=scope.municipality,
                    slug=data["slug"].strip(),
                    topics=list(data["topics"]),
                    variant_of=data["variant_of"],
                    links=links_of(links),
                    **form.changes(),
                )
                services.article_related_set(actor=request.actor, article=article, related=list(data["related"]))
        except Invalid as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The article is saved as a draft."))
            return redirect("knowledge:article_detail", pk=article.pk)
    return _editor(request, form, links, status=422)


def _edit_initial(article: Article) -> dict:
    return {
        "title": article.title,
        "slug": article.slug,
        "body": article.body,
        "language": article.language,
        "audience": article.audience,
        "variant_of": article.variant_of_id,
        "topics": list(article.topics.values_list("pk", flat=True)),
        "owner_team": article.owner_team_id,
        "owner_person": article.owner_person_id,
        "review_at": article.review_at,
        "related": list(article.related.values_list("pk", flat=True)),
    }


def _changeable(request, pk: int) -> Article:
    article = selectors.article_get(actor=request.actor, article_id=pk)
    if not selectors.can_change(actor=request.actor, obj=article):
        raise PermissionDenied
    return article


@staff_only
def article_edit(request, pk: int):
    article = _changeable(request, pk)
    posted = request.method == "POST"
    form = ArticleForm(request.POST if posted else None, actor=request.actor, article=article)
    links = LinkFormSet(request.POST if posted else None, prefix="links", initial=None if posted else article.links)
    if not posted:
        form.initial = _edit_initial(article)
        return _editor(request, form, links, article)
    if "preview" in request.POST:
        return _editor(request, form, links, article)
    if form.is_valid() & links.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.article_slug_set(actor=request.actor, article=article, slug=data["slug"])
                services.article_update(
                    actor=request.actor,
                    article=article,
                    note=data["note"].strip(),
                    topics=list(data["topics"]),
                    links=links_of(links),
                    **form.changes(),
                )
                if "variant_of" in form.fields:
                    services.article_variant_set(actor=request.actor, article=article, variant_of=data["variant_of"])
                services.article_related_set(actor=request.actor, article=article, related=list(data["related"]))
        except Invalid as error:
            form.add_service_error(error)
            article = selectors.article_get(actor=request.actor, article_id=pk)  # as it is, not as typed
        else:
            messages.success(request, _("Saved."))
            return redirect("knowledge:article_detail", pk=article.pk)
    return _editor(request, form, links, article, status=422)


# --- One article --------------------------------------------------------------------------------------------------


def _safe_links(article: Article) -> list[dict]:
    """Only web addresses become links: a stored ``javascript:`` address is shown as text, never followed."""
    rows = []
    for link in article.links if isinstance(article.links, list) else []:
        if isinstance(link, dict) and link.get("label") and isinstance(link.get("url"), str):
            rows.append({**link, "safe": link["url"].lower().startswith(SAFE_LINK_SCHEMES)})
    return rows


def _variant_of(request, article: Article) -> Article | None:
    if article.variant_of_id is None:
        return None
    try:
        return selectors.article_get(actor=request.actor, article_id=article.variant_of_id)
    except NotFound:  # a shared article the reader may not see is simply not named
        return None


@staff_only
def article_detail(request, pk: int):
    article = selectors.article_get(actor=request.actor, article_id=pk)
    helped, not_helped = selectors.answer_rates(actor=request.actor, articles=[article.pk]).get(article.pk, (0, 0))
    context = {
        "article": article,
        "body": mark_safe(markdown.render(article.body)),  # markdown.render keeps only its allow-list
        "scope_label": scope_label(selectors.Scope(article.center, article.municipality)),
        "topics": list(article.topics.all()),
        "related": selectors.article_related(actor=request.actor, article=article),
        "variants": selectors.article_variants(actor=request.actor, article=article),
        "variant_of": _variant_of(request, article),
        "links": _safe_links(article),
        "helped": helped,
        "not_helped": not_helped,
        "can_change": selectors.can_change(actor=request.actor, obj=article),
        "statuses": Article.Status.choices,
    }
    return render(request, "knowledge/article_detail.html", context)


@staff_only
@require_POST
def article_status(request, pk: int):
    article = selectors.article_get(actor=request.actor, article_id=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("knowledge:article_detail", pk=pk)
    article = services.article_status_set(actor=request.actor, article=article, status=form.cleaned_data["status"])
    messages.success(request, _("The article is now: %(status)s.") % {"status": article.get_status_display()})
    return redirect("knowledge:article_detail", pk=pk)


# --- Versions ------------------------------------------------------------------------------------------------------


def _diff_rows(lines: list[str]) -> list[tuple[str, str]]:
    """Unified diff lines as (kind, text): "added", "removed", "same", or "gap" between distant changes."""
    rows = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            rows.append(("gap", ""))
        elif line.startswith("+"):
            rows.append(("added", line[1:]))
        elif line.startswith("-"):
            rows.append(("removed", line[1:]))
        else:
            rows.append(("same", line[1:]))
    return rows


@staff_only
def article_versions(request, pk: int):
    article = selectors.article_get(actor=request.actor, article_id=pk)
    versions = list(selectors.article_versions(actor=request.actor, article=article))
    numbers = [v.version for v in versions]
    defaults = {"older": numbers[1] if len(numbers) > 1 else numbers[-1], "newer": numbers[0]} if numbers else {}
    diff_form = DiffForm(request.GET if "older" in request.GET else defaults, versions=numbers)
    diff, shown, status = None, None, 200
    if numbers and diff_form.is_valid():
        older, newer = sorted([diff_form.cleaned_data["older"], diff_form.cleaned_data["newer"]])
        diff = _diff_rows(selectors.article_diff(actor=request.actor, article=article, older=older, newer=newer))
        shown = (older, newer)
    elif numbers:
        status = 422
    context = {
        "article": article,
        "versions": versions,
        "diff_form": diff_form,
        "diff": diff,
        "shown": shown,
        "can_change": selectors.can_change(actor=request.actor, obj=article),
    }
    return render(request, "knowledge/article_versions.html", context, status=status)


@staff_only
@require_POST
def article_restore(request, pk: int):
    article = selectors.article_get(actor=request.actor, article_id=pk)
    form = RestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a version."))
        return redirect("knowledge:article_versions", pk=pk)
    version = form.cleaned_data["version"]
    article = services.article_restore(actor=request.actor, article=article, version=version)
    messages.success(
        request,
        _("Version %(old)s is restored as version %(new)s.") % {"old": version, "new": article.version},
    )
    return redirect("knowledge:article_versions", pk=pk)


# --- What is missing, and synonyms ---------------------------------------------------------------------------------


@staff_only
def missing_knowledge(request):
    municipalities = organisation_selectors.municipality_list(actor=request.actor).order_by("name")
    form = MissingKnowledgeForm(request.GET or None, municipalities=municipalities)
    context = {
        "form": form,
        "missing": selectors.missing_knowledge(actor=request.actor, **form.selector_kwargs()),
        "can_add": bool(selectors.scopes_to_add(actor=request.actor)),
    }
    return render(request, "knowledge/missing_knowledge.html", context)


def _synonyms_page(request, form, status=200):
    groups = list(selectors.synonym_list(actor=request.actor))
    context = {
        "form": form,
        "rows": [
            (
                group,
                scope_label(selectors.Scope(group.center, group.municipality)),
                selectors.can_change(actor=request.actor, obj=group),
            )
            for group in groups
        ],
    }
    return render(request, "knowledge/synonyms.html", context, status=status)


@staff_only
def synonyms(request):
    """GET: the synonym groups and a form to add one. POST ``terms``: add; POST ``delete=<id>``: remove."""
    scopes = selectors.scopes_to_add(actor=request.actor, model=SynonymGroup)
    if request.method != "POST":
        return _synonyms_page(request, SynonymForm(scopes=scopes) if scopes else None)
    if request.POST.get("delete"):
        try:
            group_id = int(request.POST["delete"])
        except ValueError:
            raise Http404 from None
        group = selectors.synonym_get(actor=request.actor, group_id=group_id)
        services.synonyms_delete(actor=request.actor, group=group)
        messages.success(request, _("Removed: %(terms)s") % {"terms": group.terms})
        return redirect("knowledge:synonyms")
    if not scopes:
        raise PermissionDenied
    form = SynonymForm(request.POST, scopes=scopes)
    if form.is_valid():
        scope = form.cleaned_data["scope"]
        try:
            group = services.synonyms_set(
                actor=request.actor,
                terms=form.cleaned_data["terms"],
                center=scope.center,
                municipality=scope.municipality,
            )
        except Invalid as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Added: %(terms)s") % {"terms": group.terms})
            return redirect("knowledge:synonyms")
    return _synonyms_page(request, form, status=422)


# --- Import and export -----------------------------------------------------------------------------------------------


@staff_only
def knowledge_import(request):
    """GET: the upload form. POST: import the files (or only check them), showing the counts and every problem."""
    if not selectors.scopes_to_add(actor=request.actor):
        raise PermissionDenied
    centers = organisation_selectors.center_list(actor=request.actor).order_by("name")
    posted = request.method == "POST"
    form = KnowledgeImportForm(request.POST if posted else None, request.FILES if posted else None, centers=centers)
    result = None
    if posted and form.is_valid():
        records, problems = form.records()
        try:
            result = imports.knowledge_import(
                actor=request.actor,
                center=form.cleaned_data["center"],
                records=records,
                problems=problems,
                only_valid=form.cleaned_data["only_valid"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except Invalid as error:
            form.add_service_error(error)
        else:
            if result.applied and not result.problems:
                messages.success(
                    request,
                    _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.") % result.counts,
                )
    context = {
        "form": form,
        "result": result,
        "export_form": KnowledgeExportForm(centers=centers, auto_id="export_%s"),
    }
    failed = form.errors or (result is not None and result.problems and not result.applied)
    return render(request, "knowledge/knowledge_import.html", context, status=422 if failed else 200)


def _markdown_zip(records) -> bytes:
    """One ``<slug>.md`` per shared article, and ``<municipality>/<slug>.md`` per local one (a local variant may
    have its shared article's slug)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            name, text = formats.markdown_file(record)
            archive.writestr(f"{record.municipality}/{name}" if record.municipality else name, text)
    return buffer.getvalue()


@staff_only
def knowledge_export(request):
    """GET ``center`` (a slug; the first the actor reaches when missing) and ``format``: jsonl or markdown."""
    centers = organisation_selectors.center_list(actor=request.actor).order_by("name")
    first = centers.first()
    if first is None:
        raise Http404
    data = {"center": request.GET.get("center") or first.slug, "format": request.GET.get("format") or "jsonl"}
    form = KnowledgeExportForm(data, centers=centers)
    if not form.is_valid():
        raise Http404
    center = form.cleaned_data["center"]
    records = imports.knowledge_export(actor=request.actor, center=center)
    if form.cleaned_data["format"] == "markdown":
        response = HttpResponse(_markdown_zip(records), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="knowledge-{center.slug}.zip"'
        return response
    response = HttpResponse(formats.write_json_lines(records), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="knowledge-{center.slug}.jsonl"'
    return response
