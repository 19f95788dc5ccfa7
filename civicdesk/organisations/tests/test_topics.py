"""The topic taxonomy: the shared default set, a municipality's own topics, search, CSV/KLE/LOS import/export."""

import pytest

from civicdesk.lib.errors import Forbidden, Invalid
from civicdesk.organisations import selectors, services
from civicdesk.organisations.models import Topic
from civicdesk.organisations.topic_formats import parse_topics_csv

KLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<KLE-Emneplan>
  <Hovedgruppe><HovedgruppeNr>02</HovedgruppeNr><HovedgruppeTitel>Byggeri</HovedgruppeTitel>
    <Gruppe><GruppeNr>02.34</GruppeNr><GruppeTitel>Byggesagsbehandling</GruppeTitel>
      <Emne><EmneNr>02.34.02</EmneNr><EmneTitel>Byggetilladelse</EmneTitel></Emne>
    </Gruppe>
  </Hovedgruppe>
</KLE-Emneplan>"""


def test_default_set_has_about_forty_topics_named_in_all_four_languages(db):
    shared = Topic.objects.filter(municipality__isnull=True)
    assert shared.count() >= 40
    assert not shared.filter(name_da="").exists()
    assert not shared.filter(name_sv="").exists()
    assert not shared.filter(name_nb="").exists()
    assert not shared.filter(name_en="").exists()
    assert shared.filter(key="building-permits", parent__key="building-property").exists()


def test_topic_search_finds_a_topic_in_any_language(agent):
    for word in ("Byggesak", "bygglov", "Building permits", "byggetilladelse"):
        keys = {t.key for t in selectors.topic_list(actor=agent, search=word)}
        assert "building-permits" in keys, word


def test_agent_sees_local_topics_of_the_centres_municipalities_only(agent):
    keys = {t.key for t in selectors.topic_list(actor=agent)}
    assert {"ferry-quay-permits", "tourism-nature"} <= keys
    assert "sign-language-interpreting" not in keys


def test_municipality_admin_adds_a_topic_under_a_shared_one(municipality_admin, gulen):
    topic = services.topic_create(
        actor=municipality_admin,
        municipality=gulen,
        key="fish-farming",
        names={"nb": "Havbruk"},
        parent_key="environment-utilities",
    )
    assert topic.parent.municipality is None
    assert topic.name_in("en") == "Havbruk"  # falls back to a name it has


def test_municipality_admin_cannot_change_the_shared_set(municipality_admin):
    with pytest.raises(Forbidden):
        services.topic_create(actor=municipality_admin, municipality=None, key="x", names={"en": "X"})


def test_topic_key_must_be_unique_in_its_municipality(municipality_admin, gulen):
    with pytest.raises(Invalid) as error:
        services.topic_create(actor=municipality_admin, municipality=gulen, key="ferry-quay-permits", names={"en": "X"})
    assert error.value.field == "key"


def test_topic_needs_a_name(municipality_admin, gulen):
    with pytest.raises(Invalid):
        services.topic_create(actor=municipality_admin, municipality=gulen, key="nameless", names={})


def test_retired_topic_is_not_offered_but_kept(municipality_admin, agent):
    topic = Topic.objects.get(key="ferry-quay-permits")
    services.topic_update(actor=municipality_admin, topic=topic, is_active=False)
    assert "ferry-quay-permits" not in {t.key for t in selectors.topic_list(actor=agent)}
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_csv_export_and_import_round_trip(municipality_admin, gulen, osteroy, platform_admin):
    exported = selectors.topic_records(actor=municipality_admin, municipality=gulen)
    result = services.topics_import(actor=platform_admin, municipality=osteroy, records=exported)
    assert result == {"created": len(exported), "updated": 0}
    again = services.topics_import(actor=platform_admin, municipality=osteroy, records=exported)
    assert again == {"created": 0, "updated": len(exported)}


def test_api_kle_import_makes_a_hierarchy_with_kle_numbers(client, municipality_token):
    _token, secret = municipality_token
    response = client.post(
        "/api/topics-import",
        {"municipality": "gulen", "format": "kle", "content": KLE_XML},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 3, "updated": 0}
    permit = Topic.objects.get(municipality__slug="gulen", kle_number="02.34.02")
    assert permit.parent.kle_number == "02.34" and permit.name_da == "Byggetilladelse"


def test_api_broken_import_is_refused_with_a_clear_message(client, municipality_token):
    _token, secret = municipality_token
    response = client.post(
        "/api/topics-import",
        {"municipality": "gulen", "format": "csv", "content": "key,name_en\n,No key\n"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "content"


def test_api_csv_export_parses_back(client_for, municipality_admin):
    response = client_for(municipality_admin).get("/api/topics-export.csv")
    assert response.status_code == 200
    keys = {record.key for record in parse_topics_csv(response.content.decode())}
    assert "building-permits" in keys


def test_html_topic_import_from_a_csv_file(client_for, municipality_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv_file = SimpleUploadedFile(
        "topics.csv",
        b"key,parent_key,name_en,name_da,name_sv,name_nb,kle,los_uri,notes\nharbour,,Harbour,Havn,Hamn,Hamn,,,\n",
        content_type="text/csv",
    )
    response = client_for(municipality_admin).post(
        "/municipality/topics/import/?m=gulen", {"import-format": "csv", "import-file": csv_file}
    )
    assert response.status_code == 302
    assert Topic.objects.filter(municipality__slug="gulen", key="harbour", name_nb="Hamn").exists()


def test_html_topic_form_with_a_bad_key_keeps_what_was_typed(client_for, municipality_admin):
    response = client_for(municipality_admin).post(
        "/municipality/topics/new/?m=gulen", {"key": "Not a key!", "name_nb": "Mitt tema"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="Mitt tema"' in body and 'aria-invalid="true"' in body


def test_htmx_topic_search_returns_only_the_results(client_for, agent):
    response = client_for(agent).get("/desk/topics/?q=brøyt", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="topic-results"' in body and "<html" not in body
    assert "brøyting" in body.lower() or "snow" in body.lower()


def test_topics_commands_export_and_import_a_municipalitys_topics(db, tmp_path, capsys):
    from django.core.management import call_command

    call_command("export_topics", "--municipality", "gulen")
    exported = tmp_path / "gulen.csv"
    exported.write_text(capsys.readouterr().out, encoding="utf-8")
    call_command("import_topics", str(exported), "--format", "csv", "--municipality", "samnanger")
    assert "1 topics added, 0 updated." in capsys.readouterr().out
    assert Topic.objects.filter(municipality__slug="samnanger", key="ferry-quay-permits").exists()


def test_kle_import_command_refuses_a_broken_file_clearly(db, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    broken = tmp_path / "kle.xml"
    broken.write_bytes(b"<KLE-Emneplan><Hovedgruppe>")
    with pytest.raises(CommandError, match=r"kle\.xml"):
        call_command("import_topics", str(broken), "--format", "kle", "--municipality", "holbaek")
