"""A municipality's public help pages: open without signing in, the same for signed-in citizens, and never
more than its citizens may read: no internal, agents-only or draft answers, no non-public incidents, no other
municipality's local variants. Answers are sanitised, carry FAQPage JSON-LD, and take rate-limited feedback."""

import json
import re

import pytest
from django.test import Client

from civicdesk.knowledge import services
from civicdesk.knowledge.models import AnswerFeedback, Article, Audience, SearchMiss

PUBLISHED = Article.Status.PUBLISHED


@pytest.fixture
def shelf(supervisor, municipality_admin, nordhordland, gulen, osteroy):
    make = lambda **kw: services.article_create(status=PUBLISHED, language="nb", **kw)  # noqa: E731
    shared = make(
        actor=supervisor,
        center=nordhordland,
        slug="grovavfall",
        title="Henting av grovavfall",
        body="Grovavfall blir henta fire gonger i året.",
    )
    local = make(
        actor=municipality_admin,
        municipality=gulen,
        slug="grovavfall",
        title="Grovavfall i Gulen",
        body="I Gulen hentar NGIR grovavfall kvar vår.",
        variant_of=shared,
    )
    other = make(
        actor=supervisor,
        center=nordhordland,
        slug="gjenvinning",
        title="Gjenvinningsstasjonar",
        body="Opningstider for gjenvinningsstasjonane.",
    )
    shared.related.add(other)
    return {
        "shared": shared,
        "local": local,
        "other": other,
        "internal": make(
            actor=municipality_admin,
            municipality=gulen,
            slug="internt-grovavfall",
            title="Internt om grovavfall",
            body="Berre for tilsette: grovavfall-avtalen.",
            audience=Audience.INTERNAL,
        ),
        "agents": make(
            actor=supervisor,
            center=nordhordland,
            slug="manus-grovavfall",
            title="Manus: klage på grovavfall",
            body="Set over til NGIR kundeservice ved klage på grovavfall.",
            audience=Audience.AGENTS,
        ),
        "draft": services.article_create(
            actor=supervisor,
            center=nordhordland,
            slug="utkast-grovavfall",
            title="Grovavfall utkast",
            body="Ikkje ferdig om grovavfall.",
            language="nb",
        ),
    }


@pytest.fixture
def incidents(supervisor, gulen):
    public = services.incident_raise(
        actor=supervisor,
        municipalities=[gulen],
        title="Vassbrot i Eivindvik",
        public_message="Vatnet er stengt i Eivindvik til klokka 18.",
        agent_script="Intern: røyrleggjaren er forseinka.",
        severity="major",
    )
    hidden = services.incident_raise(
        actor=supervisor, municipalities=[gulen], title="Telefonane på rådhuset er nede", is_public=False
    )
    return {"public": public, "hidden": hidden}


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_help_index_opens_without_signing_in(client, gulen, shelf, incidents):
    page = _text(client.get("/help/gulen/"))
    assert "Help from Gulen" in page
    assert page.index("Vassbrot i Eivindvik") < page.index('id="help-topics"')
    assert "Vatnet er stengt i Eivindvik" in page
    assert "Intern: røyrleggjaren" not in page  # what agents say stays with agents
    assert "Telefonane på rådhuset er nede" not in page
    assert 'href="/theme/gulen.css' in page  # in the municipality's brand


def test_the_help_index_shows_gulen_s_variant_and_never_internal_agents_or_draft(client, shelf):
    page = _text(client.get("/help/gulen/"))
    assert "Grovavfall i Gulen" in page and "Gjenvinningsstasjonar" in page
    assert "Henting av grovavfall" not in page
    for hidden in ("Internt om grovavfall", "Manus: klage på grovavfall", "Grovavfall utkast"):
        assert hidden not in page


def test_osteroy_never_sees_gulen_s_local_variant(client, shelf):
    page = _text(client.get("/help/osteroy/"))
    assert "Henting av grovavfall" in page and "Grovavfall i Gulen" not in page
    assert "Grovavfall i Gulen" not in _text(client.get("/help/osteroy/", {"q": "grovavfall"}))
    article = _text(client.get("/help/osteroy/grovavfall/"))
    assert "Henting av grovavfall" in article and "I Gulen hentar" not in article
    assert client.get(f"/help/osteroy/{shelf['internal'].slug}/").status_code == 404


def test_a_signed_in_citizen_reads_the_same_public_pages(client_for, citizen, shelf):
    page = _text(client_for(citizen).get("/help/gulen/", {"q": "grovavfall"}))
    assert "Grovavfall i Gulen" in page
    assert "Internt om grovavfall" not in page and "Manus: klage på grovavfall" not in page


def test_internal_and_agents_only_answers_are_found_by_the_agent_but_not_the_public(client, client_for, agent, shelf):
    public = _text(client.get("/help/gulen/", {"q": "grovavfall"}))
    assert "Internt om grovavfall" not in public and "Manus: klage på grovavfall" not in public
    for slug in ("internt-grovavfall", "manus-grovavfall", "utkast-grovavfall"):
        assert client.get(f"/help/gulen/{slug}/").status_code == 404
    staff = _text(client_for(agent).get("/knowledge/", {"m": "gulen", "q": "grovavfall"}))
    assert "Internt om grovavfall" in staff and "Manus: klage på grovavfall" in staff
    assert "Grovavfall utkast" not in staff


def test_a_public_search_without_an_answer_is_kept_as_missing_knowledge(client, gulen, shelf):
    page = _text(client.get("/help/gulen/", {"q": "parkeringsløyve"}))
    assert "No answer found" in page
    miss = SearchMiss.objects.get()
    assert (miss.query, miss.municipality, miss.language, miss.from_agent) == (
        "parkeringsløyve",
        gulen,
        gulen.language,
        False,
    )
    _text(client.get("/help/gulen/", {"q": "grovavfall"}))
    assert SearchMiss.objects.count() == 1


def test_the_article_page_is_the_local_variant_with_related_answers_and_links(client, gulen, shelf, municipality_admin):
    services.article_update(
        actor=municipality_admin,
        article=shelf["local"],
        links=[
            {"label": "Bestill henting", "url": "https://gulen.kommune.no/skjema/grovavfall"},
            {"label": "Farleg", "url": "javascript:alert(1)"},
        ],
    )
    page = _text(client.get("/help/gulen/grovavfall/"))
    assert "Grovavfall i Gulen" in page and "I Gulen hentar NGIR" in page
    assert "Gjenvinningsstasjonar" in page  # related to the shared article it answers for
    assert 'href="https://gulen.kommune.no/skjema/grovavfall"' in page
    assert "javascript:" not in page
    assert "Last updated" in page


def test_the_article_page_carries_faq_page_json_ld(client, shelf):
    page = _text(client.get("/help/gulen/grovavfall/"))
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(found.group(1))
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0]["name"] == "Grovavfall i Gulen"
    assert "I Gulen hentar NGIR" in data["mainEntity"][0]["acceptedAnswer"]["text"]


def test_a_script_in_an_article_body_does_not_come_through(client, municipality_admin, gulen):
    services.article_create(
        actor=municipality_admin,
        municipality=gulen,
        slug="farleg",
        title="Ei farleg side </script><script>alert(1)</script>",
        body="Hei <script>alert('x')</script> og <img src=x onerror=alert(2)>\n\n[klikk](javascript:alert(3))",
        language="nb",
        status=PUBLISHED,
    )
    page = _text(client.get("/help/gulen/farleg/"))
    assert "<script>alert" not in page and "<img" not in page and 'href="javascript:' not in page
    assert "Hei &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page or "Hei &lt;script&gt;" in page
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S)
    ld = [s for s in scripts if '"FAQPage"' in s]
    assert len(ld) == 1 and json.loads(ld[0])["mainEntity"][0]["name"].startswith("Ei farleg side </script>")


def test_the_incidents_page_shows_public_incidents_going_on_and_recently_resolved(client, supervisor, incidents):
    services.incident_resolve(actor=supervisor, incident=incidents["public"], public_message="Vatnet er tilbake.")
    page = _text(client.get("/help/gulen/incidents/"))
    resolved = page[page.index('id="help-resolved-heading"') :]
    assert "Vassbrot i Eivindvik" in resolved and "Vatnet er tilbake." in resolved
    assert "Telefonane på rådhuset er nede" not in page


def test_a_visitor_says_the_answer_helped(client, gulen, shelf):
    response = client.post("/help/gulen/grovavfall/feedback/", {"helped": "yes"})
    assert response.status_code == 302 and response["Location"] == "/help/gulen/grovavfall/?answered=1#help-feedback"
    assert "Thank you for telling us" in _text(client.get(response["Location"]))
    feedback = AnswerFeedback.objects.get()
    assert (feedback.article, feedback.helped, feedback.municipality, feedback.from_agent) == (
        shelf["local"],
        True,
        gulen,
        False,
    )
    in_place = client.post("/help/gulen/grovavfall/feedback/", {"helped": "no"}, headers={"HX-Request": "true"})
    assert "Thank you for telling us" in _text(in_place) and "<html" not in in_place.content.decode()
    assert AnswerFeedback.objects.filter(helped=False).count() == 1


def test_feedback_is_rate_limited_per_client_address(client, shelf):
    for _ in range(10):
        assert client.post("/help/gulen/grovavfall/feedback/", {"helped": "yes"}).status_code == 302
    response = client.post("/help/gulen/grovavfall/feedback/", {"helped": "yes"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Too many attempts" in response.content.decode()
    assert AnswerFeedback.objects.count() == 10
    other_address = client.post("/help/gulen/grovavfall/feedback/", {"helped": "yes"}, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 302


def test_feedback_needs_the_csrf_token(shelf):
    response = Client(enforce_csrf_checks=True).post("/help/gulen/grovavfall/feedback/", {"helped": "yes"})
    assert response.status_code == 403 and not AnswerFeedback.objects.exists()


def test_no_feedback_on_an_answer_the_public_may_not_read(client, shelf):
    response = client.post("/help/gulen/manus-grovavfall/feedback/", {"helped": "yes"})
    assert response.status_code == 404 and not AnswerFeedback.objects.exists()


@pytest.mark.parametrize(
    "path", ["/help/atlantis/", "/help/atlantis/incidents/", "/help/atlantis/grovavfall/", "/help/gulen/finst-ikkje/"]
)
def test_an_unknown_municipality_or_answer_is_not_found(client, shelf, path):
    assert client.get(path).status_code == 404


def test_the_help_index_reads_a_bounded_number_of_queries(client, shelf, incidents, django_assert_max_num_queries):
    client.get("/help/gulen/")
    with django_assert_max_num_queries(16):
        _text(client.get("/help/gulen/", {"q": "grovavfall"}))
