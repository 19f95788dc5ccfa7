from django.urls import path

from civicdesk.telephony.views import menus, phone, wallboard

app_name = "telephony"

urlpatterns: list = [
    path("telephony/wallboard/", wallboard.wallboard, name="wallboard"),
    path("telephony/phone/", phone.my_phone, name="my_phone"),
    path("telephony/phone/state/", phone.agent_state_set, name="agent_state_set"),
    path("telephony/phone/answer/", phone.call_answer, name="call_answer"),
    path("telephony/phone/hang-up/", phone.call_hang_up, name="call_hang_up"),
]

# A municipality's numbers and IVR menus (kept by its admins, read by the centre serving it).
urlpatterns += [
    path("telephony/numbers/", menus.number_list, name="number_list"),
    path("telephony/numbers/new/", menus.number_add, name="number_add"),
    path("telephony/numbers/<int:pk>/", menus.number_edit, name="number_edit"),
    path("telephony/numbers/<int:pk>/remove/", menus.number_remove, name="number_remove"),
    path("telephony/menus/new/", menus.menu_create, name="menu_create"),
    path("telephony/menus/<int:pk>/", menus.menu_detail, name="menu_detail"),
    path("telephony/steps/<int:pk>/add/", menus.menu_step_add, name="menu_step_add"),
    path("telephony/steps/<int:pk>/edit/", menus.menu_step_edit, name="menu_step_edit"),
    path("telephony/steps/<int:pk>/remove/", menus.menu_step_remove, name="menu_step_remove"),
    path("telephony/steps/<int:pk>/announcements/", menus.menu_announcements, name="menu_announcements"),
]
