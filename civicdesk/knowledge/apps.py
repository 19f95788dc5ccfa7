from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "civicdesk.knowledge"
    verbose_name = _("Knowledge")

    def ready(self):
        from django.db.models import Q

        from civicdesk.knowledge import models
        from civicdesk.organisations import access
        from civicdesk.organisations.context_processors import register_navigation
        from civicdesk.organisations.models import Role

        def article_readers(internal: bool) -> Q:
            """Citizens read published public answers; the municipality's employees its internal ones too."""
            audiences = [models.Audience.PUBLIC, models.Audience.INTERNAL] if internal else [models.Audience.PUBLIC]
            return Q(status=models.Article.Status.PUBLISHED, audience__in=audiences)

        def incident_readers(internal: bool) -> Q:
            return Q() if internal else Q(is_public=True)

        permission = access.Permission.WRITE_KNOWLEDGE
        access.register_scoped_kind(models.Article, token_permission=permission, readers=article_readers)
        access.register_scoped_kind(
            models.Incident, token_permission=permission, readers=incident_readers, supervisors_change_local=True
        )
        access.register_scoped_kind(models.SynonymGroup, token_permission=permission)

        def entry_readers(internal: bool) -> Q:
            audiences = [models.Audience.PUBLIC, models.Audience.INTERNAL] if internal else [models.Audience.PUBLIC]
            return Q(is_live=True, audience__in=audiences)

        access.register_scoped_kind(models.SearchEntry, token_permission=permission, readers=entry_readers)
        for model in (models.AnswerFeedback, models.SearchMiss):
            access.register_setting_kind(model)

        from django.db.models.signals import post_delete, post_save

        from civicdesk.knowledge import store

        def synonyms_changed(sender, **kwargs):
            store.synonyms_changed()

        for signal in (post_save, post_delete):
            signal.connect(
                synonyms_changed, sender=models.SynonymGroup, weak=False, dispatch_uid=f"knowledge-synonyms-{signal}"
            )

        def entry_removed(sender, instance, **kwargs):
            store.entry_removed(instance)

        post_delete.connect(
            entry_removed, sender=models.SearchEntry, weak=False, dispatch_uid="knowledge-entry-removed"
        )

        for role in (Role.AGENT, Role.SUPERVISOR, Role.CASEWORKER, Role.MUNICIPALITY_ADMIN):
            register_navigation(role, "knowledge:search", _("Knowledge"))
        for role in (Role.SUPERVISOR, Role.MUNICIPALITY_ADMIN):
            register_navigation(role, "knowledge:article_list", _("Articles"))
            register_navigation(role, "knowledge:incident_list", _("Incidents"))

    def demo_build(self):
        """Called by ``manage.py demo_data`` after the organisations exist."""
        from civicdesk.knowledge import demo

        demo.build()
