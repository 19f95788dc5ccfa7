"""JSON API of the knowledge base."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from civicdesk.knowledge import formats, imports
from civicdesk.lib.errors import Invalid
from civicdesk.lib.http import problem
from civicdesk.organisations import selectors as organisation_selectors

router = Router(tags=["knowledge"])
PROBLEMS = {401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


# --- Import and export ---------------------------------------------------------------------------------------


class ImportProblemOut(Schema):
    where: str
    message: str


class KnowledgeImportOut(Schema):
    applied: bool
    created: int
    updated: int
    unchanged: int
    topics_created: list[str]
    problems: list[ImportProblemOut]


def _import_out(result: imports.ImportResult) -> dict:
    return {
        "applied": result.applied,
        **result.counts,
        "topics_created": result.topics_created,
        "problems": [{"where": p.where, "message": p.message} for p in result.problems],
    }


def _markdown_files(body: bytes) -> dict[str, str]:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise Invalid(_('Send the Markdown files as JSON: {"files": {"name.md": "text"}}.'), field="files")
    return files


@router.post(
    "/knowledge/import",
    response={200: KnowledgeImportOut, **PROBLEMS},
    summary="Import knowledge articles (Markdown or JSON Lines)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {"schema": {"type": "string", "description": "format=jsonl"}},
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "format=markdown: file name → the file's text",
                        "properties": {"files": {"type": "object", "additionalProperties": {"type": "string"}}},
                        "required": ["files"],
                    }
                },
            },
        }
    },
)
def knowledge_import(
    request,
    center: str,
    format: str = Query(..., pattern="^(markdown|jsonl)$"),
    only_valid: bool = False,
    publish: bool = True,
):
    """Articles into the centre's knowledge base, updated in place by slug. ``format=jsonl``: the JSON Lines file is
    the raw request body; ``format=markdown``: ``{"files": {"name.md": "text"}}``. Any problem means nothing is
    imported and the answer is 422 problem+json listing every ``problems`` entry (``where``: a file or ``line N``),
    unless ``only_valid``: then the rows without problems go in and the others are listed. New articles are
    published unless ``publish=false``."""
    target = organisation_selectors.center_get(actor=request.actor, slug=center)
    if format == "jsonl":
        records, problems = formats.read_json_lines(request.body)
    else:
        records, problems = formats.read_markdown_files(_markdown_files(request.body))
    result = imports.knowledge_import(
        actor=request.actor,
        center=target,
        records=records,
        problems=problems,
        only_valid=only_valid,
        publish=publish,
    )
    if not result.applied:
        detail = _("Nothing was imported: %(count)s problem(s).") % {"count": len(result.problems)}
        return problem(422, detail, title="Invalid input", **_import_out(result))
    return _import_out(result)


@router.get("/knowledge/export", response={200: None, **PROBLEMS}, summary="Export knowledge articles")
def knowledge_export(request, center: str, format: str = Query("jsonl", pattern="^(markdown|jsonl)$")):
    """The centre's shared articles and those of the municipalities it serves, as far as you may see them
    (archived ones left out), in the format the import reads: ``jsonl`` as ``application/x-ndjson``, or
    ``markdown`` as ``{"files": {"slug.md": "text"}}``."""
    target = organisation_selectors.center_get(actor=request.actor, slug=center)
    records = imports.knowledge_export(actor=request.actor, center=target)
    if format == "markdown":
        files = dict(formats.markdown_file(record) for record in records)
        return HttpResponse(
            json.dumps({"files": files}, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
    response = HttpResponse(formats.write_json_lines(records), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="knowledge-{target.slug}.jsonl"'
    return response
