"""A unit or a person of the directory as a vCard 4.0 (RFC 6350) for an address book: the properties a phone
needs, escaped text, CRLF line ends and lines folded at 75 octets, without internal-only numbers for anyone
but staff."""

import re

import pytest

from civicdesk.directory import selectors, services
from civicdesk.directory.models import Channel, Employee, Unit
from civicdesk.directory.vcard import employee_vcard, fold, unit_vcard
from civicdesk.organisations.access import SYSTEM

DESCRIPTION = "Skatt; avgifter, gebyr og C:\\sti\nSjå òg nettsida"


def _unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _properties(text: str) -> dict[str, list[tuple[str, str]]]:
    """``{NAME: [(parameters, value), …]}`` read back line by line."""
    found: dict[str, list[tuple[str, str]]] = {}
    for line in _unfold(text):
        head, _sep, value = line.partition(":")
        name, _sep, parameters = head.partition(";")
        found.setdefault(name, []).append((parameters, value))
    return found


@pytest.fixture
def unit(gulen):
    unit = services.unit_create(
        actor=SYSTEM,
        municipality=gulen,
        name="Eigedomsskatt og kommunale avgifter for bustader, fritidsbustader og næringseigedom i Gulen",
        description=DESCRIPTION,
        email="skatt@gulen.kommune.example",
        visiting_address="Eivindvikvegen 1119\n5966 Eivindvik",
        postal_address="Postboks 4\n5966 Eivindvik",
    )
    services.phone_add(actor=SYSTEM, unit=unit, number="57782900", purpose="queue")
    services.phone_add(actor=SYSTEM, unit=unit, number="57782999", purpose="direct", internal_only=True)
    services.unit_hours_set(actor=SYSTEM, unit=unit, channel=Channel.PHONE, hours="mon-fri 09:00-15:00")
    return selectors.unit_get(actor=SYSTEM, unit_id=unit.pk)


@pytest.fixture
def person(gulen):
    return Employee.objects.select_related("municipality", "unit").get(municipality=gulen, unit__name="Byggesak Gulen")


def test_a_unit_card_has_its_name_organisation_numbers_addresses_and_hours(unit):
    card = _properties(unit_vcard(unit, include_internal=True))

    assert card["BEGIN"] == [("", "VCARD")] and card["VERSION"] == [("", "4.0")] and card["END"] == [("", "VCARD")]
    assert card["KIND"] == [("", "org")]
    assert _unescape(card["FN"][0][1]) == unit.name
    assert card["ORG"] == [("", "Gulen;" + unit.name.replace(",", "\\,"))]
    assert card["EMAIL"] == [("TYPE=work", "skatt@gulen.kommune.example")]
    assert card["TEL"] == [
        ('VALUE=uri;TYPE="work,voice";PREF=1', "tel:+4757782900"),
        ('VALUE=uri;TYPE="work,voice"', "tel:+4757782999"),
    ]
    assert card["ADR"] == [
        ("TYPE=work", ";;Eivindvikvegen 1119;Eivindvik;;5966;"),
        ("TYPE=work;PREF=1", ";;Postboks 4;Eivindvik;;5966;"),
    ]
    note = _unescape(card["NOTE"][0][1])
    assert note.startswith(DESCRIPTION) and note.endswith("Telefon: mon-fri 09:00-15:00")  # in Gulen's language
    assert re.fullmatch(r"\d{8}T\d{6}Z", card["REV"][0][1])
    assert card["UID"][0][1].startswith("urn:uuid:")


def test_text_is_escaped(unit):
    text = unit_vcard(unit, include_internal=True)
    note = next(line for line in _unfold(text) if line.startswith("NOTE:"))
    assert note.startswith("NOTE:Skatt\\; avgifter\\, gebyr og C:\\\\sti\\nSjå òg nettsida")


def test_lines_are_folded_at_75_octets_without_splitting_a_character(unit):
    text = unit_vcard(unit, include_internal=True)
    lines = text.split("\r\n")[:-1]
    assert any(line.startswith(" ") for line in lines)  # the long name was folded
    for line in lines:
        assert len(line.encode("utf-8")) <= 75
        line.encode("utf-8").decode("utf-8")
    folded = fold("NOTE:" + "æ" * 100)
    assert all(len(piece.encode("utf-8")) <= 75 for piece in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "NOTE:" + "æ" * 100


def test_internal_only_numbers_are_left_out_for_anyone_but_staff(unit):
    card = _properties(unit_vcard(unit, include_internal=False))
    assert card["TEL"] == [('VALUE=uri;TYPE="work,voice";PREF=1', "tel:+4757782900")]


def test_a_person_card_has_name_title_unit_numbers_and_languages(person):
    card = _properties(employee_vcard(person, include_internal=True))

    assert card["KIND"] == [("", "individual")]
    assert _unescape(card["FN"][0][1]) == person.name
    family, given = card["N"][0][1].split(";")[:2]
    assert f"{given} {family}" == person.name
    assert card["ORG"] == [("", "Gulen;Byggesak Gulen")]
    assert card["TITLE"] == [("", "Byggesakshandsamar")]
    assert card["TEL"] == [('VALUE=uri;TYPE="work,voice";PREF=1', "tel:+4757782010")]
    assert card["LANG"] == [("PREF=1", "nb"), ("PREF=2", "nn"), ("PREF=3", "en")]
    assert _unescape(card["NOTE"][0][1]) == "Byggesøknader, garasjar og tilbygg"


# --- API and pages ----------------------------------------------------------------------------------------------


def test_the_api_serves_a_unit_card_next_to_the_unit_itself(client_for, agent, unit):
    client = client_for(agent)

    card = client.get(f"/api/directory/units/{unit.pk}.vcf")
    as_json = client.get(f"/api/directory/units/{unit.pk}")

    assert card.status_code == 200, card.content
    assert card["Content-Type"] == "text/vcard; charset=utf-8"
    assert card["Content-Disposition"] == f'attachment; filename="unit-{unit.pk}.vcf"'
    assert card.content.decode().startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert as_json.json()["id"] == unit.pk


def test_the_api_serves_a_person_card_and_hides_it_from_another_centre(client_for, agent, outsider, person):
    card = client_for(agent).get(f"/api/directory/employees/{person.pk}.vcf")
    assert card.status_code == 200
    assert "TITLE:Byggesakshandsamar\r\n" in card.content.decode()
    assert client_for(outsider).get(f"/api/directory/employees/{person.pk}.vcf").status_code == 404


def test_staff_download_cards_from_the_pages(client_for, agent, outsider, unit, person):
    client = client_for(agent)
    unit_card = client.get(f"/directory/units/{unit.pk}/vcard/")
    person_card = client.get(f"/directory/people/{person.pk}/vcard/")
    assert unit_card["Content-Type"] == "text/vcard; charset=utf-8"
    assert "KIND:org\r\n" in unit_card.content.decode()
    assert "KIND:individual\r\n" in person_card.content.decode()
    assert client_for(outsider).get(f"/directory/units/{unit.pk}/vcard/").status_code == 404
    assert Unit.objects.filter(pk=unit.pk).exists()
