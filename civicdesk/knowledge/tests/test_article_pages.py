"""The pages for keeping the knowledge base, as their users see them: the article list with its filters and the
review-due count, writing a shared article or a local variant, errors beside their fields, editing (a new version),
the diff between versions and restoring one, status buttons, who may see and change what, synonyms, missing
knowledge, and import and export."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from civicdesk.knowledge import imports, services
from civicdesk.knowledge.formats import ArticleRecord
from civicdesk.knowledge.models import Article, Audience, SearchEntry, SynonymGroup
from civicdesk.lib.errors import Forbidden, Invalid
from civicdesk.organisations import services as organisation_services
from civicdesk.organisations.models import Role, Team

PUBLISHED = Article.Status.PUBLISHED


@pytest.fixture
def shared(supervisor, nordhordland):
    """The centre's shared answer about lending an electric bike."""
    return services.article_create(
        actor=supervisor,
        center=nordhordland,
        title="Lån av elsykkel",
        body="Elsyklar kan lånast i to veker.\n\nBestill på nettsida.",
        language="nb",
        status=PUBLISHED,
    )


@pytest.fixture
def gulen_local(municipality_admin, gulen):
    """Gulen's own article, not a variant of anything."""
    return services.article_create(
        actor=municipality_admin,
        municipality=gulen,
        title="Parkering ved rådhuset i Gulen",
        body="Gratis parkering bak rådhuset.",
        language="nn",
        audience=Audience.INTERNAL,
    )


@pytest.fixture
def osteroy_admin(platform_admin, osteroy):
    """Another municipality's admin, served by the same centre."""
    return organisation_services.staff_onboard(
        actor=platform_admin,
        username="osteroy.admin",
        first_name="Oda",
        last_name="Osterøy",
        email="osteroy.admin@demo.civicdesk.test",
        role=Role.MUNICIPALITY_ADMIN,
        municipality=osteroy,
    )


def _form(scope: str, **fields) -> dict:
    data = {
        "title": "Elsykkel-utlån",
        "slug": "",
        "body": "Søk om bustøtte hos Husbanken.",
        "language": "nb",
        "audience": "public",
        "scope": scope,
        "links-TOTAL_FORMS": "2",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "20",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def _edit_form(article: Article, **fields) -> dict:
    data = _form(
        None,
        title=article.title,
        slug=article.slug,
        body=article.body,
        language=article.language,
        audience=article.audience,
    )
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


# --- The list ------------------------------------------------------------------------------------------------


def test_the_list_shows_scope_status_version_owner_and_answer_rates(
    client_for, supervisor, agent, gulen, shared, gulen_local, django_assert_max_num_queries
):
    team = Team.objects.filter(municipality=gulen).first()
    services.article_update(actor=supervisor, article=shared, owner_team=team, owner_person=supervisor)
    services.answer_feedback_give(actor=agent, article=shared, helped=True, municipality=gulen)
    services.answer_feedback_give(actor=agent, article=shared, helped=True, municipality=gulen)
    services.answer_feedback_give(actor=agent, article=shared, helped=False, municipality=gulen)
    client = client_for(supervisor)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("knowledge:article_list") + "?q=elsykkel").content.decode()
    row = page[page.index("Lån av elsykkel") :].split("</tr>")[0]
    assert "Shared" in row and "Published" in row and "<td>2</td>" in row
    assert team.name in row and "Kari Nordmann" in row
    assert "<td>2</td>\n        <td>1</td>" in row  # helped twice, did not help once
    page = client.get(reverse("knowledge:article_list") + "?q=rådhuset").content.decode()
    local_row = page[page.index("Parkering ved rådhuset i Gulen") :].split("</tr>")[0]
    assert "Gulen" in local_row and "Draft" in local_row


def test_a_page_of_the_list_costs_the_same_few_queries_however_many_articles(
    client_for, supervisor, agent, nordhordland, gulen, django_assert_max_num_queries
):
    for number in range(30):
        article = services.article_create(
            actor=supervisor, center=nordhordland, title=f"Svar {number}", body="Tekst", language="nb",
            owner_person=supervisor,
        )  # fmt: skip
        services.answer_feedback_give(actor=agent, article=article, helped=True, municipality=gulen)
    client = client_for(supervisor)
    for query in ("", "?page=2", "?review_due=on&status=draft"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse("knowledge:article_list") + query).status_code == 200


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=elsykkel", "Lån av elsykkel", "Parkering ved"),
        ("status=draft", "Parkering ved", "Lån av elsykkel"),
        ("language=nb", "Lån av elsykkel", "Parkering ved"),
        ("owner=shared", "Lån av elsykkel", "Parkering ved"),
        ("owner=gulen", "Parkering ved", "Lån av elsykkel"),
        ("audience=internal", "Parkering ved", "Lån av elsykkel"),
    ],
)
def test_the_list_filters(client_for, supervisor, shared, gulen_local, query, shown, hidden):
    page = client_for(supervisor).get(reverse("knowledge:article_list") + "?" + query).content.decode()
    table = page[page.index('id="articles-heading"') :]
    assert shown in table and hidden not in table


def test_articles_due_for_review_are_counted_and_can_be_listed(client_for, supervisor, shared, gulen_local):
    today = timezone.localdate()
    before = client_for(supervisor).get(reverse("knowledge:article_list")).context["review_due_count"]
    services.article_update(actor=supervisor, article=shared, review_at=today + timedelta(days=10))
    page = client_for(supervisor).get(reverse("knowledge:article_list")).content.decode()
    assert f"Review due: {before + 1} article" in page
    due = client_for(supervisor).get(reverse("knowledge:article_list") + "?review_due=on").content.decode()
    table = due[due.index('id="articles-heading"') :]
    assert "Lån av elsykkel" in table and "Parkering ved" not in table and "(due)" in table
    services.article_update(actor=supervisor, article=shared, review_at=today + timedelta(days=30))
    assert client_for(supervisor).get(reverse("knowledge:article_list")).context["review_due_count"] == before


# --- Writing -------------------------------------------------------------------------------------------------------


def test_supervisor_writes_a_shared_article_with_topics_links_and_related(client_for, supervisor, nordhordland, shared):
    client = client_for(supervisor)
    page = client.get(reverse("knowledge:article_create")).content.decode()
    assert "Shared by Nordhordland" in page and "Gulen only" not in page  # supervisors keep the shared ones
    topics = client.get(reverse("knowledge:article_create")).context["form"].fields["topics"].queryset
    assert not topics.filter(municipality__isnull=False).exists()  # a shared article takes shared topics
    topic = topics.first()
    response = client.post(
        reverse("knowledge:article_create"),
        _form(
            f"c{nordhordland.pk}",
            topics=[topic.pk],
            related=[shared.pk],
            review_at="2030-01-31",
            **{"links-0-label": "Søknadsskjema", "links-0-url": "https://husbanken.no/bostotte"},
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="elsykkel-utlan")
    assert article.is_shared and article.center == nordhordland and article.status == Article.Status.DRAFT
    assert list(article.topics.all()) == [topic]
    assert list(article.related.all()) == [shared]
    assert article.links == [{"label": "Søknadsskjema", "url": "https://husbanken.no/bostotte"}]
    detail = client.get(response["Location"]).content.decode()
    assert "The article is saved as a draft." in detail
    assert 'href="https://husbanken.no/bostotte"' in detail and "Lån av elsykkel" in detail


def test_admin_writes_a_local_variant_that_both_articles_show(
    client_for, municipality_admin, supervisor, gulen, shared
):
    client = client_for(municipality_admin)
    page = client.get(reverse("knowledge:article_create") + "?m=gulen").content.decode()
    assert "Gulen only" in page and "Shared by" not in page
    response = client.post(
        reverse("knowledge:article_create"),
        _form(f"m{gulen.pk}", title="Elsykkel i Gulen", slug=shared.slug, variant_of=str(shared.pk)),
    )
    assert response.status_code == 302
    variant = Article.objects.get(municipality=gulen, slug=shared.slug)
    assert variant.variant_of == shared
    detail = client.get(response["Location"]).content.decode()
    assert "This is a local variant of the shared article" in detail and "Lån av elsykkel" in detail
    shared_page = client_for(supervisor).get(reverse("knowledge:article_detail", args=[shared.pk])).content.decode()
    assert "Elsykkel i Gulen" in shared_page and "Local variants" in shared_page


def test_errors_are_shown_beside_their_fields_and_everything_typed_is_kept(
    client_for, supervisor, nordhordland, shared
):
    client, articles = client_for(supervisor), Article.objects.count()
    response = client.post(
        reverse("knowledge:article_create"),
        _form(
            f"c{nordhordland.pk}",
            title="Lån av elsykkel",
            body="Eit nytt svar som ikkje må gå tapt.",
            **{"links-0-label": "Skjema", "links-0-url": "javascript:alert(1)"},
        ),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_links-0-url_error"' in page
    assert "Eit nytt svar som ikkje må gå tapt." in page and 'value="Skjema"' in page
    response = client.post(
        reverse("knowledge:article_create"),
        _form(f"c{nordhordland.pk}", title="Lån av elsykkel", body="Eit nytt svar som ikkje må gå tapt."),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_slug_error"' in page and "already has the short name lan-av-elsykkel" in page
    assert 'aria-invalid="true"' in page
    assert 'value="Lån av elsykkel"' in page and "Eit nytt svar som ikkje må gå tapt." in page
    response = client.post(reverse("knowledge:article_create"), _form(f"c{nordhordland.pk}", variant_of=str(shared.pk)))
    assert response.status_code == 422
    assert 'id="id_variant_of_error"' in response.content.decode()
    assert Article.objects.count() == articles


def test_preview_shows_the_safe_markdown_without_saving(client_for, supervisor, nordhordland):
    client, articles = client_for(supervisor), Article.objects.count()
    data = _form(f"c{nordhordland.pk}", title="", body="**Viktig** <script>alert(1)</script>", preview="1")
    partial = client.post(reverse("knowledge:article_create"), data, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    html = partial.content.decode()
    assert 'id="article-preview"' in html and "<strong>Viktig</strong>" in html
    assert "<script>" not in html and "<html" not in html
    full = client.post(reverse("knowledge:article_create"), data).content.decode()
    assert "<strong>Viktig</strong>" in full and "&lt;script&gt;" in full  # the typed text stays in the textarea
    assert 'aria-invalid="true"' not in full  # a preview does not complain about the empty title
    assert Article.objects.count() == articles


# --- Editing, versions, status -----------------------------------------------------------------------------


def test_editing_makes_a_new_version_with_the_note(client_for, supervisor, shared):
    client = client_for(supervisor)
    page = client.get(reverse("knowledge:article_edit", args=[shared.pk])).content.decode()
    assert "Elsyklar kan lånast i to veker." in page
    response = client.post(
        reverse("knowledge:article_edit", args=[shared.pk]),
        _edit_form(shared, body="Elsyklar kan lånast i ei veke.", note="Ny rute frå 2026"),
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.version == 2 and shared.body == "Elsyklar kan lånast i ei veke."
    history = client.get(reverse("knowledge:article_versions", args=[shared.pk])).content.decode()
    assert "Ny rute frå 2026" in history and "Kari Nordmann" in history


def test_the_diff_shows_removed_and_added_lines_in_words_not_only_colour(client_for, supervisor, shared):
    services.article_update(actor=supervisor, article=shared, body="Elsyklar kan lånast i ei veke.")
    page = client_for(supervisor).get(reverse("knowledge:article_versions", args=[shared.pk]) + "?older=1&newer=2")
    html = page.content.decode()
    assert "<del>Elsyklar kan lånast i to veker.</del>" in html
    assert "<ins>Elsyklar kan lånast i ei veke.</ins>" in html
    assert "Removed" in html and "Added" in html
    assert "What changed from version 1 to version 2" in html


def test_restoring_an_old_version_makes_a_new_one(client_for, supervisor, shared):
    services.article_update(actor=supervisor, article=shared, body="Feil tekst.")
    client = client_for(supervisor)
    response = client.post(reverse("knowledge:article_restore", args=[shared.pk]), {"version": "1"})
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.version == 3 and shared.body.startswith("Elsyklar kan lånast i to veker")
    assert "Version 1 is restored as version 3." in client.get(response["Location"]).content.decode()


def test_status_buttons_move_an_article_through_review_to_published(client_for, municipality_admin, gulen_local):
    client = client_for(municipality_admin)
    page = client.get(reverse("knowledge:article_detail", args=[gulen_local.pk])).content.decode()
    assert 'value="published"' in page and 'value="in_review"' in page
    for status in ("in_review", "published"):
        response = client.post(reverse("knowledge:article_status", args=[gulen_local.pk]), {"status": status})
        assert response.status_code == 302
    gulen_local.refresh_from_db()
    assert gulen_local.status == PUBLISHED and gulen_local.published_at is not None
    assert "The article is now: Published." in client.get(response["Location"]).content.decode()


# --- Who may do what -------------------------------------------------------------------------------------------


def test_an_agent_reads_but_sees_no_edit_buttons_and_may_not_change(client_for, agent, shared):
    client = client_for(agent)
    page = client.get(reverse("knowledge:article_detail", args=[shared.pk])).content.decode()
    assert "Elsyklar kan lånast i to veker." in page
    assert reverse("knowledge:article_edit", args=[shared.pk]) not in page and 'name="status"' not in page
    assert "Write an article" not in client.get(reverse("knowledge:article_list")).content.decode()
    assert client.get(reverse("knowledge:article_edit", args=[shared.pk])).status_code == 403
    assert client.get(reverse("knowledge:article_create")).status_code == 403
    assert client.post(reverse("knowledge:article_edit", args=[shared.pk]), _edit_form(shared)).status_code == 403
    assert client.post(reverse("knowledge:article_status", args=[shared.pk]), {"status": "archived"}).status_code == 403
    assert client.post(reverse("knowledge:article_restore", args=[shared.pk]), {"version": "1"}).status_code == 403
    shared.refresh_from_db()
    assert shared.status == PUBLISHED and shared.version == 1


def test_citizens_read_the_help_pages_not_these(client_for, citizen, shared):
    client = client_for(citizen)
    assert client.get(reverse("knowledge:article_list")).status_code == 403
    assert client.get(reverse("knowledge:article_versions", args=[shared.pk])).status_code == 403
    assert client.get(reverse("knowledge:missing_knowledge")).status_code == 403


def test_a_municipality_admin_may_not_change_the_centres_shared_article(client_for, municipality_admin, shared):
    client = client_for(municipality_admin)
    assert client.get(reverse("knowledge:article_detail", args=[shared.pk])).status_code == 200
    assert client.post(reverse("knowledge:article_status", args=[shared.pk]), {"status": "archived"}).status_code == 403


def test_another_municipalitys_admin_can_neither_see_nor_change_gulens_article(
    client_for, osteroy_admin, outsider, gulen_local
):
    for user in (osteroy_admin, outsider):
        client = client_for(user)
        for name in ("article_detail", "article_edit", "article_versions"):
            assert client.get(reverse(f"knowledge:{name}", args=[gulen_local.pk])).status_code == 404
        assert (
            client.post(reverse("knowledge:article_status", args=[gulen_local.pk]), {"status": "published"})
        ).status_code == 404
        assert "Parkering ved" not in client.get(reverse("knowledge:article_list")).content.decode()


# --- Synonyms and missing knowledge ----------------------------------------------------------------------------


def test_an_admin_adds_and_removes_synonyms(client_for, municipality_admin, agent, gulen):
    client = client_for(municipality_admin)
    response = client.post(
        reverse("knowledge:synonyms"), {"scope": f"m{gulen.pk}", "terms": "storskrald = grovaffald, storaffald"}
    )
    assert response.status_code == 302
    group = SynonymGroup.objects.get(municipality=gulen, terms__startswith="storskrald")
    assert group.terms == "storskrald = grovaffald = storaffald"
    page = client.get(reverse("knowledge:synonyms")).content.decode()
    assert "storskrald = grovaffald = storaffald" in page and "Gulen only" in page
    agent_client = client_for(agent)
    agent_page = agent_client.get(reverse("knowledge:synonyms")).content.decode()
    assert "storskrald" in agent_page and 'name="delete"' not in agent_page and 'name="terms"' not in agent_page
    assert agent_client.post(reverse("knowledge:synonyms"), {"delete": group.pk}).status_code == 403
    assert agent_client.post(reverse("knowledge:synonyms"), {"terms": "a = b"}).status_code == 403
    client = client_for(municipality_admin)
    assert client.post(reverse("knowledge:synonyms"), {"delete": group.pk}).status_code == 302
    assert not SynonymGroup.objects.filter(pk=group.pk).exists()


def test_one_word_is_not_a_synonym_and_what_was_typed_stays(client_for, municipality_admin, gulen):
    response = client_for(municipality_admin).post(
        reverse("knowledge:synonyms"), {"scope": f"m{gulen.pk}", "terms": "storskrald"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Write at least two words" in page and 'id="id_terms_error"' in page and 'value="storskrald"' in page


def test_the_missing_list_counts_questions_and_offers_to_write_the_article(
    client_for, agent, municipality_admin, gulen, osteroy
):
    for _ in range(3):
        services.search_miss_record(actor=agent, query="Tilskot til kompostbinge", municipality=gulen)
    services.search_miss_record(actor=agent, query="Ferjekai-parkering", municipality=osteroy)
    client = client_for(municipality_admin)
    page = client.get(reverse("knowledge:missing_knowledge")).content.decode()
    row = page[page.index("Tilskot til kompostbinge") :].split("</tr>")[0]
    assert "<td>3</td>" in row and "Gulen" in row
    assert "/knowledge/articles/new/?title=Tilskot%20til%20kompostbinge&amp;m=gulen" in row
    assert "Ferjekai-parkering" not in page  # Osterøy's questions are not Gulen's admin's
    form = client.get("/knowledge/articles/new/?title=Tilskot%20til%20kompostbinge&m=gulen").content.decode()
    assert 'value="Tilskot til kompostbinge"' in form
    agent_page = client_for(agent).get(reverse("knowledge:missing_knowledge") + "?m=osteroy&period=7")
    html = agent_page.content.decode()
    assert "Ferjekai-parkering" in html and "kompostbinge" not in html and "Write an article" not in html


# --- Import and export --------------------------------------------------------------------------------------


def _jsonl(*rows) -> SimpleUploadedFile:
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return SimpleUploadedFile("articles.jsonl", text.encode(), content_type="application/x-ndjson")


ROW = {"id": "elsykkel-utlan", "title": "Elsykkel-utlån", "body": "Søk hos Husbanken.", "language": "nb", "topic": []}


def test_importing_a_json_lines_file_shows_the_counts(client_for, supervisor, nordhordland, shared):
    client = client_for(supervisor)
    assert client.get(reverse("knowledge:knowledge_import")).status_code == 200
    changed = {"id": shared.slug, "title": shared.title, "body": "Ny tekst.", "language": "nb"}
    response = client.post(
        reverse("knowledge:knowledge_import"), {"center": nordhordland.pk, "files": _jsonl(ROW, changed)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported: 1 new, 1 changed, 0 unchanged." in page
    assert Article.objects.get(slug="elsykkel-utlan").status == PUBLISHED


def test_an_import_with_problems_imports_nothing_and_names_every_problem(client_for, supervisor, nordhordland):
    bad = {"id": "Not a slug", "title": "X", "body": "Y", "language": "xx"}
    response = client_for(supervisor).post(
        reverse("knowledge:knowledge_import"), {"center": nordhordland.pk, "files": _jsonl(ROW, bad)}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was imported: 2 problems." in page
    assert "line 2" in page and "is not a short name" in page and "is not one of" in page
    assert not Article.objects.filter(slug="elsykkel-utlan").exists()


def test_only_valid_rows_go_in_and_the_others_are_named(client_for, supervisor, nordhordland):
    bad = {"id": "elsykkel-feil", "title": "X", "body": "Y", "language": "xx"}
    response = client_for(supervisor).post(
        reverse("knowledge:knowledge_import"),
        {"center": nordhordland.pk, "files": _jsonl(ROW, bad), "only_valid": "on"},
    )
    page = response.content.decode()
    assert "The rows without problems are imported; 1 problem kept the others out." in page and "line 2" in page
    assert Article.objects.filter(slug="elsykkel-utlan").exists()
    assert not Article.objects.filter(slug="elsykkel-feil").exists()


def test_check_only_counts_but_writes_nothing(client_for, supervisor, nordhordland):
    response = client_for(supervisor).post(
        reverse("knowledge:knowledge_import"), {"center": nordhordland.pk, "files": _jsonl(ROW), "dry_run": "on"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Checked only: nothing was written." in page and "<dd>1</dd>" in page
    assert not Article.objects.filter(slug="elsykkel-utlan").exists()


def test_markdown_files_and_a_zip_of_them_are_imported(client_for, supervisor, nordhordland):
    text = "---\ntitle: Bustøtte\nlanguage: nb\n---\nSøk hos Husbanken.\n"
    client = client_for(supervisor)
    files = [SimpleUploadedFile("elsykkel-a.md", text.encode()), SimpleUploadedFile("elsykkel-b.md", text.encode())]
    response = client.post(reverse("knowledge:knowledge_import"), {"center": nordhordland.pk, "files": files})
    assert "Imported: 2 new" in response.content.decode()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("gulen/bustotte.md", text.replace("language: nb", "language: nb\nmunicipality: gulen"))
        zipped.writestr("__MACOSX/._bustotte.md", "junk")
    upload = SimpleUploadedFile("articles.zip", archive.getvalue(), content_type="application/zip")
    response = client_for(supervisor).post(
        reverse("knowledge:knowledge_import"), {"center": nordhordland.pk, "files": upload}
    )
    # Gulen's articles are its admin's: the supervisor is told, and nothing is imported.
    assert response.status_code == 422 and "You may not keep the articles of Gulen." in response.content.decode()


def test_an_upload_over_the_limit_is_refused(client_for, supervisor, nordhordland, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client_for(supervisor).post(
        reverse("knowledge:knowledge_import"), {"center": nordhordland.pk, "files": _jsonl(ROW, ROW)}
    )
    assert response.status_code == 422 and "larger than 100" in response.content.decode()


def test_the_export_downloads_json_lines_or_a_zip_of_markdown(
    client_for, supervisor, municipality_admin, gulen, shared
):
    services.article_create(
        actor=municipality_admin, municipality=gulen, title="Elsykkel i Gulen", slug=shared.slug, body="NGIR.",
        language="nb", variant_of=shared,
    )  # fmt: skip
    client = client_for(supervisor)
    response = client.get(reverse("knowledge:knowledge_export") + "?center=nordhordland&format=jsonl")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.content.decode().splitlines()]
    lines = [line for line in lines if line["id"] == shared.slug]
    assert [(line["id"], line["municipality"]) for line in lines] == [(shared.slug, None), (shared.slug, "gulen")]
    response = client.get(reverse("knowledge:knowledge_export") + "?center=nordhordland&format=markdown")
    assert response["Content-Disposition"] == 'attachment; filename="knowledge-nordhordland.zip"'
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert f"{shared.slug}.md" in names and f"gulen/{shared.slug}.md" in names
    assert len(names) == len(set(names))  # a local variant with its shared article's slug has a folder of its own


# --- Safety ------------------------------------------------------------------------------------------------------


def test_markdown_with_a_script_is_sanitised_on_the_article_page(client_for, supervisor, nordhordland):
    article = services.article_create(
        actor=supervisor,
        center=nordhordland,
        title="Farleg",
        body='Hei <script>alert("x")</script> [klikk](javascript:alert(1)) <img src=x onerror=alert(1)>',
        language="nb",
        links=[{"label": "Skjema", "url": "javascript:alert(2)"}],
    )
    page = client_for(supervisor).get(reverse("knowledge:article_detail", args=[article.pk])).content.decode()
    answer = page[page.index('id="answer-heading"') :]
    assert "<script>alert" not in answer and "<img" not in answer
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;" in answer


# --- The services these pages use ---------------------------------------------------------------------------------


def test_related_articles_must_be_readable_where_the_article_is(
    system, municipality_admin, osteroy_admin, osteroy, shared, gulen_local
):
    services.article_related_set(actor=municipality_admin, article=gulen_local, related=[shared])
    assert list(shared.related.all()) == [gulen_local]  # both ways
    osteroy_own = services.article_create(
        actor=osteroy_admin, municipality=osteroy, title="Ferjekai-parkering", body="Ring hamna.", language="nn"
    )
    with pytest.raises(Invalid):
        services.article_related_set(actor=system, article=osteroy_own, related=[gulen_local])
    with pytest.raises(Forbidden):
        services.article_related_set(actor=municipality_admin, article=shared, related=[])


def test_a_local_article_can_become_and_stop_being_a_variant(municipality_admin, supervisor, shared, gulen_local):
    services.article_variant_set(actor=municipality_admin, article=gulen_local, variant_of=shared)
    assert gulen_local.variant_of == shared
    assert SearchEntry.objects.get(article=gulen_local).variant_of == shared  # the search answers with it
    services.article_variant_set(actor=municipality_admin, article=gulen_local, variant_of=None)
    gulen_local.refresh_from_db()
    assert gulen_local.variant_of is None
    with pytest.raises(Invalid):
        services.article_variant_set(actor=supervisor, article=shared, variant_of=shared)


def test_a_slug_changes_only_to_one_free_in_its_scope(supervisor, nordhordland, shared):
    other = services.article_create(
        actor=supervisor, center=nordhordland, title="Elsykkel-utlån", body="B", language="nb"
    )
    with pytest.raises(Invalid):
        services.article_slug_set(actor=supervisor, article=other, slug=shared.slug)
    services.article_slug_set(actor=supervisor, article=other, slug="bustotte-2026")
    other.refresh_from_db()
    assert other.slug == "bustotte-2026"


def test_only_those_who_keep_synonyms_remove_them(agent, municipality_admin, gulen):
    group = services.synonyms_set(actor=municipality_admin, terms="a = b", municipality=gulen)
    with pytest.raises(Forbidden):
        services.synonyms_delete(actor=agent, group=group)
    services.synonyms_delete(actor=municipality_admin, group=group)
    assert not SynonymGroup.objects.filter(pk=group.pk).exists()


def test_a_dry_run_import_reports_what_it_would_do_and_writes_nothing(supervisor, nordhordland):
    record = ArticleRecord(slug="elsykkel-utlan", title="Elsykkel-utlån", body="Søk.", language="nb", topics=["Ny sak"])
    result = imports.knowledge_import(actor=supervisor, center=nordhordland, records=[record], dry_run=True)
    assert result.created == 1 and not result.applied and result.dry_run
    assert not Article.objects.filter(slug="elsykkel-utlan").exists()
