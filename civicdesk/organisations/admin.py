"""Django admin for platform admins: every save is audited; joining and leaving a centre go through the services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.errors import DomainError
from civicdesk.organisations import access, audit, services
from civicdesk.organisations.models import (
    ApiToken,
    AuditEvent,
    CenterMembership,
    Department,
    Municipality,
    RoleAssignment,
    ServiceCenter,
    Team,
    Topic,
    User,
)


def _platform_admins_only(request) -> bool:
    return request.user.is_active and request.user.is_staff and access.is_platform_admin(request.user)


admin.site.has_permission = _platform_admins_only


class AuditedAdmin(admin.ModelAdmin):
    """Admin writes land in the audit log like any other write."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        verb = "update" if change else "create"
        audit.record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{verb}",
            obj=obj,
            details={"via": "admin", "fields": form.changed_data},
        )

    def delete_model(self, request, obj):
        audit.record(actor=request.user, action=f"{obj._meta.model_name}.delete", obj=obj, details={"via": "admin"})
        super().delete_model(request, obj)


class MembershipInline(admin.TabularInline):
    model = CenterMembership
    extra = 0
    can_delete = False
    readonly_fields = ("municipality", "joined_at", "left_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceCenter)
class ServiceCenterAdmin(AuditedAdmin):
    list_display = ("name", "slug", "is_internal")
    search_fields = ("name", "slug")
    inlines = [MembershipInline]


@admin.register(Municipality)
class MunicipalityAdmin(AuditedAdmin):
    list_display = ("name", "slug", "country", "language", "time_zone")
    list_filter = ("country",)
    search_fields = ("name", "slug")


@admin.register(CenterMembership)
class CenterMembershipAdmin(admin.ModelAdmin):
    """Adding a row is 'join'; the action closes memberships ('leave'). History is never edited or deleted."""

    list_display = ("municipality", "center", "joined_at", "left_at")
    list_filter = ("center",)
    fields = ("center", "municipality", "joined_at")
    actions = ["leave_now"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            services.municipality_join_center(
                actor=request.user, municipality=obj.municipality, center=obj.center, at=obj.joined_at
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    @admin.action(description=_("Leave the centre now"))
    def leave_now(self, request, queryset):
        for membership in queryset.filter(left_at__isnull=True).select_related("center", "municipality"):
            services.municipality_leave_center(
                actor=request.user, municipality=membership.municipality, center=membership.center
            )


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("name", "municipality")
    list_filter = ("municipality",)


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name", "department", "municipality")
    list_filter = ("municipality",)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fk_name = "user"


@admin.register(User)
class UserAdmin(AuditedAdmin):
    list_display = ("username", "first_name", "last_name", "kind", "home_municipality", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    fields = (
        "username",
        "first_name",
        "last_name",
        "email",
        "kind",
        "home_municipality",
        "language",
        "is_active",
    )
    inlines = [RoleInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            user = self.get_object(request, object_id)
            if user is not None:
                audit.record_read(actor=request.user, obj=user, fields=["email", "first_name", "last_name"])
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    list_display = (
        "key",
        "name_en",
        "name_da",
        "name_sv",
        "name_nb",
        "municipality",
        "kle_number",
        "is_active",
    )
    list_filter = ("municipality", "is_active")
    search_fields = ("key", "name_en", "name_da", "name_sv", "name_nb", "kle_number")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "center", "municipality", "created_at", "last_used_at", "revoked_at")
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request):
        return False  # made on the platform pages or with manage.py create_api_token, so the secret is shown once

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "address")
    list_filter = ("action",)
    search_fields = ("actor_label", "action", "object_type", "object_id", "object_label")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
