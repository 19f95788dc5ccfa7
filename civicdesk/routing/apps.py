from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "civicdesk.routing"
    verbose_name = _("Routing")

    def ready(self):
        from civicdesk.organisations import access
        from civicdesk.routing import models

        permission = access.Permission.WRITE_ROUTING
        access.register_scoped_kind(models.Queue, token_permission=permission, supervisors_change_local=True)
        for model in (models.Skill, models.DutyShift, models.QueueAlert):
            access.register_center_kind(model, token_permission=permission)
        access.register_center_kind(models.Agent, token_permission=permission, self_field="user_id")
        for model in (models.AgentLanguage, models.AgentSkill, models.AgentStateChange):
            access.register_center_kind(
                model, center="agent__center_id", token_permission=permission, self_field="agent__user_id"
            )

        from civicdesk.organisations.context_processors import register_navigation
        from civicdesk.organisations.models import Role

        register_navigation(Role.SUPERVISOR, "routing:queue_list", _("Queues"))
        register_navigation(Role.SUPERVISOR, "routing:agent_list", _("Agents"))
        register_navigation(Role.SUPERVISOR, "routing:rota_week", _("Duty rota"))

    def demo_build(self):
        """Called by ``manage.py demo_data`` after the organisations exist (and before telephony's part, which
        builds menus over these queues): skills, queues, agents and this week's rota."""
        from civicdesk.routing import demo

        demo.build()
