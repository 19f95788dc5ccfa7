"""Search-as-you-type: half words, typos, the Nordic spellings of one letter, numbers however they are typed,
topics handled, and only what the searcher may see."""

from datetime import UTC, datetime

import pytest

from civicdesk.directory import search, selectors, services
from civicdesk.directory.models import Channel, PhoneNumber
from civicdesk.organisations.models import Topic

MONDAY_10_OSLO = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def vannverk(municipality_admin, gulen):
    """A unit with a Nordic name, a person with Nordic letters in theirs, numbers and a topic."""
    unit = services.unit_create(
        actor=municipality_admin, municipality=gulen, name="Pumpestasjon Ytre Sogn", kind="team", description="Vassverk"
    )
    services.unit_hours_set(actor=municipality_admin, unit=unit, channel=Channel.PHONE, hours="mon-fri 08:00-15:00")
    services.phone_add(actor=municipality_admin, unit=unit, number="57 78 29 00", purpose=PhoneNumber.Purpose.QUEUE)
    person = services.employee_create(
        actor=municipality_admin, municipality=gulen, name="Åse Mæland Sørensen", title="Driftsoperatør", unit=unit
    )
    services.phone_add(actor=municipality_admin, employee=person, number="+47 91 23 45 67", purpose="mobile")
    topic = Topic.objects.filter(municipality=None, parent__isnull=False).order_by("pk").first()
    services.responsibility_add(actor=municipality_admin, topic=topic, unit=unit, rank=5)
    return unit, person, topic


def _names(actor, query, **kwargs):
    found, _forgiven = selectors.directory_search(actor=actor, query=query, at=MONDAY_10_OSLO, **kwargs)
    return [item.name for item in found]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Sørensen", "Sorensen"),
        ("Sørensen", "Sörensen"),
        ("Sørensen", "Soerensen"),
        ("Mæland", "Mäland"),
        ("Mæland", "Maeland"),
        ("Åsane", "Aasane"),
        ("Ærø", "Aeroe"),
        ("Malmö", "Malmø"),
        ("Jönköping", "JONKOPING"),
        ("Zoë", "Zoe"),
    ],
)
def test_nordic_spellings_of_one_letter_fold_alike(one, other):
    assert search.fold(one) == search.fold(other)


def test_half_a_word_finds_the_unit_first(agent, vannverk):
    assert _names(agent, "pumpes yt")[0] == "Pumpestasjon Ytre Sogn"
    assert _names(agent, "ytre so")[0] == "Pumpestasjon Ytre Sogn"


@pytest.mark.parametrize("typed", ["Åse Sør", "aase sorensen", "ase soerensen", "Maeland", "Mäland", "SÖRENSEN"])
def test_a_person_is_found_however_the_nordic_letters_are_typed(agent, vannverk, typed):
    assert "Åse Mæland Sørensen" in _names(agent, typed)


@pytest.mark.parametrize("typed", ["Sorenssen", "Soernsen", "driftsoperater", "Mealand"])
def test_typos_are_forgiven_and_said_so(agent, vannverk, typed):
    found, forgiven = selectors.directory_search(actor=agent, query=typed, at=MONDAY_10_OSLO)
    assert "Åse Mæland Sørensen" in [item.name for item in found]
    assert forgiven


def test_a_typo_is_not_stretched_to_anything_alike(agent, vannverk):
    assert _names(agent, "xyzzyq") == []
    assert "Åse Mæland Sørensen" not in _names(agent, "Svendsen")


@pytest.mark.parametrize("typed", ["91 23 45 67", "+47 912 34 567", "004791234567", "4567", "9123"])
def test_a_number_is_found_however_it_is_typed(agent, vannverk, typed):
    assert _names(agent, typed) == ["Åse Mæland Sørensen"]


def test_a_unit_is_found_by_the_topic_it_handles_in_any_language(agent, vannverk):
    unit, _person, topic = vannverk
    for name in (topic.name_en, topic.name_nb, topic.name_sv):
        found, _forgiven = selectors.directory_search(actor=agent, query=name, municipality=unit.municipality)
        assert unit.name in [item.name for item in found], name
        item = next(item for item in found if item.key == f"unit:{unit.pk}")
        assert "topic" in item.matched
        assert topic in item.topics


def test_a_result_carries_the_best_number_and_whether_it_is_open(agent, vannverk):
    found, _forgiven = selectors.directory_search(actor=agent, query="pumpestasjon", at=MONDAY_10_OSLO)
    unit_item = found[0]
    assert unit_item.phone == "+4757782900"
    assert unit_item.openness.open_now
    person = next(item for item in found if item.kind == "employee")
    assert person.phone == "+4791234567"
    assert person.detail == "Driftsoperatør · Pumpestasjon Ytre Sogn"


def test_another_centre_finds_none_of_it(outsider, vannverk):
    assert _names(outsider, "Sørensen") == []
    assert _names(outsider, "Pumpestasjon") == []


def test_searching_one_municipality_leaves_the_others_out(agent, vannverk, osteroy):
    assert _names(agent, "Pumpestasjon", municipality=osteroy) == []


def test_fewer_than_two_characters_searches_nothing(agent, vannverk):
    assert _names(agent, "v") == []
    assert _names(agent, "  ") == []


def test_a_change_renews_the_index_every_process_holds(agent, municipality_admin, gulen, vannverk):
    """An index built outside a transaction is kept; a new person is found at once after it is added."""
    index = search.build(gulen.pk)
    generation = search.INDEXES._generations([gulen.pk])[gulen.pk]
    search.INDEXES._held[gulen.pk] = (generation, index)
    assert _names(agent, "Kråkenes") == []
    services.employee_create(actor=municipality_admin, municipality=gulen, name="Per Kråkenes")
    assert _names(agent, "Krakenes") == ["Per Kråkenes"]
    assert search.INDEXES._generations([gulen.pk])[gulen.pk] != generation


def test_search_api_answers_with_number_openness_and_what_matched(client_for, agent, vannverk):
    response = client_for(agent).get("/api/directory/search", {"q": "bygesak gulen", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["typos_forgiven"] is True
    first = body["results"][0]
    assert first["name"] == "Byggesak Gulen"
    assert first["kind"] == "unit"
    assert first["municipality"] == "gulen"
    assert first["phone"].startswith("+47")
    assert first["matched"] == ["name"]
    assert isinstance(first["open_now"], bool)
    assert len(body["results"]) <= 3


def test_search_api_refuses_a_limit_over_fifty(client_for, agent):
    assert client_for(agent).get("/api/directory/search", {"q": "gulen", "limit": 500}).status_code == 422


def test_the_directory_page_finds_as_you_type(client_for, agent, vannverk):
    client = client_for(agent)
    page = client.get("/directory/")
    assert page.status_code == 200
    assert "Find a unit, person, number or topic" in page.content.decode()
    partial = client.get("/directory/", {"q": "pumpest"}, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "Pumpestasjon Ytre Sogn" in html
    assert "+47 57 78 29 00" in html
    assert "<html" not in html
    nothing = client.get("/directory/", {"q": "qqqqzz"}).content.decode()
    assert "Nothing found for “qqqqzz”" in nothing


def test_the_unit_page_shows_numbers_hours_people_and_topics(client_for, agent, vannverk):
    unit, person, topic = vannverk
    html = client_for(agent).get(f"/directory/units/{unit.pk}/").content.decode()
    assert "+47 57 78 29 00" in html
    assert "mon-fri 08:00-15:00" in html
    assert person.name in html
    assert topic.name_en in html


def test_the_person_page_shows_their_numbers_and_unit(client_for, agent, vannverk):
    _unit, person, _topic = vannverk
    html = client_for(agent).get(f"/directory/people/{person.pk}/").content.decode()
    assert "+47 91 23 45 67" in html
    assert "Pumpestasjon Ytre Sogn" in html


def test_another_centre_gets_not_found_for_the_pages(client_for, outsider, vannverk):
    unit, person, _topic = vannverk
    client = client_for(outsider)
    assert client.get(f"/directory/units/{unit.pk}/").status_code == 404
    assert client.get(f"/directory/people/{person.pk}/").status_code == 404


def test_citizens_find_public_entries_of_their_municipality_but_nothing_internal(
    client_for, citizen, municipality_admin, gulen, vannverk
):
    unit, person, _topic = vannverk
    hidden = services.employee_create(
        actor=municipality_admin, municipality=gulen, name="Åse Intern Sørensen", internal_only=True, unit=unit
    )
    services.phone_add(actor=municipality_admin, unit=unit, number="57 78 29 99", purpose="direct", internal_only=True)
    names = _names(citizen, "Sørensen")
    assert person.name in names and hidden.name not in names
    assert _names(citizen, "57782999") == []
    client = client_for(citizen)
    page = client.get(f"/directory/units/{unit.pk}/").content.decode()
    assert "+47 57 78 29 00" in page and "+47 57 78 29 99" not in page
    assert hidden.name not in page
    assert client.get(f"/directory/people/{hidden.pk}/").status_code == 404


def test_municipal_employees_find_internal_numbers_themselves(client_for, employee, system):
    from civicdesk.organisations.models import Municipality

    holbaek = Municipality.objects.get(slug="holbaek")
    unit = services.unit_create(actor=system, municipality=holbaek, name="IT-support Holbæk", internal_only=True)
    services.phone_add(actor=system, unit=unit, number="59 53 11 11", purpose="direct", internal_only=True)
    assert _names(employee, "it-supp") == ["IT-support Holbæk"]
    assert _names(employee, "59531111") == ["IT-support Holbæk"]
    page = client_for(employee).get(f"/directory/units/{unit.pk}/")
    assert page.status_code == 200
    assert "+45 59 53 11 11" in page.content.decode()
