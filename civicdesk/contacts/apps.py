from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "civicdesk.contacts"
    verbose_name = _("Contacts")

    def ready(self):
        from civicdesk.contacts.models import Contact, Person
        from civicdesk.organisations import access

        access.register_work_kind(Contact, token_permission=access.Permission.WRITE_CONTACTS)
        access.register_work_kind(Person, token_permission=access.Permission.WRITE_CONTACTS)
