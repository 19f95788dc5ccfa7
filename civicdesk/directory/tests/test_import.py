"""A municipality admin imports units and employees from CSV: a dry run first shows line by line what would be
new, changed or unchanged, a file with broken lines imports nothing and names every broken line and why, and a
clean file is applied with its numbers and hours."""

import pytest

from civicdesk.directory import imports, selectors
from civicdesk.directory.csv_formats import employees_csv, units_csv
from civicdesk.directory.models import Employee, Unit
from civicdesk.lib.errors import Forbidden
from civicdesk.organisations.models import AuditEvent

UNIT_HEADER = (
    "municipality,name,kind,part_of,description,email,postal_address,visiting_address,internal_only,phones,"
    "phone_hours,desk_hours,chat_hours"
)
NEW_UNIT = "gulen,Eigedomsskatt Gulen,function,Byggesak Gulen,Skatt på eigedom,skatt@gulen.kommune.example,,,no,"
NEW_UNIT += "queue:57 78 29 00; main:+4757782000,mon-fri 08:00-15:30,,"


def _units_export(actor, municipality) -> str:
    return units_csv(selectors.unit_list(actor=actor, municipality=municipality))


def _employees_export(actor, municipality) -> str:
    return employees_csv(selectors.employee_list(actor=actor, municipality=municipality))


def _import(actor, municipality, text, *, kind="units", dry_run=True):
    return imports.directory_import(actor=actor, municipality=municipality, kind=kind, text=text, dry_run=dry_run)


def _by_name(plan):
    return {row.name: row for row in plan.rows}


def test_a_dry_run_reports_new_changed_and_unchanged_lines_and_writes_nothing(municipality_admin, gulen):
    exported = _units_export(municipality_admin, gulen)
    edited = exported.replace("byggesak@gulen.kommune.example", "bygg@gulen.kommune.example") + NEW_UNIT + "\n"
    units_before = Unit.objects.filter(municipality=gulen).count()

    plan = _import(municipality_admin, gulen, edited)

    rows = _by_name(plan)
    assert not plan.has_errors, plan.line_errors
    assert rows["Eigedomsskatt Gulen"].action == "new"
    assert rows["Byggesak Gulen"].action == "changed"
    change = rows["Byggesak Gulen"].changes[0]
    assert (change.field, change.old, change.new) == (
        "email",
        "byggesak@gulen.kommune.example",
        "bygg@gulen.kommune.example",
    )
    assert {row.action for name, row in rows.items() if name not in ("Byggesak Gulen", "Eigedomsskatt Gulen")} == {
        "unchanged"
    }
    assert plan.counts["new"] == 1 and plan.counts["changed"] == 1
    assert Unit.objects.filter(municipality=gulen).count() == units_before
    assert Unit.objects.get(municipality=gulen, name="Byggesak Gulen").email == "byggesak@gulen.kommune.example"


def test_an_exported_directory_imports_back_unchanged(municipality_admin, gulen):
    for kind, exported in (
        ("units", _units_export(municipality_admin, gulen)),
        ("employees", _employees_export(municipality_admin, gulen)),
    ):
        plan = _import(municipality_admin, gulen, exported, kind=kind)
        assert not plan.has_errors, plan.line_errors
        assert plan.rows, kind
        assert {row.action for row in plan.rows} == {"unchanged"}, [(r.name, r.changes) for r in plan.rows]


def test_a_file_with_broken_lines_imports_nothing_and_names_every_broken_line(municipality_admin, gulen):
    text = "\n".join(
        [
            UNIT_HEADER,
            NEW_UNIT,
            "gulen,Arkiv Gulen,function,,,arkiv(at)gulen,,,no,main:123,,,",
            "gulen,Kultur Gulen,function,Kultur og idrett,,,,,no,,mon-fri 09:00-25:00,,",
        ]
    )

    plan = _import(municipality_admin, gulen, text, dry_run=False)

    assert plan.has_errors
    errors = dict(plan.line_errors)
    assert sorted({line for line, _message in plan.line_errors}) == [3, 4]
    line3 = " ".join(message for line, message in plan.line_errors if line == 3)
    line4 = " ".join(message for line, message in plan.line_errors if line == 4)
    assert "email" in line3 and "arkiv(at)gulen" in line3
    assert "phones" in line3 and "123" in line3
    assert "no unit “Kultur og idrett”" in line4
    assert "phone_hours" in line4 and "09:00-25:00" in line4
    assert errors  # the good line 2 is not applied either
    assert not Unit.objects.filter(municipality=gulen, name__in=["Eigedomsskatt Gulen", "Arkiv Gulen"]).exists()


def test_a_clean_import_creates_and_updates_units_with_numbers_and_hours(municipality_admin, gulen):
    exported = _units_export(municipality_admin, gulen)
    byggesak = Unit.objects.get(municipality=gulen, name="Byggesak Gulen")
    edited = exported.replace("byggesak@gulen.kommune.example", "bygg@gulen.kommune.example") + NEW_UNIT + "\n"

    plan = _import(municipality_admin, gulen, edited, dry_run=False)

    assert not plan.has_errors, plan.line_errors
    created = Unit.objects.get(municipality=gulen, name="Eigedomsskatt Gulen")
    assert created.parent == byggesak
    assert sorted((p.purpose, p.number) for p in created.phones.all()) == [
        ("main", "+4757782000"),
        ("queue", "+4757782900"),
    ]
    assert {(h.channel, h.weekday) for h in created.hours.all()} == {("phone", day) for day in range(5)}
    updated = Unit.objects.get(pk=byggesak.pk)
    assert updated.email == "bygg@gulen.kommune.example"
    assert updated.version == byggesak.version + 1
    assert updated.phones.count() == byggesak.phones.count()  # numbers unchanged, rows kept
    event = AuditEvent.objects.filter(action="directory.import").latest("pk")
    assert event.details["new"] == 1 and event.details["changed"] == 1
    assert event.municipality_id == gulen.pk


def test_employees_are_matched_by_name_and_unit_and_get_their_numbers(municipality_admin, gulen):
    caseworker = Employee.objects.get(municipality=gulen, unit__name="Byggesak Gulen")
    text = (
        "municipality,name,title,unit,email,languages,handles,internal_only,phones\n"
        f"gulen,{caseworker.name},Byggesakshandsamar,Byggesak Gulen,,nb nn en,Byggesøknader,no,direct:57782010\n"
        'gulen,Ola Nordmann,Konsulent,Byggesak Gulen,ola@gulen.kommune.example,"nb, pl",,yes,mobile:412 34 567\n'
    )

    dry = _import(municipality_admin, gulen, text, kind="employees")
    assert [row.action for row in dry.rows] == ["changed", "new"], dry.line_errors
    assert [(c.field, c.new) for c in dry.rows[0].changes] == [("handles", "Byggesøknader")]

    _import(municipality_admin, gulen, text, kind="employees", dry_run=False)

    ola = Employee.objects.get(municipality=gulen, name="Ola Nordmann")
    assert ola.unit.name == "Byggesak Gulen" and ola.internal_only and ola.languages == ["nb", "pl"]
    assert [(p.purpose, p.number) for p in ola.phones.all()] == [("mobile", "+4741234567")]
    assert Employee.objects.get(pk=caseworker.pk).handles == "Byggesøknader"
    again = _import(municipality_admin, gulen, text, kind="employees")
    assert {row.action for row in again.rows} == {"unchanged"}


def test_semicolon_separated_files_with_a_byte_order_mark_are_read(municipality_admin, gulen):
    text = "\ufeffmunicipality;name;kind;phones;phone_hours\r\ngulen;Servicetorget Gulen;service_point;57 78 20 00;"
    text += "mon-fri 08:00-15:30\r\ngulen;Byggesak Gulen;team;queue:+4757782100;mon-fri 09:00-15:00\r\n"

    plan = _import(municipality_admin, gulen, text, kind=None)

    assert plan.kind == "units"
    assert not plan.has_errors, plan.line_errors
    assert [row.action for row in plan.rows] == ["new", "unchanged"]


def test_a_row_for_another_municipality_or_twice_the_same_name_is_refused(municipality_admin, gulen):
    text = "municipality,name\nosteroy,Arkiv\ngulen,Arkiv\ngulen,Arkiv\n"

    plan = _import(municipality_admin, gulen, text)

    errors = plan.line_errors
    assert any(line == 2 and "importing into “gulen”" in message for line, message in errors)
    assert [line for line, message in errors if "also on line 2" in message] == [3, 4]


def test_a_header_with_unknown_columns_is_refused(municipality_admin, gulen):
    plan = _import(municipality_admin, gulen, "municipality,name,colour\ngulen,Arkiv,red\n")
    assert plan.has_errors and "colour" in plan.errors[0]


def test_a_caseworker_may_not_import(caseworker, gulen):
    with pytest.raises(Forbidden):
        _import(caseworker, gulen, "municipality,name\ngulen,Arkiv\n")


# --- API -------------------------------------------------------------------------------------------------------


def _post_csv(client, query, text):
    return client.post(f"/api/directory/import?{query}", text.encode("utf-8"), content_type="text/csv")


def test_the_api_dry_run_answers_the_plan_and_a_broken_file_answers_422_with_every_line(
    client_for, municipality_admin, gulen
):
    admin = client_for(municipality_admin)
    exported = admin.get("/api/directory/units.csv?municipality=gulen").content.decode()

    ok = _post_csv(admin, "municipality=gulen&kind=units&dry_run=true", exported + NEW_UNIT + "\n")
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["applied"] is False and body["counts"]["new"] == 1
    assert body["lines"][-1] == {
        "line": body["lines"][-1]["line"],
        "name": "Eigedomsskatt Gulen",
        "action": "new",
        "changes": [],
        "errors": [],
    }

    broken = UNIT_HEADER + "\ngulen,Arkiv Gulen,,,,nope,,,no,,,,\ngulen,Kultur Gulen,,Ingen,,,,,maybe,,,,\n"
    bad = _post_csv(admin, "municipality=gulen&kind=units&dry_run=false", broken)
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    problem = bad.json()
    assert problem["applied"] is False
    assert [(line["line"], len(line["errors"])) for line in problem["lines"]] == [(2, 1), (3, 2)]
    assert not Unit.objects.filter(name="Arkiv Gulen").exists()


def test_the_api_import_applies_a_clean_file(client_for, municipality_admin, gulen):
    response = _post_csv(
        client_for(municipality_admin), "municipality=gulen&kind=units&dry_run=false", UNIT_HEADER + "\n" + NEW_UNIT
    )
    assert response.status_code == 200, response.content
    assert response.json()["applied"] is True
    assert Unit.objects.filter(municipality=gulen, name="Eigedomsskatt Gulen").exists()


def test_an_agent_may_not_import_through_the_api(client_for, agent):
    response = _post_csv(client_for(agent), "municipality=gulen&kind=units", "municipality,name\ngulen,Arkiv\n")
    assert response.status_code == 403


# --- the page ----------------------------------------------------------------------------------------------------


def test_the_admin_checks_a_file_sees_the_plan_and_imports_it(client_for, municipality_admin, gulen):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = client_for(municipality_admin)
    assert admin.get("/directory/import/").status_code == 200
    upload = SimpleUploadedFile("units.csv", (UNIT_HEADER + "\n" + NEW_UNIT).encode("utf-8"), "text/csv")

    checked = admin.post("/directory/import/", {"m": "gulen", "kind": "units", "file": upload})

    page = checked.content.decode()
    assert checked.status_code == 200
    assert "Eigedomsskatt Gulen" in page and "New" in page and "Import these changes" in page
    assert not Unit.objects.filter(name="Eigedomsskatt Gulen").exists()
    text = checked.context["text"]

    done = admin.post("/directory/import/", {"m": "gulen", "kind": "units", "text": text, "confirm": "1"}, follow=True)

    assert "Imported: 1 new" in done.content.decode()
    assert Unit.objects.filter(municipality=gulen, name="Eigedomsskatt Gulen").exists()


def test_the_page_lists_broken_lines_and_offers_no_import(client_for, municipality_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = UNIT_HEADER + "\ngulen,Arkiv Gulen,,,,,,,no,main:123,,,\n"
    upload = SimpleUploadedFile("units.csv", text.encode("utf-8"), "text/csv")

    admin = client_for(municipality_admin)
    response = admin.post("/directory/import/", {"m": "gulen", "kind": "units", "file": upload})

    page = response.content.decode()
    assert response.status_code == 422
    assert 'href="#line-2"' in page and "phones" in page
    assert "Import these changes" not in page


def test_a_caseworker_does_not_get_the_import_page(client_for, caseworker):
    assert client_for(caseworker).get("/directory/import/").status_code == 403
