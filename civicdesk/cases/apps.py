from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "civicdesk.cases"
    verbose_name = _("Cases")

    def ready(self):
        from civicdesk.cases import models
        from civicdesk.organisations import access

        write = access.Permission.WRITE_CASES
        access.register_work_kind(models.Case, token_permission=write)
        access.register_setting_kind(models.SlaPolicy)
        access.register_setting_kind(models.Mailbox)
        access.register_setting_kind(models.MessageTemplate)
        access.register_work_kind(models.QuarantinedMail, token_permission=write)
        for part in (models.CaseEvent, models.CaseNote, models.CaseMessage, models.Attachment):
            access.register_work_kind(part, owner="case__municipality_id", token_permission=write)

        from civicdesk.organisations.context_processors import register_navigation
        from civicdesk.organisations.models import Role

        for role in (Role.AGENT, Role.SUPERVISOR):
            register_navigation(role, "cases:contact_log", _("Log a contact"), first=True)
        for role in (Role.AGENT, Role.SUPERVISOR, Role.CASEWORKER, Role.MUNICIPALITY_ADMIN, Role.PLATFORM_ADMIN):
            register_navigation(role, "cases:case_list", _("Cases"))
        register_navigation(Role.MUNICIPALITY_ADMIN, "cases:case_settings", _("Case settings"))

    def demo_build(self):
        """Called by ``manage.py demo_data`` after the organisations exist."""
        from civicdesk.cases import demo

        demo.build()
