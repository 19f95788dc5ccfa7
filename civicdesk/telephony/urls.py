from django.urls import path

from civicdesk.telephony.views import wallboard

app_name = "telephony"

urlpatterns: list = [
    path("telephony/wallboard/", wallboard.wallboard, name="wallboard"),
]
