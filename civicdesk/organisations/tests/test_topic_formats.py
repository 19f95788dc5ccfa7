from pathlib import Path

import pytest

from civicdesk.organisations.topic_formats import (
    CSV_COLUMNS,
    LANGUAGES,
    TopicFormatError,
    TopicRecord,
    parse_kle_xml,
    parse_los_skos,
    parse_topics_csv,
    write_topics_csv,
)

DEFAULT_TOPICS = Path(__file__).resolve().parent.parent / "data" / "default_topics.csv"
HEADER = ",".join(CSV_COLUMNS)

# Mirrors KL's KLE-Emneplan XML (root KLE-Emneplan; Hovedgruppe > Gruppe > Emne with …Nr and …Titel,
# …Vejledning, …AdministrativInfo with OprettetDato/RettetDato/Historisk). Titles are made up.
KLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<KLE-Emneplan>
  <UdgivelsesDato>2024-01-01</UdgivelsesDato>
  <Hovedgruppe>
    <HovedgruppeNr>02</HovedgruppeNr>
    <HovedgruppeTitel>Byggeri</HovedgruppeTitel>
    <HovedgruppeVejledning><VejledningTekst><p>Vejledning, som ikke skal med.</p></VejledningTekst>
    </HovedgruppeVejledning>
    <HovedgruppeAdministrativInfo><OprettetDato>1988-01-01</OprettetDato></HovedgruppeAdministrativInfo>
    <Gruppe>
      <GruppeNr>02.34</GruppeNr>
      <GruppeTitel>Byggetilladelser</GruppeTitel>
      <GruppeAdministrativInfo><OprettetDato>1988-01-01</OprettetDato></GruppeAdministrativInfo>
      <Emne>
        <EmneNr>02.34.02</EmneNr>
        <EmneTitel>Byggetilladelse til  enfamiliehuse</EmneTitel>
        <EmneAdministrativInfo><OprettetDato>1988-01-01</OprettetDato></EmneAdministrativInfo>
        <BevaringJaevnfoerArkivloven>B</BevaringJaevnfoerArkivloven>
      </Emne>
      <Emne>
        <EmneNr>02.34.99</EmneNr>
        <EmneTitel>Udgået emne</EmneTitel>
        <EmneAdministrativInfo>
          <OprettetDato>1988-01-01</OprettetDato>
          <Historisk><UdgaaetDato>2010-01-01</UdgaaetDato></Historisk>
        </EmneAdministrativInfo>
      </Emne>
    </Gruppe>
  </Hovedgruppe>
  <Hovedgruppe>
    <HovedgruppeNr>05</HovedgruppeNr>
    <HovedgruppeTitel>Veje</HovedgruppeTitel>
    <Gruppe>
      <GruppeNr>05.01</GruppeNr>
      <GruppeTitel>Vejnavne</GruppeTitel>
    </Gruppe>
  </Hovedgruppe>
</KLE-Emneplan>
"""

# Mirrors psi.norge.no/los/all.rdf: rdf:Description with rdf:type skos:Concept, skos:inScheme,
# skos:prefLabel in nb/nn/en ("*" where English is missing), skos:broader / skos:narrower.
# Words come before themes in the real file, so they do here too.
LOS_RDF = """<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:skos="http://www.w3.org/2004/02/skos/core#">
   <rdf:Description rdf:about="https://psi.norge.no/los/ontologi/tema">
      <rdf:type rdf:resource="http://www.w3.org/2004/02/skos/core#ConceptScheme"/>
      <skos:prefLabel xml:lang="nb">Tema</skos:prefLabel>
   </rdf:Description>
   <rdf:Description rdf:about="https://psi.norge.no/los/ord/byggesak">
      <rdf:type rdf:resource="http://www.w3.org/2004/02/skos/core#Concept"/>
      <skos:inScheme rdf:resource="https://psi.norge.no/los/ontologi/ord"/>
      <skos:prefLabel xml:lang="en">Building application</skos:prefLabel>
      <skos:prefLabel xml:lang="nb">Byggesak</skos:prefLabel>
      <skos:prefLabel xml:lang="nn">Byggjesak</skos:prefLabel>
      <skos:hiddenLabel xml:lang="nb">Byggesøknad</skos:hiddenLabel>
      <skos:broader rdf:resource="https://psi.norge.no/los/tema/bygging"/>
   </rdf:Description>
   <rdf:Description rdf:about="https://psi.norge.no/los/ord/forhandskonferanse">
      <rdf:type rdf:resource="http://www.w3.org/2004/02/skos/core#Concept"/>
      <skos:inScheme rdf:resource="https://psi.norge.no/los/ontologi/ord"/>
      <skos:prefLabel xml:lang="nn">Førehandskonferanse</skos:prefLabel>
      <skos:prefLabel xml:lang="en">*</skos:prefLabel>
      <skos:broader rdf:resource="https://psi.norge.no/los/tema/bygging"/>
   </rdf:Description>
   <rdf:Description rdf:about="https://psi.norge.no/los/tema/bygging">
      <rdf:type rdf:resource="http://www.w3.org/2004/02/skos/core#Concept"/>
      <skos:inScheme rdf:resource="https://psi.norge.no/los/ontologi/tema"/>
      <skos:prefLabel xml:lang="nb">Bygging</skos:prefLabel>
      <skos:prefLabel xml:lang="nn">Bygging</skos:prefLabel>
      <skos:prefLabel xml:lang="en">Construction</skos:prefLabel>
      <skos:broader rdf:resource="https://psi.norge.no/los/tema/bygg-og-eiendom"/>
      <skos:narrower rdf:resource="https://psi.norge.no/los/ord/byggesak"/>
   </rdf:Description>
   <rdf:Description rdf:about="https://psi.norge.no/los/tema/bygg-og-eiendom">
      <rdf:type rdf:resource="http://www.w3.org/2004/02/skos/core#Concept"/>
      <skos:inScheme rdf:resource="https://psi.norge.no/los/ontologi/tema"/>
      <skos:topConceptOf rdf:resource="https://psi.norge.no/los/struktur"/>
      <skos:prefLabel xml:lang="en">Building and property</skos:prefLabel>
      <skos:prefLabel xml:lang="nb">Bygg og eiendom</skos:prefLabel>
      <skos:prefLabel xml:lang="nn">Bygg og eigedom</skos:prefLabel>
      <skos:narrower rdf:resource="https://psi.norge.no/los/tema/bygging"/>
   </rdf:Description>
   <rdf:Description rdf:about="https://psi.norge.no/los/tema/skatt-og-avgift">
      <rdf:type rdf:resource="http://www.w3.org/2004/02/skos/core#Concept"/>
      <skos:inScheme rdf:resource="https://psi.norge.no/los/ontologi/tema"/>
      <skos:prefLabel xml:lang="nn">Skatt og avgift</skos:prefLabel>
   </rdf:Description>
</rdf:RDF>
"""


def csv_text(*rows: str) -> str:
    return "\r\n".join((HEADER, *rows)) + "\r\n"


def error_from(text: str) -> TopicFormatError:
    with pytest.raises(TopicFormatError) as caught:
        parse_topics_csv(text)
    return caught.value


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_rows_become_records_with_names_per_language():
    records = parse_topics_csv(
        csv_text(
            "roads,,Roads,Veje,Gator,Vei,05,https://psi.norge.no/los/tema/trafikk-og-transport,",
            'parking,roads,Parking,"Parkering, beboere",,,05.09,,"a note, with a comma"',
        )
    )
    assert records == [
        TopicRecord(
            key="roads",
            parent_key=None,
            names={"en": "Roads", "da": "Veje", "sv": "Gator", "nb": "Vei"},
            kle="05",
            los_uri="https://psi.norge.no/los/tema/trafikk-og-transport",
        ),
        TopicRecord(
            key="parking",
            parent_key="roads",
            names={"en": "Parking", "da": "Parkering, beboere"},
            kle="05.09",
            notes="a note, with a comma",
        ),
    ]


def test_csv_round_trips_through_the_writer_including_quotes_and_line_breaks():
    records = [
        TopicRecord("care", None, {"da": 'Pleje "og" omsorg', "nb": "Omsorg"}),
        TopicRecord("home-care", "care", {"en": "Home care"}, notes="two\nlines, and a comma"),
    ]
    text = write_topics_csv(records)
    assert text.startswith(HEADER + "\r\n")
    assert parse_topics_csv(text) == records
    assert write_topics_csv(parse_topics_csv(text)) == text


def test_csv_accepts_a_byte_order_mark_blank_lines_and_columns_in_another_order():
    header = "name_da,key,parent_key,name_en,name_sv,name_nb,kle,los_uri,notes,extra"
    text = f"\ufeff{header}\n\nVeje,roads,,,,,,,,x\n"
    assert parse_topics_csv(text) == [TopicRecord("roads", None, {"da": "Veje"})]


def test_csv_missing_column_is_reported_on_the_header_line():
    error = error_from("key,parent_key,name_en,name_da,name_sv,kle,los_uri,notes\r\nroads,,Roads,,,,,\r\n")
    assert error.line == 1
    assert "missing the column name_nb" in str(error)
    assert str(error).startswith("Line 1: ")


def test_csv_duplicate_key_names_both_lines():
    error = error_from(csv_text("roads,,Roads,,,,,,", "parking,roads,Parking,,,,,,", "roads,,Streets,,,,,,"))
    assert error.line == 4
    assert "'roads' is used twice (first on line 2)" in str(error)


def test_csv_unknown_parent_is_an_error():
    error = error_from(csv_text("parking,roads,Parking,,,,,,"))
    assert error.line == 2
    assert "parent 'roads'" in str(error) and "not a topic defined above" in str(error)


def test_csv_parent_after_its_child_is_an_error_that_says_so():
    error = error_from(csv_text("parking,roads,Parking,,,,,,", "roads,,Roads,,,,,,"))
    assert error.line == 2
    assert "comes later, on line 3" in str(error)


def test_csv_empty_key_is_an_error():
    error = error_from(csv_text("roads,,Roads,,,,,,", ",roads,Nameless key,,,,,,"))
    assert error.line == 3
    assert "key is empty" in str(error)


@pytest.mark.parametrize("key", ["Roads", "roads_and_streets", "veje-ø", "-roads", "roads and streets"])
def test_csv_key_with_characters_outside_a_z_0_9_and_hyphen_is_an_error(key):
    error = error_from(csv_text(f"{key},,Roads,,,,,,"))
    assert error.line == 2
    assert "lowercase letters a-z, digits and hyphens" in str(error)


def test_csv_topic_without_any_name_is_an_error():
    error = error_from(csv_text("roads,,,,,,05,,only notes"))
    assert error.line == 2
    assert "no name at all" in str(error)


def test_csv_row_with_too_few_values_is_an_error():
    error = error_from(csv_text("roads,,Roads,Veje"))
    assert error.line == 2
    assert "4 values but the header has 9 columns" in str(error)


def test_csv_line_numbers_count_line_breaks_inside_quoted_values():
    error = error_from(csv_text('roads,,Roads,,,,,,"first\nsecond"', "Bad Key,,X,,,,,,"))
    assert error.line == 4


def test_csv_broken_quoting_is_reported_as_invalid_csv():
    error = error_from(csv_text('roads,,"Roads"x,,,,,,'))
    assert "not valid CSV" in str(error)


def test_csv_several_uris_in_los_uri_are_rejected():
    error = error_from(csv_text("roads,,Roads,,,,,https://psi.norge.no/los/ord/a https://psi.norge.no/los/ord/b,"))
    assert "single http(s) URI" in str(error)


def test_empty_csv_is_an_error():
    assert "empty" in str(error_from("\r\n"))


def test_writer_refuses_records_that_would_not_read_back():
    with pytest.raises(TopicFormatError, match="parent 'roads'"):
        write_topics_csv([TopicRecord("parking", "roads", {"en": "Parking"})])


# --- the shipped default taxonomy --------------------------------------------------------------


def test_default_topics_parse_with_all_four_names_and_the_required_subjects():
    text = DEFAULT_TOPICS.read_text(encoding="utf-8")
    records = parse_topics_csv(text)
    by_key = {record.key: record for record in records}

    assert len(records) >= 40
    assert 8 <= sum(record.parent_key is None for record in records) <= 10
    for record in records:
        assert set(record.names) == set(LANGUAGES), record.key
        assert all(name.strip() == name and name for name in record.names.values()), record.key
        assert not record.los_uri or record.los_uri.startswith("https://psi.norge.no/los/"), record.key
    required = {
        "building-permits",
        "surveying",
        "zoning-planning",
        "waste",
        "water-sewage",
        "roads-snow-clearing",
        "schools",
        "daycare",
        "home-care",
        "financial-assistance",
        "housing-benefit",
        "property-tax-fees",
        "parking",
        "passports-id",
        "internal-it",
        "payroll",
        "hr",
        "procurement",
    }
    assert required <= set(by_key)
    assert {key for key, record in by_key.items() if record.parent_key == "internal-services"} == {
        "internal-it",
        "payroll",
        "hr",
        "procurement",
        "accounting",
        "digitalisation",
    }


def test_default_topics_round_trip_byte_for_byte():
    text = DEFAULT_TOPICS.read_bytes().decode("utf-8")
    assert write_topics_csv(parse_topics_csv(text)) == text


# --- KLE ---------------------------------------------------------------------------------------


def test_kle_xml_becomes_groups_under_main_groups():
    records = parse_kle_xml(KLE_XML.encode())
    assert [(r.key, r.parent_key, r.kle) for r in records] == [
        ("kle-02", None, "02"),
        ("kle-02-34", "kle-02", "02.34"),
        ("kle-02-34-02", "kle-02-34", "02.34.02"),
        ("kle-05", None, "05"),
        ("kle-05-01", "kle-05", "05.01"),
    ]
    assert records[0].names == {"da": "Byggeri"}
    assert records[2].names == {"da": "Byggetilladelse til enfamiliehuse"}


def test_kle_max_depth_stops_at_groups_or_main_groups():
    assert [r.key for r in parse_kle_xml(KLE_XML.encode(), max_depth=2)] == [
        "kle-02",
        "kle-02-34",
        "kle-05",
        "kle-05-01",
    ]
    assert [r.key for r in parse_kle_xml(KLE_XML.encode(), max_depth=1)] == ["kle-02", "kle-05"]
    with pytest.raises(ValueError):
        parse_kle_xml(KLE_XML.encode(), max_depth=4)


def test_kle_retired_subjects_are_left_out_unless_asked_for():
    assert "kle-02-34-99" not in {r.key for r in parse_kle_xml(KLE_XML.encode())}
    assert "kle-02-34-99" in {r.key for r in parse_kle_xml(KLE_XML.encode(), include_expired=True)}


def test_kle_xml_with_a_namespace_and_short_element_names_is_read_too():
    xml = b"""<kle:Emneplan xmlns:kle="urn:example:kle">
      <kle:Hovedgruppe><kle:Nr>27</kle:Nr><kle:Titel>Sundhed</kle:Titel>
        <kle:Gruppe nr="27.36" titel="Hjemmehjaelp"/>
      </kle:Hovedgruppe></kle:Emneplan>"""
    assert [(r.key, r.parent_key, r.names["da"]) for r in parse_kle_xml(xml)] == [
        ("kle-27", None, "Sundhed"),
        ("kle-27-36", "kle-27", "Hjemmehjaelp"),
    ]


def test_kle_number_that_does_not_fit_its_level_is_an_error():
    xml = b"<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>2.34</HovedgruppeNr>"
    xml += b"<HovedgruppeTitel>X</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>"
    with pytest.raises(TopicFormatError, match=r"'2\.34' does not fit a Hovedgruppe"):
        parse_kle_xml(xml)


def test_kle_file_without_main_groups_is_an_error():
    with pytest.raises(TopicFormatError, match="no KLE main groups"):
        parse_kle_xml(b"<KLE-Handlingsfacetter><HandlingsfacetKategori/></KLE-Handlingsfacetter>")


def test_kle_xml_that_is_not_well_formed_names_the_line():
    with pytest.raises(TopicFormatError, match="not well-formed") as caught:
        parse_kle_xml(b"<KLE-Emneplan>\n<Hovedgruppe>\n</KLE-Emneplan>")
    assert caught.value.line == 3


def test_kle_xml_with_entity_expansion_is_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>02</HovedgruppeNr>
<HovedgruppeTitel>&lol2;</HovedgruppeTitel></Hovedgruppe></KLE-Emneplan>"""
    with pytest.raises(TopicFormatError, match="entities"):
        parse_kle_xml(bomb)


# --- LOS ---------------------------------------------------------------------------------------


def test_los_themes_become_a_hierarchy_through_broader():
    records = parse_los_skos(LOS_RDF.encode())
    assert [(r.key, r.parent_key) for r in records] == [
        ("los-bygg-og-eiendom", None),
        ("los-bygging", "los-bygg-og-eiendom"),
        ("los-skatt-og-avgift", None),
    ]
    assert records[0].names == {"en": "Building and property", "nb": "Bygg og eiendom"}
    assert records[0].los_uri == "https://psi.norge.no/los/tema/bygg-og-eiendom"
    assert records[2].names == {"nb": "Skatt og avgift"}  # Nynorsk when there is no Bokmål


def test_los_words_are_included_only_when_asked_and_sit_under_their_theme():
    records = parse_los_skos(LOS_RDF.encode(), include_words=True)
    assert [(r.key, r.parent_key) for r in records] == [
        ("los-bygg-og-eiendom", None),
        ("los-bygging", "los-bygg-og-eiendom"),
        ("los-ord-byggesak", "los-bygging"),
        ("los-ord-forhandskonferanse", "los-bygging"),
        ("los-skatt-og-avgift", None),
    ]
    by_key = {r.key: r for r in records}
    assert by_key["los-ord-byggesak"].names == {"en": "Building application", "nb": "Byggesak"}
    assert by_key["los-ord-forhandskonferanse"].names == {"nb": "Førehandskonferanse"}  # "*" is no name


def test_los_records_pass_the_csv_checks():
    records = parse_los_skos(LOS_RDF.encode(), include_words=True)
    assert parse_topics_csv(write_topics_csv(records)) == records


def test_los_concepts_as_typed_skos_elements_with_non_ascii_uris_get_ascii_keys():
    rdf = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
      xmlns:skos="http://www.w3.org/2004/02/skos/core#">
      <skos:Concept rdf:about="http://psi.norge.no/los/tema/arbeid">
        <skos:prefLabel xml:lang="nb">Arbeid</skos:prefLabel></skos:Concept>
      <skos:Concept rdf:about="http://psi.norge.no/los/tema/stønader-og-tiltak">
        <skos:prefLabel xml:lang="nb">Stønader</skos:prefLabel>
        <skos:broader rdf:resource="http://psi.norge.no/los/tema/arbeid"/></skos:Concept>
    </rdf:RDF>"""
    assert [(r.key, r.parent_key) for r in parse_los_skos(rdf.encode())] == [
        ("los-arbeid", None),
        ("los-stonader-og-tiltak", "los-arbeid"),
    ]


def test_los_broader_loops_do_not_hang_the_import():
    rdf = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
      xmlns:skos="http://www.w3.org/2004/02/skos/core#">
      <rdf:Description rdf:about="https://psi.norge.no/los/tema/a">
        <skos:prefLabel xml:lang="nb">A</skos:prefLabel>
        <skos:broader rdf:resource="https://psi.norge.no/los/tema/b"/></rdf:Description>
      <rdf:Description rdf:about="https://psi.norge.no/los/tema/b">
        <skos:prefLabel xml:lang="nb">B</skos:prefLabel>
        <skos:broader rdf:resource="https://psi.norge.no/los/tema/a"/></rdf:Description>
    </rdf:RDF>"""
    records = parse_los_skos(rdf.encode())
    assert sorted(r.key for r in records) == ["los-a", "los-b"]
    assert sum(r.parent_key is None for r in records) == 1


def test_los_file_without_themes_is_an_error():
    with pytest.raises(TopicFormatError, match="no LOS themes"):
        parse_los_skos(b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>')


def test_los_rdf_with_external_entities_is_refused():
    evil = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&x;</rdf:RDF>"""
    with pytest.raises(TopicFormatError, match="entities or external references"):
        parse_los_skos(evil)
