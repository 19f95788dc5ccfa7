"""Websocket routes under ``/ws/``: each realtime domain (wallboard, chat) adds its consumers here."""

from django.urls import path

from civicdesk.telephony.consumers import WallboardConsumer

websocket_urlpatterns: list = [
    path("ws/wallboard/<slug:center>/", WallboardConsumer.as_asgi()),
]
