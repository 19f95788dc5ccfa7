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
        for role in (Role.SUPERVISOR, Role.AGENT):
            register_navigation(role, "telephony:wallboard", _("Wallboard"))
        register_navigation(Role.AGENT, "telephony:my_phone", _("My phone"))

        from civicdesk.cases.views.desk import register_desk_panel

        register_desk_panel("telephony:my_phone")

        # The wallboard follows calls, agents' states and queue alerts (each sent after its commit).
        from civicdesk.routing import signals as routing_signals
        from civicdesk.telephony import consumers, signals

        def calls_changed(sender, center_id, **kwargs):
            consumers.wallboard_changed(center_id)

        def agent_changed(sender, agent, **kwargs):
            consumers.wallboard_changed(agent.center_id)

        def alert_changed(sender, **kwargs):
            alert = kwargs.get("alert")
            center_id = kwargs.get("center_id") or (alert.center_id if alert is not None else None)
            if center_id:
                consumers.wallboard_changed(center_id)

        signals.calls_changed.connect(calls_changed, weak=False, dispatch_uid="wallboard-calls")
        routing_signals.agent_state_changed.connect(agent_changed, weak=False, dispatch_uid="wallboard-agents")
        routing_signals.queue_alert_changed.connect(alert_changed, weak=False, dispatch_uid="wallboard-alerts")

    def demo_build(self):
        """Called by ``manage.py demo_data`` after routing's part: numbers, menus and past calls."""
        from civicdesk.telephony import demo

        demo.build()

    def serve_helpers(self, url: str) -> list[list[str]]:
        """What ``manage.py serve`` starts beside the demo server: the simulated phone system."""
        from civicdesk.telephony.simulator.runs import serve_helpers

        return serve_helpers(url)
