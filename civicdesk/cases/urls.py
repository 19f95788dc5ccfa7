from django.urls import path

from civicdesk.cases.views import cases, desk, settings

app_name = "cases"

urlpatterns = [
    path("contacts/new/", desk.contact_log, name="contact_log"),
    path("contacts/new/previous/", desk.previous_contacts, name="previous_contacts"),
    path("contacts/new/topics/", desk.topic_choices, name="topic_choices"),
    path("contacts/new/forward/suggestions/", desk.forward_suggestions, name="forward_suggestions"),
    path("contacts/new/forward/search/", desk.forward_search, name="forward_search"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/bulk/", cases.cases_bulk, name="cases_bulk"),
    path("cases/views/", cases.saved_view_save, name="saved_view_save"),
    path("cases/views/<int:view_id>/delete/", cases.saved_view_delete, name="saved_view_delete"),
    path("cases/settings/", settings.case_settings, name="case_settings"),
    path("cases/settings/hours/", settings.opening_hours_set, name="opening_hours_set"),
    path("cases/settings/sla/", settings.sla_policy_set, name="sla_policy_set"),
    path("cases/settings/mailboxes/", settings.mailbox_create, name="mailbox_create"),
    path("cases/<str:number>/", cases.case_detail, name="case_detail"),
    path("cases/<str:number>/assign/", cases.case_assign, name="case_assign"),
    path("cases/<str:number>/status/", cases.case_status_set, name="case_status_set"),
    path("cases/<str:number>/edit/", cases.case_update, name="case_update"),
    path("cases/<str:number>/notes/", cases.case_note_add, name="case_note_add"),
    path("cases/<str:number>/replies/", cases.case_reply_send, name="case_reply_send"),
    path("cases/<str:number>/attachments/", cases.case_attach, name="case_attach"),
    path("cases/<str:number>/attachments/<int:attachment_id>/", cases.attachment_download, name="attachment_download"),
    path("cases/<str:number>/relate/", cases.case_relate, name="case_relate"),
]
