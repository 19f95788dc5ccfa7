"""HTML forms of the knowledge base (articles, synonyms, import and export) and of the incident list."""

from civicdesk.knowledge.forms.articles import (
    ArticleFilterForm,
    ArticleForm,
    DiffForm,
    KnowledgeExportForm,
    KnowledgeImportForm,
    LinkFormSet,
    MissingKnowledgeForm,
    RestoreForm,
    StatusForm,
    SynonymForm,
    links_of,
    scope_label,
)
from civicdesk.knowledge.forms.incidents import IncidentForm, IncidentResolveForm, IncidentUpdateForm

__all__ = [
    "ArticleFilterForm",
    "ArticleForm",
    "DiffForm",
    "IncidentForm",
    "IncidentResolveForm",
    "IncidentUpdateForm",
    "KnowledgeExportForm",
    "KnowledgeImportForm",
    "LinkFormSet",
    "MissingKnowledgeForm",
    "RestoreForm",
    "StatusForm",
    "SynonymForm",
    "links_of",
    "scope_label",
]
