from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "civicdesk.directory"
    verbose_name = _("Directory")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from civicdesk.directory import models, search
        from civicdesk.organisations import access
        from civicdesk.organisations.context_processors import register_navigation
        from civicdesk.organisations.models import Municipality, Role, Topic

        # Staff who reach a municipality look its directory up; its admins keep it current. Its citizens see
        # what is not internal-only, its employees all of it (so they find internal numbers themselves).
        for model in (models.Unit, models.Employee, models.PhoneNumber):
            access.register_setting_kind(model, public=True, internal_field="internal_only")
        access.register_setting_kind(models.Responsibility, public=True, internal_field="unit__internal_only")
        for model in (models.UnitHours, models.UnitClosure):
            access.register_setting_kind(model, owner="unit__municipality_id", public=True)
        # Any staff member who reaches the municipality reports a change; deciding it changes the entry,
        # which only its admins may (services.changes). Versions and the confirm period are like settings.
        access.register_work_kind(models.ChangeRequest, token_permission=access.Permission.WRITE_ORGANISATION)
        for model in (models.EntryVersion, models.DirectoryPolicy):
            access.register_setting_kind(model)

        for role in (Role.AGENT, Role.SUPERVISOR, Role.CASEWORKER, Role.MUNICIPALITY_ADMIN, "portal"):
            register_navigation(role, "directory:directory", _("Directory"))
        for role in (Role.CASEWORKER, Role.MUNICIPALITY_ADMIN):
            register_navigation(role, "directory:change_request_list", _("Change requests"))

        # The search index of a municipality is built again when anything it holds changes there.
        def entry_changed(sender, instance, **kwargs):
            search.directory_changed(instance.municipality_id)

        def topic_changed(sender, instance, **kwargs):
            ids = (
                [instance.municipality_id]
                if instance.municipality_id
                else Municipality.objects.values_list("pk", flat=True)
            )
            for municipality_id in ids:
                search.directory_changed(municipality_id)

        for model in (models.Unit, models.Employee, models.PhoneNumber, models.Responsibility):
            for signal in (post_save, post_delete):
                signal.connect(
                    entry_changed, sender=model, weak=False, dispatch_uid=f"directory-search-{model.__name__}"
                )

        def hours_changed(sender, instance, **kwargs):
            units = models.Unit.objects.filter(pk=instance.unit_id)
            municipality_id = units.values_list("municipality_id", flat=True).first()
            if municipality_id is not None:  # None: the unit itself is being deleted
                search.directory_changed(municipality_id)

        for model in (models.UnitHours, models.UnitClosure):
            for signal in (post_save, post_delete):
                signal.connect(
                    hours_changed, sender=model, weak=False, dispatch_uid=f"directory-search-{model.__name__}"
                )
        post_save.connect(topic_changed, sender=Topic, weak=False, dispatch_uid="directory-search-topic")

    def demo_build(self):
        """Called by ``manage.py demo_data`` after the organisations exist."""
        from civicdesk.directory import demo

        demo.build()
