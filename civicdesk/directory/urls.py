from django.urls import path

from civicdesk.directory.views import entries, search, transfer

app_name = "directory"

urlpatterns: list = [
    path("directory/", search.directory, name="directory"),
    path("directory/units/<int:pk>/", entries.unit_detail, name="unit_detail"),
    path("directory/people/<int:pk>/", entries.employee_detail, name="employee_detail"),
    path("directory/import/", transfer.directory_import, name="directory_import"),
    path("directory/units/<int:pk>/vcard/", transfer.unit_vcard, name="unit_vcard"),
    path("directory/employees/<int:pk>/vcard/", transfer.employee_vcard, name="employee_vcard"),
]
