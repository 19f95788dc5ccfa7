"""Django admin for platform admins: message templates, SLA policies, mailboxes, quarantined mail; cases are
worked on their own pages, so here they are read-only."""

from django.contrib import admin

from civicdesk.cases.models import Case, Mailbox, MessageTemplate, QuarantinedMail, SlaPolicy
from civicdesk.organisations.admin import AuditedAdmin


@admin.register(MessageTemplate)
class MessageTemplateAdmin(AuditedAdmin):
    list_display = ("municipality", "kind", "language", "subject")
    list_filter = ("municipality", "kind", "language")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdmin):
    list_display = ("municipality", "topic", "priority", "first_response_minutes", "resolve_minutes")
    list_filter = ("municipality",)


@admin.register(Mailbox)
class MailboxAdmin(AuditedAdmin):
    list_display = ("address", "municipality", "team", "imap_host", "is_active")
    list_filter = ("municipality", "is_active")
    readonly_fields = ("webhook_secret",)


@admin.register(QuarantinedMail)
class QuarantinedMailAdmin(admin.ModelAdmin):
    list_display = ("received_at", "municipality", "mailbox", "size", "reason", "released_at")
    list_filter = ("municipality",)
    readonly_fields = [f.name for f in QuarantinedMail._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "municipality", "team", "assignee", "status", "priority", "due_at")
    list_filter = ("municipality", "status", "priority")
    search_fields = ("number", "title")
    readonly_fields = [f.name for f in Case._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
