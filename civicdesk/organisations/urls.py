from django.urls import path

from civicdesk.organisations.views import accounts, landing, municipality_admin, notifications, platform

app_name = "organisations"

urlpatterns = [
    path("desk/", landing.desk, name="desk"),
    path("desk/topics/", landing.topic_search, name="topic_search"),
    path("supervisor/", landing.supervisor, name="supervisor"),
    path("casework/", landing.casework, name="casework"),
    path("portal/", landing.portal, name="portal"),
    path("no-role/", landing.no_role, name="no_role"),
    path("municipality/", municipality_admin.municipality_admin, name="municipality_admin"),
    path("municipality/update/", municipality_admin.municipality_update, name="municipality_update"),
    path("municipality/departments/", municipality_admin.department_create, name="department_create"),
    path("municipality/teams/", municipality_admin.team_create, name="team_create"),
    path("municipality/staff/", municipality_admin.staff_onboard, name="staff_onboard"),
    path("municipality/topics/", municipality_admin.topic_list, name="topic_list"),
    path("municipality/topics/new/", municipality_admin.topic_create, name="topic_create"),
    path("municipality/topics/import/", municipality_admin.topics_import, name="topics_import"),
    path("municipality/topics/export.csv", municipality_admin.topics_export, name="topics_export"),
    path("platform/", platform.platform, name="platform"),
    path("platform/memberships/", platform.membership_change, name="membership_change"),
    path("platform/audit/", platform.audit_search, name="audit_search"),
    path("platform/tokens/", platform.api_token_list, name="api_token_list"),
    path("platform/tokens/new/", platform.api_token_create, name="api_token_create"),
    path("platform/tokens/<int:token_id>/revoke/", platform.api_token_revoke, name="api_token_revoke"),
    path("language/", accounts.language_set, name="language_set"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notifications_mark_read, name="notifications_mark_read"),
]
