"""Knowledge import and export: the retrieval test set's Markdown folder and JSON Lines into a centre's knowledge
base, municipalities by slug or name and only those the centre serves, unknown topics made under "imported",
all or nothing unless asked, re-imports updating in place, export → import round trips, and both doors."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from civicdesk.knowledge import formats, imports, selectors, services
from civicdesk.knowledge.models import Article
from civicdesk.lib.errors import Forbidden
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import AuditEvent, Topic

ARTICLES = Path(__file__).resolve().parents[3] / "bench" / "knowledge_set" / "articles"
NOT_SERVED = ("holbaek", "orebro")


def _bench_records(language: str | None = None):
    records, problems = formats.read_markdown_folder(ARTICLES)
    assert problems == []
    return [r for r in records if language is None or r.language == language]


def _import(actor, center, records, problems=(), **options):
    return imports.knowledge_import(actor=actor, center=center, records=records, problems=list(problems), **options)


def _jsonl(*rows) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


@pytest.fixture
def nb_imported(system, nordhordland):
    """The test set's 23 Norwegian articles, in Nordhordland's knowledge base."""
    return _import(system, nordhordland, _bench_records("nb"))


# --- the service -----------------------------------------------------------------------------------------------


def test_the_norwegian_test_set_goes_into_nordhordland_with_its_municipalities(
    nb_imported, nordhordland, gulen, osteroy
):
    assert nb_imported.applied and nb_imported.problems == []
    assert nb_imported.counts == {"created": 23, "updated": 0, "unchanged": 0}
    local = Article.objects.get(slug="grovavfall-henting-gulen")
    assert local.municipality == gulen and local.center is None
    assert local.status == Article.Status.PUBLISHED
    assert Article.objects.filter(municipality=osteroy).count() == 3
    shared = Article.objects.get(slug="grovavfall-henting")
    assert shared.center == nordhordland and shared.municipality is None
    # building-permits is in the shared taxonomy; waste-collection is not, so it was made under "imported".
    assert {t.key for t in Article.objects.get(slug="byggesak-gebyr-osteroy").topics.all()} == {"building-permits"}
    waste = Topic.objects.get(key="waste-collection", municipality=None)
    assert waste.parent.key == "imported" and "waste-collection" in nb_imported.topics_created
    assert waste in shared.topics.all()
    event = AuditEvent.objects.filter(action="knowledge.import").latest("pk")
    assert event.details["created"] == 23


def test_rows_of_municipalities_the_centre_does_not_serve_stop_the_whole_import(system, nordhordland):
    result = _import(system, nordhordland, _bench_records())
    assert not result.applied
    assert len(result.problems) == 24
    assert {p.where for p in result.problems} == {
        r.line_or_file for r in _bench_records() if r.municipality in NOT_SERVED
    }
    assert "not served by Nordhordland" in result.problems[0].message
    assert not Article.objects.filter(slug__in=[r.slug for r in _bench_records()]).exists()
    assert not Topic.objects.filter(key="waste-collection").exists()


def test_only_valid_imports_the_served_rows_and_reports_the_others(system, nordhordland):
    result = _import(system, nordhordland, _bench_records(), only_valid=True)
    assert result.applied
    assert result.counts == {"created": 73 - 24, "updated": 0, "unchanged": 0}
    assert len(result.problems) == 24
    assert not Article.objects.filter(slug="bibliotek-orebro").exists()
    assert Article.objects.filter(slug="bulky-waste-en", center=nordhordland).exists()


def test_json_lines_take_id_as_slug_a_municipality_by_name_and_make_unknown_topics(system, nordhordland, osteroy):
    text = _jsonl(
        {
            "id": "ferjetider",
            "title": "Ferjetider",
            "body": "Ferja går kvar time.",
            "language": "nn",
            "topic": "Ferje og båt",
            "municipality": "OSTERØY",
        },
        {"id": "parkering", "title": "Parkering", "body": "Parker ved rådhuset.", "language": "nb", "topic": "parking"},
    )
    records, problems = formats.read_json_lines(text)
    result = _import(system, nordhordland, records, problems, publish=False)
    assert result.counts == {"created": 2, "updated": 0, "unchanged": 0}, result.problems
    ferry = Article.objects.get(slug="ferjetider")
    assert ferry.municipality == osteroy and ferry.status == Article.Status.DRAFT
    topic = ferry.topics.get()
    assert (topic.key, topic.parent.key, topic.municipality) == ("ferje-og-bat", "imported", None)
    assert Article.objects.get(slug="parkering").topics.get().key == "parking"
    assert result.topics_created == ["ferje-og-bat"]


def test_a_reimport_updates_in_place_and_leaves_unchanged_rows_alone(nb_imported, system, nordhordland):
    before = {a.slug: (a.pk, a.version) for a in Article.objects.filter(language="nb")}
    records = _bench_records("nb")
    changed = next(r for r in records if r.slug == "grovavfall-henting-gulen")
    changed.body += "\n\nNy pris frå 1. januar."
    result = _import(system, nordhordland, records)
    assert result.counts == {"created": 0, "updated": 1, "unchanged": 22}
    article = Article.objects.get(slug="grovavfall-henting-gulen")
    assert article.pk == before[article.slug][0] and article.version == before[article.slug][1] + 1
    assert article.body.endswith("Ny pris frå 1. januar.")
    assert article.versions.first().note == "Imported"
    after = {a.slug: (a.pk, a.version) for a in Article.objects.filter(language="nb")}
    assert {s: v for s, v in after.items() if s != article.slug} == {
        s: v for s, v in before.items() if s != article.slug
    }


def test_export_then_import_as_json_lines_changes_nothing(nb_imported, system, nordhordland):
    exported = imports.knowledge_export(actor=system, center=nordhordland)
    assert len(exported) == 23
    records, problems = formats.read_json_lines(formats.write_json_lines(exported))
    assert records == exported
    result = _import(system, nordhordland, records, problems)
    assert result.counts == {"created": 0, "updated": 0, "unchanged": 23}


def test_export_then_import_as_markdown_changes_nothing(nb_imported, system, nordhordland, tmp_path):
    exported = imports.knowledge_export(actor=system, center=nordhordland)
    formats.write_markdown_folder(exported, tmp_path)
    records, problems = formats.read_markdown_folder(tmp_path)
    assert sorted(records, key=lambda r: r.slug) == sorted(exported, key=lambda r: r.slug)
    result = _import(system, nordhordland, records, problems)
    assert result.counts == {"created": 0, "updated": 0, "unchanged": 23}


def test_the_export_leaves_out_another_centres_articles(nb_imported, system, nordhordland, orebro):
    services.article_create(
        actor=system, municipality=orebro, title="Bibliotek", body="Öppet varje dag.", language="sv"
    )
    slugs = {r.slug for r in imports.knowledge_export(actor=system, center=nordhordland)}
    assert "bibliotek" not in slugs and "grovavfall-henting-gulen" in slugs


def test_an_agent_may_not_import(agent, nordhordland):
    with pytest.raises(Forbidden):
        _import(agent, nordhordland, _bench_records("en"))


def test_a_supervisor_imports_shared_articles_but_not_a_municipalitys_own(supervisor, nordhordland):
    result = _import(supervisor, nordhordland, _bench_records("nb"))
    assert not result.applied
    assert {p.message for p in result.problems} == {
        "You may not keep the articles of Aurland.",
        "You may not keep the articles of Gulen.",
        "You may not keep the articles of Osterøy.",
        "You may not keep the articles of Samnanger.",
    }
    only_shared = _import(supervisor, nordhordland, _bench_records("nb"), only_valid=True)
    assert only_shared.counts["created"] == 23 - 9


def test_a_municipality_admin_imports_their_own_articles_only(municipality_admin, nordhordland, gulen):
    gulen_rows = [r for r in _bench_records("nb") if r.municipality in ("gulen", None)]
    result = _import(municipality_admin, nordhordland, gulen_rows, only_valid=True)
    assert result.counts["created"] == 2
    assert {p.message for p in result.problems} == {f"You may not keep the articles {nordhordland.name} shares."}
    assert Article.objects.filter(municipality=gulen).count() == 2


def test_reading_problems_also_stop_the_import(system, nordhordland):
    text = _jsonl({"id": "ok", "title": "OK", "body": "Fine.", "language": "nb"}) + '{"id": "x", "title": 3}\n'
    records, problems = formats.read_json_lines(text)
    result = _import(system, nordhordland, records, problems)
    assert not result.applied and [p.where for p in result.problems] == ["line 2", "line 2", "line 2"]
    assert not Article.objects.filter(slug="ok").exists()


# --- the commands ----------------------------------------------------------------------------------------------


def test_the_command_prints_every_problem_and_fails_without_importing(nordhordland):
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 24 problem"):
        call_command("import_knowledge", str(ARTICLES), "--center", "nordhordland", stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 24
    assert any(line.startswith("bibliotek-orebro.md: municipality: “orebro” is not served by") for line in lines)
    assert not Article.objects.filter(slug="bulky-waste-en").exists()


def test_the_commands_import_only_valid_rows_and_export_them_again(nordhordland, tmp_path):
    out = StringIO()
    call_command(
        "import_knowledge", str(ARTICLES), "--center", "nordhordland", "--only-valid", stdout=out, stderr=StringIO()
    )
    assert out.getvalue().startswith("49 articles created, 0 updated, 0 unchanged, 24 rows left out")

    call_command(
        "export_knowledge",
        str(tmp_path / "kb.jsonl"),
        "--center",
        "nordhordland",
        "--format",
        "jsonl",
        stderr=StringIO(),
    )
    call_command(
        "export_knowledge", str(tmp_path / "md"), "--center", "nordhordland", "--format", "markdown", stderr=StringIO()
    )
    for path in (tmp_path / "kb.jsonl", tmp_path / "md"):
        out = StringIO()
        call_command("import_knowledge", str(path), "--center", "nordhordland", stdout=out)
        assert out.getvalue().strip() == "0 articles created, 0 updated, 49 unchanged."


def test_the_command_imports_a_folder_of_one_municipalitys_articles(nordhordland, gulen, tmp_path):
    for name in ("grovavfall-henting-gulen.md", "grovavfall-henting.md"):
        shutil.copy(ARTICLES / name, tmp_path / name)
    out = StringIO()
    call_command("import_knowledge", str(tmp_path), "--center", "nordhordland", "--draft", stdout=out)
    assert out.getvalue().startswith("2 articles created")
    assert Article.objects.get(slug="grovavfall-henting-gulen", municipality=gulen).status == Article.Status.DRAFT


# --- the API ---------------------------------------------------------------------------------------------------


def _post(client, query, body, content_type):
    return client.post(f"/api/knowledge/import?{query}", body, content_type=content_type)


def test_the_api_imports_and_exports_json_lines_and_markdown(client_for, supervisor, nordhordland):
    api = client_for(supervisor)
    shared = [r for r in _bench_records("en")]
    created = _post(api, "center=nordhordland&format=jsonl", formats.write_json_lines(shared), "application/x-ndjson")
    assert created.status_code == 200, created.content
    assert created.json()["created"] == 10 and created.json()["applied"] is True

    exported = api.get("/api/knowledge/export?center=nordhordland&format=jsonl")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/x-ndjson")
    again = _post(api, "center=nordhordland&format=jsonl", exported.content, "application/x-ndjson")
    assert again.json()["unchanged"] == 10

    files = api.get("/api/knowledge/export?center=nordhordland&format=markdown").json()
    assert len(files["files"]) == 10
    again = _post(api, "center=nordhordland&format=markdown", json.dumps(files), "application/json")
    assert again.status_code == 200, again.content
    assert (again.json()["unchanged"], again.json()["created"]) == (10, 0)


def test_the_api_answers_422_with_every_problem_when_nothing_was_imported(client_for, supervisor, nordhordland):
    files = dict(formats.markdown_file(r) for r in _bench_records() if r.municipality in (None, "orebro"))
    response = _post(
        client_for(supervisor), "center=nordhordland&format=markdown", json.dumps({"files": files}), "application/json"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["applied"] is False and len(body["problems"]) == 12
    assert body["problems"][0]["where"].endswith("orebro.md")
    assert not Article.objects.filter(center=nordhordland).exists()


def test_an_agent_may_not_import_through_the_api(client_for, agent):
    response = _post(client_for(agent), "center=nordhordland&format=jsonl", _jsonl({"id": "a"}), "application/x-ndjson")
    assert response.status_code == 403


def test_a_municipalitys_row_with_a_shared_slug_is_its_local_variant(nordhordland, gulen, osteroy, supervisor):
    lines = [
        {
            "id": "bulky-waste",
            "title": "Bulky waste",
            "body": "Gulen: order a pickup.",
            "language": "nb",
            "municipality": "Gulen",
        },
        {"id": "bulky-waste", "title": "Bulky waste", "body": "Book a pickup online.", "language": "nb"},
    ]
    records, problems = formats.read_json_lines("\n".join(json.dumps(line) for line in lines).encode())
    result = imports.knowledge_import(actor=SYSTEM, center=nordhordland, records=records, problems=problems)

    assert result.applied and result.created == 2
    local = Article.objects.get(slug="bulky-waste", municipality=gulen)
    assert local.variant_of == Article.objects.get(slug="bulky-waste", municipality__isnull=True)
    assert "Gulen: order" in selectors.article_for(actor=supervisor, municipality=gulen, slug="bulky-waste").body
    assert "online" in selectors.article_for(actor=supervisor, municipality=osteroy, slug="bulky-waste").body


def test_an_import_counts_the_terms_of_what_it_wrote_and_nothing_of_a_row_that_failed(nordhordland, supervisor):
    from civicdesk.knowledge.models import SearchTerm

    lines = [
        {"id": "snomaking-1", "title": "Snømåking", "body": "Brøyting av vegar.", "language": "nb"},
        {"id": "snomaking-2", "title": "Snømåking i sentrum", "body": "Brøyting om natta.", "language": "nb"},
        {"id": "snomaking-3", "title": "", "body": "Brøyting utan tittel.", "language": "nb"},
    ]
    records, problems = formats.read_json_lines("\n".join(json.dumps(line) for line in lines).encode())
    _import(supervisor, nordhordland, records, problems, only_valid=True)

    assert SearchTerm.objects.get(term="snomaking").entries == 2
    assert SearchTerm.objects.get(term="broyting").entries == 2
    assert not SearchTerm.objects.filter(term="tittel", entries__gt=0).exists()
