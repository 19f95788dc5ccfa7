"""Article bodies render to safe HTML, to plain text, and FAQ pages to JSON-LD that cannot break out of its script
element. Pure functions: no database."""

import json
import re

import pytest

from civicdesk.knowledge.markdown import ALLOWED_TAGS, faq_json_ld, plain_text, render


def tags_in(html: str) -> set[str]:
    return {tag.lower() for tag in re.findall(r"<\s*([a-zA-Z0-9]+)", html)}


def test_script_tags_are_shown_as_text_and_never_run():
    html = render("Hello <script>alert('x')</script> world")

    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_img_with_onerror_is_not_an_element():
    html = render('<img src="x" onerror="alert(1)">')

    assert "<img" not in html
    assert tags_in(html) == {"p"}


def test_raw_html_blocks_are_not_passed_through():
    html = render('<div onclick="steal()">\n<iframe src="https://evil.example"></iframe>\n</div>\n\n<!-- hidden -->')

    assert tags_in(html) <= {"p"}
    assert "<iframe" not in html
    assert "<!--" not in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "jav&#x61;script:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_dangerous_links_are_not_links(url):
    html = render(f"[click me]({url}) and <{url}>")

    assert "href" not in html
    assert "<a" not in html


def test_data_image_is_not_embedded():
    html = render("![a cat](data:image/png;base64,iVBORw0KGgo=)")

    assert html == "<p>a cat</p>"


def test_images_keep_their_alt_text_only():
    html = render("See ![the *map* of Gulen](https://example.org/map.png) here.")

    assert html == "<p>See the map of Gulen here.</p>"


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[Gulen](https://gulen.kommune.no/)", "https://gulen.kommune.no/"),
        ("[site](http://example.org/a?b=1&c=2)", "http://example.org/a?b=1&amp;c=2"),
        ("[write](mailto:post@gulen.kommune.no)", "mailto:post@gulen.kommune.no"),
        ("[call](tel:+4757782000)", "tel:+4757782000"),
        ("[page](/knowledge/housing)", "/knowledge/housing"),
    ],
)
def test_safe_links_are_kept_with_noopener_noreferrer(markdown, href):
    html = render(markdown)

    assert f'href="{href}"' in html
    assert 'rel="noopener noreferrer"' in html


def test_link_title_is_kept_and_other_attributes_are_not():
    html = render('[Gulen](https://gulen.kommune.no/ "The municipality")')

    assert html == (
        '<p><a href="https://gulen.kommune.no/" title="The municipality" rel="noopener noreferrer">Gulen</a></p>'
    )


def test_headings_shift_down_so_an_article_never_emits_h1():
    html = render("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six\n\nSetext\n======")

    assert "<h1" not in html
    assert "<h2>One</h2>" in html
    assert "<h3>Two</h3>" in html
    assert "<h4>Three</h4>" in html
    assert "<h4>Four</h4>" in html
    assert "<h4>Six</h4>" in html
    assert "<h2>Setext</h2>" in html


def test_tables_are_kept_without_style_attributes():
    html = render("| Day | Open |\n|:----|-----:|\n| Mon | 8–15 |\n| Fri | 8–14 |")

    assert {"table", "thead", "tbody", "tr", "th", "td"} <= tags_in(html)
    assert "<th>Day</th>" in html
    assert "<td>8–14</td>" in html
    assert "style" not in html


def test_strikethrough_lists_code_quotes_and_rules_are_kept():
    html = render(
        "~~old number~~ **new** *now*\nline  \nbreak\n\n- a\n- b\n\n1. c\n\n> quoted\n\n---\n\n`inline`\n\n"
        "```python\nprint('<b>')\n```"
    )

    assert tags_in(html) == {"p", "del", "strong", "em", "br", "ul", "ol", "li", "blockquote", "hr", "code", "pre"}
    assert "print(&#39;&lt;b&gt;&#39;)" in html or "print('&lt;b&gt;')" in html
    assert "class=" not in html


def test_render_only_emits_allowed_tags():
    html = render(
        "# T\n\n<b>bold</b> <span style='x'>s</span> <a href='https://x'>raw</a>\n\n| a |\n|---|\n| <u>u</u> |\n\n"
        "![i](https://x/i.png) [ok](https://x) ~~d~~ `c`\n\n    code\n"
    )

    assert tags_in(html) <= ALLOWED_TAGS


def test_empty_body_renders_empty():
    assert render("") == ""
    assert plain_text("") == ""


def test_plain_text_has_the_words_and_no_markup():
    text = plain_text(
        "# Housing &amp; benefits\n\nApply **before** the *1st* of May,\nsee [the form](https://x.example/f) "
        "or <b>call</b>.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![a map](m.png)\n\n"
        "```\nx = 1\n  y = 2\n```"
    )

    assert text == (
        "Housing & benefits\n"
        "Apply before the 1st of May, see the form or <b>call</b>.\n"
        "one\ntwo\na\nb\n1\n2\na map\n"
        "x = 1\n  y = 2"
    )
    assert "https://x.example" not in text
    assert "**" not in text


def test_faq_json_ld_is_a_schema_org_faq_page():
    data = json.loads(faq_json_ld([("How do I apply?", "Use **the form**."), ("When  is it\nopen?", "8–15.")]))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"] == [
        {
            "@type": "Question",
            "name": "How do I apply?",
            "acceptedAnswer": {"@type": "Answer", "text": "<p>Use <strong>the form</strong>.</p>"},
        },
        {
            "@type": "Question",
            "name": "When is it open?",
            "acceptedAnswer": {"@type": "Answer", "text": "<p>8–15.</p>"},
        },
    ]


def test_faq_json_ld_cannot_close_its_script_element_or_open_a_comment():
    question = "Is </script><script>alert(1)</script> allowed?"
    answer = "No: </SCRIPT> <!-- x --> & `</script>` [l](javascript:alert(1))"
    text = faq_json_ld([(question, answer)])
    page = f'<script type="application/ld+json">{text}</script>'

    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert page.lower().count("</script") == 1
    data = json.loads(text)
    assert data["mainEntity"][0]["name"] == question
    assert "href" not in data["mainEntity"][0]["acceptedAnswer"]["text"]


def test_faq_json_ld_keeps_nordic_letters_readable():
    text = faq_json_ld([("Kva kostar bustøtte?", "Sjå søknaden.\u2028Ny linje.")])

    assert "bustøtte" in text
    assert "\u2028" not in text
    assert json.loads(text)["mainEntity"][0]["acceptedAnswer"]["text"] == "<p>Sjå søknaden.\u2028Ny linje.</p>"


def test_faq_json_ld_without_items_is_an_empty_faq_page():
    assert json.loads(faq_json_ld([]))["mainEntity"] == []
