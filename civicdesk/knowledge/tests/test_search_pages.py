"""The agent's knowledge search page: incidents going on first, answers open in place, the local variant for
its municipality, directory entries beside, feedback on an answer, and missing knowledge kept for finished
searches only."""

import pytest

from civicdesk.knowledge import services
from civicdesk.knowledge.models import AnswerFeedback, Article, Audience, SearchMiss

PUBLISHED = Article.Status.PUBLISHED
URL = "/knowledge/"


@pytest.fixture
def shelf(supervisor, municipality_admin, nordhordland, gulen):
    make = lambda **kw: services.article_create(status=PUBLISHED, language="nb", **kw)  # noqa: E731
    shared = make(
        actor=supervisor,
        center=nordhordland,
        title="Leige av plass på kajakkhotellet",
        body="Kajakkhotellet på kaia har 40 plassar. **Bestill** plass på nettsida.",
    )
    return {
        "shared": shared,
        "local": make(
            actor=municipality_admin,
            municipality=gulen,
            title="Kajakkhotell i Gulen",
            body="I Gulen driv idrettslaget kajakkhotellet ved Eivindvik kai.",
            variant_of=shared,
        ),
        "agents": make(
            actor=supervisor,
            center=nordhordland,
            title="Manus: klage på kajakkhotellet",
            body="Set over til idrettslaget ved klage på kajakkhotellet.",
            audience=Audience.AGENTS,
        ),
        "draft": services.article_create(
            actor=supervisor,
            center=nordhordland,
            title="Kajakkhotell utkast",
            body="Ikkje ferdig om kajakkhotellet.",
            language="nb",
        ),
    }


@pytest.fixture
def outage(supervisor, gulen):
    return services.incident_raise(
        actor=supervisor,
        municipalities=[gulen],
        title="Straumbrot på Byrknes",
        public_message="Straumen er borte på Byrknes.",
        agent_script="Sei at straumen kjem att innan klokka 18, og at dei kan lade telefonen på skulen.",
        severity="major",
    )


def _page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_incident_going_on_comes_above_the_results(client_for, agent, gulen, shelf, outage):
    page = _page(client_for(agent), m="gulen", q="kajakkhotell")
    assert "Straumbrot på Byrknes" in page and "kan lade telefonen på skulen" in page
    assert (
        page.index("Straumbrot på Byrknes") < page.index('id="knowledge-results"') < page.index("Kajakkhotell i Gulen")
    )
    assert "Major" in page  # the severity in words, not only a colour


def test_the_local_variant_answers_for_gulen_and_never_for_osteroy(client_for, agent, shelf):
    client = client_for(agent)
    gulen_page = _page(client, m="gulen", q="kajakkhotell")
    assert "Kajakkhotell i Gulen" in gulen_page and "Leige av plass på kajakkhotellet" not in gulen_page
    osteroy_page = _page(client, m="osteroy", q="kajakkhotell")
    assert "Leige av plass på kajakkhotellet" in osteroy_page and "Kajakkhotell i Gulen" not in osteroy_page


def test_the_agent_finds_an_agents_only_answer_but_never_a_draft(client_for, agent, shelf):
    page = _page(client_for(agent), m="gulen", q="kajakkhotell")
    assert "Manus: klage på kajakkhotellet" in page
    assert "Kajakkhotell utkast" not in page


def test_an_answer_opens_in_place_rendered(client_for, agent, shelf):
    page = _page(client_for(agent), m="osteroy", q="kajakkhotell")
    assert "<strong>Bestill</strong>" in page
    assert f'href="/help/osteroy/{shelf["shared"].slug}/"' in page


def test_the_directory_group_shows_a_matching_unit_with_its_number(client_for, agent):
    page = _page(client_for(agent), m="gulen", q="byggesak")
    directory = page[page.index('id="knowledge-directory"') :]
    assert "Byggesak Gulen" in directory and 'href="tel:' in directory


def test_typing_returns_only_the_results_and_records_no_miss(client_for, agent, shelf):
    client = client_for(agent)
    misses_before = SearchMiss.objects.count()
    for typed in ("s", "sk", "skøyt", "skøytebane"):
        response = client.get(
            URL, {"m": "gulen", "q": typed}, headers={"HX-Request": "true", "HX-Target": "knowledge-results"}
        )
        assert response.status_code == 200
        assert response.content.decode().lstrip().startswith('<section id="knowledge-results"')
    assert SearchMiss.objects.count() == misses_before


def test_a_finished_search_without_an_answer_is_recorded_once(client_for, agent, gulen, shelf):
    client = client_for(agent)
    client.get(URL, {"m": "gulen", "q": "skøytebane"})  # as typed: no miss
    page = _page(client, m="gulen", q="skøytebane", answers="nb", finished="1")
    assert "missing knowledge" in page
    assert '<html lang="en"' in page  # the answers' language is not the page's
    miss = SearchMiss.objects.get(query="skøytebane")
    assert (miss.query, miss.municipality, miss.language, miss.from_agent) == ("skøytebane", gulen, "nb", True)
    _page(client, m="gulen", q="kajakkhotell", finished="1")  # found something: no miss
    assert SearchMiss.objects.filter(query__in=["skøytebane", "kajakkhotell"]).count() == 1


def test_nothing_here_answered_it_records_the_question(client_for, agent, gulen, shelf):
    response = client_for(agent).post(
        URL,
        {"m": "gulen", "q": "kajakkhotell vinterlagring", "answers": "nb"},
        headers={"HX-Request": "true", "HX-Target": "knowledge-results"},
    )
    assert "missing knowledge" in response.content.decode()
    assert (
        SearchMiss.objects.filter(query="kajakkhotell vinterlagring", municipality=gulen, from_agent=True).count() == 1
    )


def test_the_agent_says_an_answer_helped(client_for, agent, gulen, shelf):
    client = client_for(agent)
    article = shelf["local"]
    response = client.post(
        f"/knowledge/articles/{article.pk}/feedback/",
        {"helped": "yes", "m": "gulen", "q": "kajakkhotell"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    feedback = AnswerFeedback.objects.get(article=article)
    assert (feedback.article, feedback.helped, feedback.municipality, feedback.from_agent) == (
        article,
        True,
        gulen,
        True,
    )
    assert feedback.query == "kajakkhotell"
    without_js = client.post(f"/knowledge/articles/{article.pk}/feedback/", {"helped": "no", "m": "gulen"})
    assert without_js.status_code == 302 and AnswerFeedback.objects.filter(article=article, helped=False).count() == 1


def test_feedback_needs_the_csrf_token(agent, shelf):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(f"/knowledge/articles/{shelf['local'].pk}/feedback/", {"helped": "yes"})
    assert response.status_code == 403 and not AnswerFeedback.objects.filter(article=shelf["local"]).exists()


def test_another_centre_cannot_give_feedback_on_our_answer(client_for, outsider, shelf):
    response = client_for(outsider).post(f"/knowledge/articles/{shelf['shared'].pk}/feedback/", {"helped": "yes"})
    assert response.status_code == 404 and not AnswerFeedback.objects.filter(article=shelf["shared"]).exists()


def test_the_agent_s_last_municipality_is_remembered(client_for, agent):
    client = client_for(agent)
    _page(client, m="osteroy")
    assert 'value="osteroy" selected' in _page(client)


def test_a_citizen_is_sent_to_their_municipality_s_help_pages(client_for, citizen):
    response = client_for(citizen).get(URL)
    assert response.status_code == 302 and response["Location"] == "/help/gulen/"


def test_signing_in_is_needed(client):
    assert client.get(URL).status_code == 302


def test_the_search_page_reads_a_bounded_number_of_queries(
    client_for, agent, shelf, outage, django_assert_max_num_queries
):
    client = client_for(agent)
    _page(client, m="gulen", q="kajakkhotell")
    with django_assert_max_num_queries(30):
        _page(client, m="gulen", q="kajakkhotell")
