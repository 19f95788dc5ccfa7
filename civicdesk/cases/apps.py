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
