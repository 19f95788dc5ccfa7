from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "civicdesk.organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from civicdesk.organisations import reference  # noqa: F401 - connects the memo's renewal to saves
