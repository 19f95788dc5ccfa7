from django.urls import path

from civicdesk.directory.views import changes, entries, search, transfer

app_name = "directory"

urlpatterns: list = [
    path("directory/", search.directory, name="directory"),
    path("directory/units/<int:pk>/", entries.unit_detail, name="unit_detail"),
    path("directory/people/<int:pk>/", entries.employee_detail, name="employee_detail"),
    path("directory/import/", transfer.directory_import, name="directory_import"),
    path("directory/units/<int:pk>/vcard/", transfer.unit_vcard, name="unit_vcard"),
    path("directory/people/<int:pk>/vcard/", transfer.employee_vcard, name="employee_vcard"),
]

# Keeping the directory current: change requests, an entry's history, the stale entries.
urlpatterns += [
    path("directory/changes/", changes.change_request_list, name="change_request_list"),
    path("directory/changes/new/", changes.change_request_submit, name="change_request_submit"),
    path("directory/changes/<int:pk>/approve/", changes.change_request_approve, name="change_request_approve"),
    path("directory/changes/<int:pk>/reject/", changes.change_request_reject, name="change_request_reject"),
    path("directory/changes/history/units/<int:pk>/", changes.unit_versions, name="unit_versions"),
    path("directory/changes/history/people/<int:pk>/", changes.employee_versions, name="employee_versions"),
    path("directory/stale/", changes.stale_entries, name="stale_entries"),
    path("directory/stale/period/", changes.directory_policy_set, name="directory_policy_set"),
    path("directory/stale/units/<int:pk>/confirm/", changes.unit_confirm, name="unit_confirm"),
    path("directory/stale/people/<int:pk>/confirm/", changes.employee_confirm, name="employee_confirm"),
]
