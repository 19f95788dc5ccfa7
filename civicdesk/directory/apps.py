from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "civicdesk.directory"
    verbose_name = _("Directory")

    def ready(self):
        from civicdesk.directory import models
        from civicdesk.organisations import access

        # Staff who reach a municipality look its directory up; its admins keep it current.
        for model in (models.Unit, models.Employee, models.PhoneNumber, models.Responsibility):
            access.register_setting_kind(model)
        for model in (models.UnitHours, models.UnitClosure):
            access.register_setting_kind(model, owner="unit__municipality_id")

    def demo_build(self):
        """Called by ``manage.py demo_data`` after the organisations exist."""
        from civicdesk.directory import demo

        demo.build()
