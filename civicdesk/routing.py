"""Websocket routes under ``/ws/``: each realtime domain (wallboard, chat) appends its consumers here."""

websocket_urlpatterns: list = []
