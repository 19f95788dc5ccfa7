"""Article bodies are Markdown written by staff or imported from elsewhere; this turns them into HTML that is safe
to show citizens, into plain text for search and snippets, and FAQ pages into schema.org JSON-LD.

Two guards: markdown-it never passes raw HTML through and refuses ``javascript:``-style links, and nh3 then keeps
only an explicit allow-list of tags, attributes and link schemes, so a bug or a new option in one is caught by the
other."""

import json
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "code",
    "pre",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "br",
    "hr",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener noreferrer"
# An article sits under the page's own <h1>, so its headings start one level lower; h4 is the deepest we keep.
DEEPEST_HEADING = 4


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _inline_text(children: list[Token] | None) -> str:
    parts = []
    for token in children or []:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type == "softbreak":
            parts.append(" ")
        elif token.type == "hardbreak":
            parts.append("\n")
        elif token.type == "image":
            parts.append(_inline_text(token.children))
    return "".join(parts)


def _tokens(markdown_text: str) -> list[Token]:
    tokens = _parser().parse(markdown_text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, DEEPEST_HEADING)}"
        elif token.type == "inline" and token.children:
            # Images are not on the allow-list; keep what they say (their alt text) rather than drop it silently.
            token.children = [
                Token("text", "", 0, content=_inline_text(child.children)) if child.type == "image" else child
                for child in token.children
            ]
            for child in token.children:
                if child.type in ("s_open", "s_close"):
                    child.tag = "del"  # markdown-it writes <s>; struck-out text in an article is a deletion
    return tokens


def render(markdown_text: str) -> str:
    """Safe HTML for an article body: no raw HTML, no scripts or event handlers, links only to http(s), mailto and
    tel with ``rel="noopener noreferrer"``, no ``<h1>`` (headings shift down one level, h4 at most)."""
    parser = _parser()
    html = parser.renderer.render(_tokens(markdown_text), parser.options, {})
    return _cleaner().clean(html).strip()


def plain_text(markdown_text: str) -> str:
    """The words of an article body without any markup, one block (paragraph, heading, list item, table cell, code
    block) per line, for the search index and result snippets."""
    lines = []
    for token in _tokens(markdown_text):
        if token.type == "inline":
            text = "\n".join(" ".join(line.split()) for line in _inline_text(token.children).splitlines())
        elif token.type in ("fence", "code_block"):
            text = "\n".join(line.rstrip() for line in token.content.splitlines())
        else:
            continue
        text = text.strip("\n")
        if text:
            lines.append(text)
    return "\n".join(lines)


def faq_json_ld(items: list[tuple[str, str]]) -> str:
    """A schema.org ``FAQPage`` for ``(question, answer Markdown)`` pairs, as JSON that can go verbatim inside
    ``<script type="application/ld+json">``: every ``<``, ``>`` and ``&`` is written as a ``\\u`` escape, so nothing
    in an answer can close the script element or open a comment."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": " ".join(question.split()),
                "acceptedAnswer": {"@type": "Answer", "text": render(answer)},
            }
            for question, answer in items
        ],
    }
    text = json.dumps(data, ensure_ascii=False)
    # Outside strings JSON never has these characters, so replacing them everywhere only touches string contents.
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text
