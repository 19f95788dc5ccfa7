from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelephonyConfig(AppConfig):
    name = "civicdesk.telephony"
    verbose_name = _("Telephony")

    def ready(self):
        from civicdesk.organisations import access
        from civicdesk.telephony import models

        for model in (models.PhoneNumber, models.IVRNode):
            access.register_setting_kind(model)
        permission = access.Permission.WRITE_TELEPHONY
        for model in (models.Call, models.CallEvent):
            access.register_center_kind(model, token_permission=permission)
        access.register_center_kind(models.QueueVisit, token_permission=permission, self_field="agent__user_id")

        from civicdesk.organisations.context_processors import register_navigation
        from civicdesk.organisations.models import Role

        register_navigation(Role.MUNICIPALITY_ADMIN, "telephony:number_list", _("Phone numbers"))
