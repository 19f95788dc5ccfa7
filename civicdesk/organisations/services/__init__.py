"""Every write in organisations: tenancy, staff and roles, topics, API tokens."""

from civicdesk.organisations.services.notifications import notifications_mark_read, notify
from civicdesk.organisations.services.staff import (
    portal_user_create,
    role_grant,
    role_revoke,
    staff_create,
    staff_onboard,
    user_language_set,
    user_signed_in,
)
from civicdesk.organisations.services.tenancy import (
    center_create,
    department_create,
    municipality_create,
    municipality_join_center,
    municipality_leave_center,
    municipality_onboard,
    municipality_update,
    opening_hours_set,
    team_create,
)
from civicdesk.organisations.services.tokens import api_token_authenticate, api_token_create, api_token_revoke
from civicdesk.organisations.services.topics import (
    default_topics_install,
    topic_create,
    topic_update,
    topics_import,
)

__all__ = [
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "center_create",
    "default_topics_install",
    "department_create",
    "municipality_create",
    "municipality_join_center",
    "municipality_leave_center",
    "municipality_onboard",
    "municipality_update",
    "notifications_mark_read",
    "notify",
    "opening_hours_set",
    "portal_user_create",
    "role_grant",
    "role_revoke",
    "staff_create",
    "staff_onboard",
    "team_create",
    "topic_create",
    "topic_update",
    "topics_import",
    "user_language_set",
    "user_signed_in",
]
