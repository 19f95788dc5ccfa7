from django.urls import path

from civicdesk.knowledge.views import articles, incidents, public, searching

app_name = "knowledge"

# The agent's search: answers, incidents and directory entries as the caller talks.
urlpatterns: list = [
    path("knowledge/", searching.knowledge_search, name="search"),
    path("knowledge/articles/<int:pk>/feedback/", searching.answer_feedback, name="answer_feedback"),
]

# Keeping the knowledge base: articles, their versions, synonyms, what is missing, import and export.
urlpatterns += [
    path("knowledge/articles/", articles.article_list, name="article_list"),
    path("knowledge/articles/new/", articles.article_create, name="article_create"),
    path("knowledge/articles/<int:pk>/", articles.article_detail, name="article_detail"),
    path("knowledge/articles/<int:pk>/edit/", articles.article_edit, name="article_edit"),
    path("knowledge/articles/<int:pk>/status/", articles.article_status, name="article_status"),
    path("knowledge/articles/<int:pk>/versions/", articles.article_versions, name="article_versions"),
    path("knowledge/articles/<int:pk>/restore/", articles.article_restore, name="article_restore"),
    path("knowledge/missing/", articles.missing_knowledge, name="missing_knowledge"),
    path("knowledge/synonyms/", articles.synonyms, name="synonyms"),
    path("knowledge/import/", articles.knowledge_import, name="knowledge_import"),
    path("knowledge/export/", articles.knowledge_export, name="knowledge_export"),
]

# The incident list.
urlpatterns += [
    path("knowledge/incidents/", incidents.incident_list, name="incident_list"),
    path("knowledge/incidents/new/", incidents.incident_raise, name="incident_raise"),
    path("knowledge/incidents/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    path("knowledge/incidents/<int:pk>/resolve/", incidents.incident_resolve, name="incident_resolve"),
]

# A municipality's public help pages: no sign-in, what its citizens may read.
urlpatterns += [
    path("help/<slug:municipality>/", public.help_index, name="help_index"),
    path("help/<slug:municipality>/incidents/", public.help_incidents, name="help_incidents"),
    path("help/<slug:municipality>/<slug:slug>/", public.help_article, name="help_article"),
    path("help/<slug:municipality>/<slug:slug>/feedback/", public.help_feedback, name="help_feedback"),
]
