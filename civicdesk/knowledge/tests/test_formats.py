"""Reading and writing the two knowledge exchange formats (Markdown files with front matter, JSON Lines): exact round
trips, and every problem reported with where and why. Pure functions: no database."""

import json

from civicdesk.knowledge.formats import (
    ArticleRecord,
    markdown_file,
    read_json_lines,
    read_markdown_file,
    read_markdown_files,
    read_markdown_folder,
    write_json_lines,
    write_markdown_folder,
)

RECORDS = [
    ArticleRecord(
        slug="housing-benefit",
        title="Bustøtte: kven kan søkje?",
        body="## Who\n\nEveryone *over* 18.\n\n| Day | Open |\n|---|---|\n| Mon | 8–15 |\n\n---\n\n    indented code",
        language="nn",
        topics=["Housing", "Benefits"],
        audience="public",
        municipality="gulen",
    ),
    ArticleRecord(
        slug="outage-script",
        title="Yes",  # YAML would read an unquoted yes as true
        body='Say: “we know”.\n\n```\n---\nnot: front matter\n```\n\nLine\u2028separator and {"json": true}',
        language="en",
        topics=["Water"],
        audience="agents",
        municipality="0301",  # YAML would read an unquoted 0301 as a number
    ),
    ArticleRecord(
        slug="2024",
        title="Opening hours: 24/7 # not a comment",
        body="Open.",
        language="da",
        topics=[],
        audience="internal",
        municipality=None,
    ),
]


def markdown(front: str, body: str = "Body.") -> str:
    return f"---\n{front}\n---\n{body}\n"


def wheres(problems) -> list[str]:
    return [problem.where for problem in problems]


# Round trips


def test_markdown_folder_round_trip_gives_equal_records(tmp_path):
    written = write_markdown_folder(RECORDS, tmp_path / "export")
    records, problems = read_markdown_folder(tmp_path / "export")

    assert problems == []
    assert sorted(path.name for path in written) == ["2024.md", "housing-benefit.md", "outage-script.md"]
    assert sorted(records, key=lambda r: r.slug) == sorted(RECORDS, key=lambda r: r.slug)
    assert {record.line_or_file for record in records} == {"2024.md", "housing-benefit.md", "outage-script.md"}


def test_markdown_files_round_trip_gives_equal_records():
    files = dict(markdown_file(record) for record in RECORDS)
    records, problems = read_markdown_files(files)

    assert problems == []
    assert sorted(records, key=lambda r: r.slug) == sorted(RECORDS, key=lambda r: r.slug)


def test_json_lines_round_trip_gives_equal_records():
    text = write_json_lines(RECORDS)
    records, problems = read_json_lines(text)

    assert problems == []
    assert records == RECORDS
    assert [record.line_or_file for record in records] == ["line 1", "line 2", "line 3"]


def test_one_format_converts_to_the_other_and_back():
    records, _ = read_json_lines(write_json_lines(RECORDS))
    again, problems = read_markdown_files(dict(markdown_file(record) for record in records))

    assert problems == []
    assert sorted(again, key=lambda r: r.slug) == sorted(RECORDS, key=lambda r: r.slug)


def test_markdown_file_is_named_by_slug_and_readable():
    name, text = markdown_file(RECORDS[0])

    assert name == "housing-benefit.md"
    assert text.startswith("---\nslug: housing-benefit\ntitle: 'Bustøtte: kven kan søkje?'\nlanguage: nn\n")
    assert "municipality: gulen\n---\n\n## Who\n" in text
    assert text.endswith("    indented code\n")


def test_json_lines_are_one_object_per_line_in_the_documented_shape():
    lines = write_json_lines(RECORDS).split("\n")

    assert lines[-1] == ""
    assert len(lines) == 4
    first = json.loads(lines[0])
    assert list(first) == ["id", "title", "body", "language", "topic", "audience", "municipality"]
    assert first["topic"] == ["Housing", "Benefits"]
    assert json.loads(lines[1])["topic"] == "Water"
    assert json.loads(lines[2])["municipality"] is None
    assert "Bustøtte" in lines[0]


def test_write_json_lines_of_nothing_is_empty():
    assert write_json_lines([]) == ""


# Tolerated input


def test_json_lines_accept_bom_crlf_blank_lines_and_bytes():
    text = (
        "\ufeff"
        '{"id": "a", "title": "A", "body": "x\\r\\ny", "language": "sv", "topic": "Skola", "municipality": null}\r\n'
        "\r\n"
        '{"id": "b", "title": " B ", "body": "z", "language": "NB", "topic": null}\r\n'
    )
    records, problems = read_json_lines(text.encode())

    assert problems == []
    assert records == [
        ArticleRecord(slug="a", title="A", body="x\ny", language="sv", topics=["Skola"]),
        ArticleRecord(slug="b", title="B", body="z", language="nb", topics=[]),
    ]
    assert [record.line_or_file for record in records] == ["line 1", "line 3"]


def test_json_lines_take_a_numeric_id_as_the_slug():
    records, problems = read_json_lines('{"id": 1234, "title": "T", "body": "B", "language": "en"}')

    assert problems == []
    assert records[0].slug == "1234"


def test_markdown_accepts_bom_crlf_and_bytes():
    text = (
        "\ufeff---\r\nslug: housing\r\ntitle: Housing\r\nlanguage: nb\r\ntopics: Bolig\r\n---\r\n"
        "\r\nLine one\r\nLine two\r\n"
    )
    record, problems = read_markdown_file("housing.md", text.encode())

    assert problems == []
    assert record == ArticleRecord(
        slug="housing", title="Housing", body="Line one\nLine two", language="nb", topics=["Bolig"]
    )


def test_markdown_without_slug_takes_it_from_the_file_name_not_the_title():
    records, problems = read_markdown_files(
        {
            "Bostøtte og søknad.md": markdown("title: Something else\nlanguage: nb"),
            "faq-12.md": markdown("title: T\nlanguage: nb"),
        }
    )

    assert problems == []
    assert sorted(record.slug for record in records) == ["bostotte-og-soknad", "faq-12"]


def test_markdown_folder_reads_sub_folders_and_skips_hidden_and_other_files(tmp_path):
    (tmp_path / "housing").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "housing" / "benefit.md").write_text(markdown("title: B\nlanguage: nb"), encoding="utf-8")
    (tmp_path / ".git" / "junk.md").write_text("not an article", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an article", encoding="utf-8")

    records, problems = read_markdown_folder(tmp_path)

    assert problems == []
    assert [(record.slug, record.line_or_file) for record in records] == [("benefit", "housing/benefit.md")]


# Problems


def test_every_broken_json_line_is_reported_with_where_and_why():
    text = "\n".join(
        [
            '{"id": "fine", "title": "Fine", "body": "Ok.", "language": "nb"}',
            '{"id": "Not A Slug", "title": "", "body": "x", "language": "nb"}',
            "{not json",
            "[1, 2]",
            '{"id": "no-body", "title": "T", "language": "de", "audience": "everyone"}',
            '{"id": "typo", "title": "T", "body": "B", "language": "nb", "municipalty": "gulen"}',
            '{"id": "bad-types", "title": true, "body": 3, "language": "nb", "topic": [1], "municipality": 4640}',
            '{"title": "No id", "body": "B", "language": "nb"}',
        ]
    )
    records, problems = read_json_lines(text)

    assert [record.slug for record in records] == ["fine"]
    assert wheres(problems) == [
        "line 2",
        "line 2",
        "line 3",
        "line 4",
        "line 5",
        "line 5",
        "line 5",
        "line 6",
        "line 7",
        "line 7",
        "line 7",
        "line 7",
        "line 8",
    ]
    messages = {where: [p.message for p in problems if p.where == where] for where in wheres(problems)}
    assert "“Not A Slug”" in messages["line 2"][0]
    assert messages["line 2"][1].startswith("title:")
    assert "JSON" in messages["line 3"][0]
    assert "object" in messages["line 4"][0]
    assert [m.split(":")[0] for m in messages["line 5"]] == ["body", "language", "audience"]
    assert "municipalty" in messages["line 6"][0]
    assert [m.split(":")[0] for m in messages["line 7"]] == ["title", "body", "topic", "municipality"]
    assert messages["line 8"][0].startswith("id:")


def test_duplicate_slugs_in_json_lines_are_reported_at_the_later_line():
    line = '{"id": "same", "title": "T", "body": "B", "language": "nb"}'
    records, problems = read_json_lines("\n".join([line, line, line]))

    assert len(records) == 1
    assert wheres(problems) == ["line 2", "line 3"]
    assert all("“same”" in p.message and "line 1" in p.message for p in problems)


def test_a_json_lines_file_without_articles_is_a_problem():
    records, problems = read_json_lines("\n \n")

    assert records == []
    assert len(problems) == 1


def test_a_json_lines_file_that_is_not_utf8_is_a_problem():
    records, problems = read_json_lines('{"title": "Bust\xf8tte"}'.encode("latin-1"))

    assert records == []
    assert "UTF-8" in problems[0].message


def test_every_broken_markdown_file_is_reported_with_where_and_why():
    files = {
        "fine.md": markdown("title: Fine\nlanguage: nb"),
        "no-front-matter.md": "# Just a heading\n\nText.",
        "unclosed.md": "---\ntitle: T\nlanguage: nb\n",
        "bad-yaml.md": "---\ntitle: T\nlanguage: [nb\n---\nBody",
        "list.md": "---\n- a\n- b\n---\nBody",
        "empty.md": markdown("slug: Bad_Slug\ntitle: ''\nlanguage: fi\naudience: all", body=""),
        "types.md": markdown("title: 2024-05-01\nlanguage: nb\nmunicipality: 0301\ntopics: [Ok, '']"),
        "typo.md": markdown("title: T\nlanguage: nb\nmunicipalty: gulen"),
        "body-key.md": markdown("title: T\nlanguage: nb\nbody: x"),
        "latin1.md": markdown("title: Bustøtte\nlanguage: nb").encode("latin-1"),
    }
    records, problems = read_markdown_files(files)

    assert [record.slug for record in records] == ["fine"]
    by_file = {}
    for problem in problems:
        by_file.setdefault(problem.where, []).append(problem.message)
    assert sorted(by_file) == sorted(name for name in files if name != "fine.md")
    assert "front matter" in by_file["no-front-matter.md"][0]
    assert "closing" in by_file["unclosed.md"][0]
    assert "YAML at line 3" in by_file["bad-yaml.md"][0]
    assert "key: value" in by_file["list.md"][0]
    assert [m.split(":")[0] for m in by_file["empty.md"]] == ["slug", "title", "body", "language", "audience"]
    assert [m.split(":")[0] for m in by_file["types.md"]] == ["title", "topics", "municipality"]
    assert "quotes" in by_file["types.md"][2]
    assert "municipalty" in by_file["typo.md"][0]
    assert "body" in by_file["body-key.md"][0]
    assert "UTF-8" in by_file["latin1.md"][0]


def test_duplicate_slugs_across_markdown_files_are_reported():
    records, problems = read_markdown_files(
        {
            "a.md": markdown("slug: housing\ntitle: A\nlanguage: nb"),
            "housing.md": markdown("title: B\nlanguage: nb"),
        }
    )

    assert [record.line_or_file for record in records] == ["a.md"]
    assert wheres(problems) == ["housing.md"]
    assert "“housing”" in problems[0].message and "a.md" in problems[0].message


def test_an_upload_without_markdown_files_is_a_problem():
    records, problems = read_markdown_files({})

    assert records == []
    assert len(problems) == 1


def test_a_missing_or_empty_folder_is_a_problem(tmp_path):
    assert read_markdown_folder(tmp_path / "missing")[1][0].where == str(tmp_path / "missing")
    assert len(read_markdown_folder(tmp_path)[1]) == 1
