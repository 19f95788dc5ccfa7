"""The knowledge search in the browser. The issue's check: an agent types the caller's question into the
knowledge search, by keyboard only, and the incident going on in the caller's municipality is shown first,
above the answers. The agent's search page (with results) and the public help pages pass axe-core in every
language.

The demo world has no knowledge yet, so the centre's supervisor puts some in through the JSON API, as an
integration would: two of the centre's shared answers (imported as JSON Lines) and an incident in Gulen."""

import json

import pytest

from tests.browser.conftest import assert_pages_accessible_in_every_language, axe_violations, sign_in, switch_language

pytestmark = pytest.mark.browser

INCIDENT = "Straumbrot på Byrknes"
SHARED = {
    "id": "straumbrot-heime",
    "title": "Straumbrot heime",
    "body": "Ved **straumbrot** får alle i området SMS frå nettselskapet.\n\n"
    "- Slå av komfyren og omnane.\n- Hald kjøleskapet lukka til straumen er tilbake.",
    "language": "nb",
    "topic": "Straum",
}
OTHER = {
    "id": "gatelys-som-ikkje-verkar",
    "title": "Gatelys som ikkje verkar",
    "body": "Meld gatelys som ikkje lyser til servicetorget. Straumbrot i gatelyset rettar vi innan ei veke.",
    "language": "nb",
    "topic": "Straum",
}


@pytest.fixture(scope="module")
def knowledge(browser, demo_server):
    """Two shared answers and an incident in Gulen, put in by the centre's supervisor."""
    context = browser.new_context(base_url=demo_server, locale="en-GB")
    page = context.new_page()
    sign_in(page, "nh.supervisor")
    csrf = next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "csrftoken")
    headers = {"X-CSRFToken": csrf, "Referer": demo_server + "/"}
    lines = "\n".join(json.dumps(article, ensure_ascii=False) for article in (SHARED, OTHER))
    imported = page.request.post(
        "/api/knowledge/import?center=nordhordland&format=jsonl",
        data=lines.encode(),
        headers={**headers, "Content-Type": "application/x-ndjson"},
    )
    assert imported.ok, imported.text()
    going_on = page.request.get("/api/knowledge/incidents?municipality=gulen").json()
    if not any(incident["title"] == INCIDENT for incident in going_on):
        raised = page.request.post(
            "/api/knowledge/incidents",
            data=json.dumps(
                {
                    "title": INCIDENT,
                    "municipalities": ["gulen"],
                    "severity": "major",
                    "public_message": "Straumen er borte på Byrknes til klokka 18.",
                    "agent_script": "Sei at straumen kjem att innan klokka 18; telefonar kan ladast på skulen.",
                }
            ),
            headers={**headers, "Content-Type": "application/json"},
        )
        assert raised.ok, raised.text()
    context.close()


def test_agent_types_the_question_and_sees_the_incident_first_by_keyboard_only(page, knowledge):
    sign_in(page, "nh.agent")
    page.goto("/knowledge/?m=gulen")
    switch_language(page, "en")  # the assertions below read the English labels
    page.goto("/knowledge/?m=gulen")
    assert page.evaluate("document.activeElement.id") == "knowledge-q"
    page.keyboard.press("Tab")  # on to the Search button; "/" brings the agent back
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "knowledge-q"
    page.keyboard.type("straumbrot heime", delay=40)
    answer = page.locator("#knowledge-hits details[data-kind=article]", has_text=SHARED["title"]).first
    answer.wait_for()

    incident = page.locator("#knowledge-incidents", has_text=INCIDENT)
    assert incident.is_visible()
    assert "Major" in incident.inner_text() and "telefonar kan ladast på skulen" in incident.inner_text()
    first_hit = page.locator("#knowledge-hits > li").first
    assert incident.bounding_box()["y"] < first_hit.bounding_box()["y"]
    in_order = page.evaluate(
        "[...document.querySelectorAll('#knowledge-incidents, #knowledge-hits details[data-kind=article]')]"
        ".map(e => e.id || 'article')"
    )
    assert in_order[0] == "knowledge-incidents"

    for _ in range(12):  # the arrow keys move through the results
        page.keyboard.press("ArrowDown")
        if SHARED["title"] in page.evaluate("document.activeElement.textContent"):
            break
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")  # opens the answer in place
    assert answer.get_attribute("open") is not None
    assert "Hald kjøleskapet lukka til straumen er tilbake." in answer.inner_text()

    for _ in range(40):  # past the answer's own links to its feedback buttons
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "This answered it":
            break
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    assert "This answered it" in focused, focused
    page.keyboard.press("Enter")
    answer.locator("[role=status]", has_text="Thank you").wait_for()

    page.keyboard.press("Alt+K")
    assert page.evaluate("document.activeElement.id") == "knowledge-q"


def test_agent_search_page_with_results_is_accessible_in_every_language(page, knowledge):
    sign_in(page, "nh.agent")
    page.goto("/knowledge/?m=gulen&q=straumbrot")
    page.locator("#knowledge-hits details").first.wait_for()
    assert not axe_violations(page)
    page.locator("#knowledge-hits summary").first.click()  # an answer open in place
    assert not axe_violations(page)
    assert_pages_accessible_in_every_language(page, ["/knowledge/?m=gulen&q=straumbrot", "/knowledge/?m=osteroy"])


def test_public_help_pages_are_accessible_in_every_language(page, knowledge):
    page.goto("/help/gulen/")
    assert INCIDENT in page.locator("#help-incidents").inner_text()
    assert_pages_accessible_in_every_language(
        page,
        [
            "/help/gulen/",
            "/help/gulen/?q=straumbrot",
            f"/help/gulen/{OTHER['id']}/",
            f"/help/osteroy/{SHARED['id']}/",
            "/help/gulen/incidents/",
        ],
        signed_in=False,
    )


def test_a_visitor_answers_did_this_help_by_keyboard(page, knowledge):
    page.goto(f"/help/gulen/{OTHER['id']}/")
    page.locator("#help-feedback button", has_text="Yes").focus()
    page.keyboard.press("Enter")
    page.locator("#help-feedback-body", has_text="Thank you").wait_for()
    assert not axe_violations(page)
