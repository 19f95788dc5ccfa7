"""The knowledge API: search with slug, title, snippet, score and kind; public readers (no sign-in) see a
municipality's public answers and incidents only, rate-limited; staff raise, update and resolve incidents."""

import pytest
from django.test import Client, override_settings

from civicdesk.knowledge import services
from civicdesk.knowledge.models import Article, Audience, Incident

PUBLISHED = Article.Status.PUBLISHED


@pytest.fixture
def shelf(supervisor, municipality_admin, nordhordland, gulen, osteroy):
    make = lambda **kw: services.article_create(status=PUBLISHED, language="nb", **kw)  # noqa: E731
    shared = make(
        actor=supervisor,
        center=nordhordland,
        slug="grovavfall",
        title="Henting av grovavfall",
        body="Grovavfall som møblar blir henta fire gonger i året. Bestill henting på nettsida.",
    )
    return {
        "shared": shared,
        "gulen": make(
            actor=municipality_admin,
            municipality=gulen,
            slug="grovavfall-gulen",
            title="Grovavfall i Gulen",
            body="I Gulen hentar NGIR grovavfall kvar vår. Ring servicetorget for å bestille.",
            variant_of=shared,
        ),
        "internal": make(
            actor=supervisor,
            center=nordhordland,
            slug="grovavfall-rutine",
            title="Rutine for grovavfall-klager",
            body="Send klager på grovavfall til renovasjonsteamet.",
            audience=Audience.AGENTS,
        ),
        "outage": services.incident_raise(
            actor=supervisor,
            title="Vassbrot på Eivindvik",
            municipalities=[gulen],
            public_message="Vatnet er borte i Eivindvik. Kok vatnet når det kjem att.",
            agent_script="Sei at reparasjon er i gang; venta ferdig kl. 18.",
            severity=Incident.Severity.MAJOR,
        ),
        "internal_outage": services.incident_raise(
            actor=supervisor,
            title="Telefonsentralen er ustabil",
            municipalities=[osteroy],
            agent_script="Ring tilbake om samtalen bryt.",
            is_public=False,
        ),
    }


def test_search_answers_with_slug_title_snippet_score_and_kind(client_for, agent, shelf):
    hits = client_for(agent).get("/api/knowledge/search?q=grovavfall&municipality=gulen&limit=5").json()

    assert [hit["slug"] for hit in hits][:1] == ["grovavfall-gulen"]  # the local variant answers in Gulen
    assert "grovavfall" not in [hit["slug"] for hit in hits]  # … instead of the shared article
    assert "grovavfall-rutine" in [hit["slug"] for hit in hits]  # agents read agents-only answers
    first = hits[0]
    assert first["kind"] == "article" and first["municipality"] == "gulen" and first["score"] > 0
    assert "<mark>grovavfall</mark>" in first["snippet"]


def test_search_finds_incidents_too(client_for, agent, shelf):
    hits = client_for(agent).get("/api/knowledge/search?q=vassbrot&municipality=gulen").json()
    assert {"kind": "incident", "slug": str(shelf["outage"].pk)} in [
        {"kind": hit["kind"], "slug": hit["slug"]} for hit in hits
    ]


def test_without_sign_in_a_municipalitys_public_answers_only(db, shelf):
    visitor = Client()
    hits = visitor.get("/api/knowledge/search?q=grovavfall&municipality=osteroy").json()

    assert [hit["slug"] for hit in hits] == ["grovavfall"]  # no Gulen variant, no agents-only routine
    assert visitor.get("/api/knowledge/search?q=grovavfall").status_code == 404  # which municipality?
    assert visitor.get("/api/knowledge/search?q=grovavfall&municipality=nowhere").status_code == 404


def test_a_wrong_token_is_not_taken_for_a_visitor(db, shelf):
    answer = Client().get(
        "/api/knowledge/search?q=grovavfall&municipality=gulen", HTTP_AUTHORIZATION="Bearer cdk_wrong"
    )
    assert answer.status_code == 401


def test_public_incidents_without_the_agents_script(db, shelf):
    incidents = Client().get("/api/knowledge/incidents?municipality=gulen").json()

    assert [i["title"] for i in incidents] == ["Vassbrot på Eivindvik"]
    assert incidents[0]["agent_script"] == "" and "Kok vatnet" in incidents[0]["public_message"]
    assert incidents[0]["municipalities"] == ["gulen"]
    assert Client().get("/api/knowledge/incidents?municipality=osteroy").json() == []  # not public


def test_staff_see_internal_incidents_and_the_script(client_for, agent, shelf):
    incidents = client_for(agent).get("/api/knowledge/incidents").json()
    titles = {i["title"]: i for i in incidents}
    assert set(titles) == {"Vassbrot på Eivindvik", "Telefonsentralen er ustabil"}
    assert titles["Vassbrot på Eivindvik"]["agent_script"].startswith("Sei at")


def test_an_article_as_it_answers_for_a_municipality(db, shelf):
    gulen = Client().get("/api/knowledge/answers/gulen/grovavfall").json()
    osteroy = Client().get("/api/knowledge/answers/osteroy/grovavfall").json()

    assert gulen["slug"] == "grovavfall-gulen" and gulen["variant_of"] == "grovavfall"
    assert osteroy["slug"] == "grovavfall" and "<p>" in osteroy["html"]
    assert Client().get("/api/knowledge/answers/gulen/grovavfall-rutine").status_code == 404


def test_feedback_from_a_visitor_and_from_an_agent(client_for, agent, shelf):
    article = shelf["shared"]
    public = Client().post(
        f"/api/knowledge/articles/{article.pk}/feedback",
        {"helped": False, "municipality": "osteroy", "query": "grovavfall"},
        content_type="application/json",
    )
    staff = client_for(agent).post(
        f"/api/knowledge/articles/{article.pk}/feedback", {"helped": True}, content_type="application/json"
    )

    assert public.status_code == 201 and staff.status_code == 201
    assert sorted(article.feedback.values_list("helped", "from_agent")) == [(False, False), (True, True)]
    hidden = Client().post(
        f"/api/knowledge/articles/{shelf['internal'].pk}/feedback",
        {"helped": True, "municipality": "osteroy"},
        content_type="application/json",
    )
    assert hidden.status_code == 404


@override_settings(API_PUBLIC_RATE="3/m")
def test_visitors_are_rate_limited(db, shelf):
    visitor = Client()
    answers = [visitor.get("/api/knowledge/incidents?municipality=gulen").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]


def test_a_supervisor_raises_updates_and_resolves_an_incident(client_for, supervisor, shelf):
    staff = client_for(supervisor)
    raised = staff.post(
        "/api/knowledge/incidents",
        {
            "title": "Stengd veg ved Haugsvær",
            "municipalities": ["gulen", "osteroy"],
            "center": "nordhordland",
            "severity": "critical",
            "public_message": "Fylkesvegen er stengd.",
            "agent_script": "Omkøyring via Masfjorden.",
        },
        content_type="application/json",
    )
    assert raised.status_code == 201, raised.content
    incident_id = raised.json()["id"]
    first = Client().get("/api/knowledge/incidents?municipality=osteroy").json()[0]
    assert first["title"] == "Stengd veg ved Haugsvær"  # the most severe first

    news = staff.post(
        f"/api/knowledge/incidents/{incident_id}/updates",
        {"public_message": "Vegen opnar kl. 16."},
        content_type="application/json",
    )
    assert news.json()["public_message"] == "Vegen opnar kl. 16."
    resolved = staff.post(f"/api/knowledge/incidents/{incident_id}/resolve", {}, content_type="application/json")
    assert resolved.json()["resolved_at"] is not None
    assert [i["id"] for i in Client().get("/api/knowledge/incidents?municipality=osteroy").json()] == []


def test_agents_do_not_raise_incidents(client_for, agent, shelf):
    answer = client_for(agent).post(
        "/api/knowledge/incidents", {"title": "Storm", "municipalities": ["gulen"]}, content_type="application/json"
    )
    assert answer.status_code == 403


def test_an_incident_for_a_municipality_outside_the_centre_is_refused(client_for, supervisor, shelf):
    answer = client_for(supervisor).post(
        "/api/knowledge/incidents",
        {"title": "Storm", "municipalities": ["gulen", "orebro"], "center": "nordhordland"},
        content_type="application/json",
    )
    assert answer.status_code == 404  # Örebro is not a municipality the supervisor reaches
