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
        slug="kajakkhotell",
        title="Leige av plass på kajakkhotellet",
        body="Kajakkhotellet på kaia har 40 plassar.",
    )
    local = make(
        actor=municipality_admin,
        municipality=gulen,
        slug="kajakkhotell",
        title="Kajakkhotell i Gulen",
        body="I Gulen driv idrettslaget kajakkhotellet ved Eivindvik kai.",
        variant_of=shared,
    )
    other = make(
        actor=supervisor,
        center=nordhordland,
        slug="kanoutleige",
        title="Utleige av kano",
        body="Kano kan du leige på turistkontoret.",
    )
    shared.related.add(other)
    return {
        "shared": shared,
        "local": local,
        "other": other,
        "internal": make(
            actor=municipality_admin,
            municipality=gulen,
            slug="internt-kajakkhotell",
            title="Internt om kajakkhotellet",
            body="Berre for tilsette: kajakkhotell-avtalen.",
            audience=Audience.INTERNAL,
        ),
        "agents": make(
            actor=supervisor,
            center=nordhordland,
            slug="manus-kajakkhotell",
            title="Manus: klage på kajakkhotellet",
            body="Set over til idrettslaget ved klage på kajakkhotellet.",
            audience=Audience.AGENTS,
        ),
        "draft": services.article_create(
            actor=supervisor,
            center=nordhordland,
            slug="utkast-kajakkhotell",
            title="Kajakkhotell utkast",
            body="Ikkje ferdig om kajakkhotellet.",
            language="nb",
        ),
    }


@pytest.fixture
def incidents(supervisor, gulen):
    public = services.incident_raise(
        actor=supervisor,
        municipalities=[gulen],
        title="Straumbrot på Byrknes",
        public_message="Straumen er borte på Byrknes til klokka 18.",
        agent_script="Intern: linjemontøren er forseinka.",
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
    assert page.index("Straumbrot på Byrknes") < page.index('id="help-topics"')
    assert "Straumen er borte på Byrknes" in page
    assert "Intern: linjemontøren" not in page  # what agents say stays with agents
    assert "Telefonane på rådhuset er nede" not in page
    assert 'href="/theme/gulen.css' in page  # in the municipality's brand


def test_the_help_index_shows_gulen_s_variant_and_never_internal_agents_or_draft(client, shelf):
    page = _text(client.get("/help/gulen/"))
    assert "Kajakkhotell i Gulen" in page and "Utleige av kano" in page
    assert "Leige av plass på kajakkhotellet" not in page
    for hidden in ("Internt om kajakkhotellet", "Manus: klage på kajakkhotellet", "Kajakkhotell utkast"):
        assert hidden not in page


def test_osteroy_never_sees_gulen_s_local_variant(client, shelf):
    page = _text(client.get("/help/osteroy/"))
    assert "Leige av plass på kajakkhotellet" in page and "Kajakkhotell i Gulen" not in page
    assert "Kajakkhotell i Gulen" not in _text(client.get("/help/osteroy/", {"q": "kajakkhotell"}))
    article = _text(client.get("/help/osteroy/kajakkhotell/"))
    assert "Leige av plass på kajakkhotellet" in article and "I Gulen driv" not in article
    assert client.get(f"/help/osteroy/{shelf['internal'].slug}/").status_code == 404


def test_a_signed_in_citizen_reads_the_same_public_pages(client_for, citizen, shelf):
    page = _text(client_for(citizen).get("/help/gulen/", {"q": "kajakkhotell"}))
    assert "Kajakkhotell i Gulen" in page
    assert "Internt om kajakkhotellet" not in page and "Manus: klage på kajakkhotellet" not in page


def test_internal_and_agents_only_answers_are_found_by_the_agent_but_not_the_public(client, client_for, agent, shelf):
    public = _text(client.get("/help/gulen/", {"q": "kajakkhotell"}))
    assert "Internt om kajakkhotellet" not in public and "Manus: klage på kajakkhotellet" not in public
    for slug in ("internt-kajakkhotell", "manus-kajakkhotell", "utkast-kajakkhotell"):
        assert client.get(f"/help/gulen/{slug}/").status_code == 404
    staff = _text(client_for(agent).get("/knowledge/", {"m": "gulen", "q": "kajakkhotell"}))
    assert "Internt om kajakkhotellet" in staff and "Manus: klage på kajakkhotellet" in staff
    assert "Kajakkhotell utkast" not in staff


def test_a_public_search_without_an_answer_is_kept_as_missing_knowledge(client, gulen, shelf):
    page = _text(client.get("/help/gulen/", {"q": "skøytebane"}))
    assert "No answer found" in page
    miss = SearchMiss.objects.get(query="skøytebane")
    assert (miss.query, miss.municipality, miss.language, miss.from_agent) == (
        "skøytebane",
        gulen,
        gulen.language,
        False,
    )
    _text(client.get("/help/gulen/", {"q": "kajakkhotell"}))
    assert SearchMiss.objects.filter(query__in=["skøytebane", "kajakkhotell"]).count() == 1


def test_the_article_page_is_the_local_variant_with_related_answers_and_links(client, gulen, shelf, municipality_admin):
    services.article_update(
        actor=municipality_admin,
        article=shelf["local"],
        links=[
            {"label": "Bestill henting", "url": "https://gulen.kommune.no/skjema/kajakkhotell"},
            {"label": "Farleg", "url": "javascript:alert(1)"},
        ],
    )
    page = _text(client.get("/help/gulen/kajakkhotell/"))
    assert "Kajakkhotell i Gulen" in page and "I Gulen driv idrettslaget" in page
    assert "Utleige av kano" in page  # related to the shared article it answers for
    assert 'href="https://gulen.kommune.no/skjema/kajakkhotell"' in page
    assert "javascript:" not in page
    assert "Last updated" in page


def test_the_article_page_carries_faq_page_json_ld(client, shelf):
    page = _text(client.get("/help/gulen/kajakkhotell/"))
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(found.group(1))
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0]["name"] == "Kajakkhotell i Gulen"
    assert "I Gulen driv idrettslaget" in data["mainEntity"][0]["acceptedAnswer"]["text"]


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
    services.incident_resolve(actor=supervisor, incident=incidents["public"], public_message="Straumen er tilbake.")
    page = _text(client.get("/help/gulen/incidents/"))
    resolved = page[page.index('id="help-resolved-heading"') :]
    assert "Straumbrot på Byrknes" in resolved and "Straumen er tilbake." in resolved
    assert "Telefonane på rådhuset er nede" not in page


def test_a_visitor_says_the_answer_helped(client, gulen, shelf):
    response = client.post("/help/gulen/kajakkhotell/feedback/", {"helped": "yes"})
    assert response.status_code == 302 and response["Location"] == "/help/gulen/kajakkhotell/?answered=1#help-feedback"
    assert "Thank you for telling us" in _text(client.get(response["Location"]))
    feedback = AnswerFeedback.objects.get(article=shelf["local"])
    assert (feedback.article, feedback.helped, feedback.municipality, feedback.from_agent) == (
        shelf["local"],
        True,
        gulen,
        False,
    )
    in_place = client.post("/help/gulen/kajakkhotell/feedback/", {"helped": "no"}, headers={"HX-Request": "true"})
    assert "Thank you for telling us" in _text(in_place) and "<html" not in in_place.content.decode()
    assert AnswerFeedback.objects.filter(article=shelf["local"], helped=False).count() == 1


def test_feedback_is_rate_limited_per_client_address(client, shelf):
    for _ in range(10):
        assert client.post("/help/gulen/kajakkhotell/feedback/", {"helped": "yes"}).status_code == 302
    response = client.post("/help/gulen/kajakkhotell/feedback/", {"helped": "yes"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Too many attempts" in response.content.decode()
    assert AnswerFeedback.objects.filter(article=shelf["local"]).count() == 10
    other_address = client.post("/help/gulen/kajakkhotell/feedback/", {"helped": "yes"}, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 302


def test_feedback_needs_the_csrf_token(shelf):
    response = Client(enforce_csrf_checks=True).post("/help/gulen/kajakkhotell/feedback/", {"helped": "yes"})
    assert response.status_code == 403 and not AnswerFeedback.objects.filter(article=shelf["local"]).exists()


def test_no_feedback_on_an_answer_the_public_may_not_read(client, shelf):
    response = client.post("/help/gulen/manus-kajakkhotell/feedback/", {"helped": "yes"})
    assert response.status_code == 404 and not AnswerFeedback.objects.filter(article=shelf["agents"]).exists()


@pytest.mark.parametrize(
    "path", ["/help/atlantis/", "/help/atlantis/incidents/", "/help/atlantis/kajakkhotell/", "/help/gulen/finst-ikkje/"]
)
def test_an_unknown_municipality_or_answer_is_not_found(client, shelf, path):
    assert client.get(path).status_code == 404


def test_the_help_index_reads_a_bounded_number_of_queries(client, shelf, incidents, django_assert_max_num_queries):
    client.get("/help/gulen/")
    with django_assert_max_num_queries(16):
        _text(client.get("/help/gulen/", {"q": "kajakkhotell"}))
