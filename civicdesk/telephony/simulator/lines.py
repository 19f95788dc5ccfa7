"""How the simulated phone system reaches civicdesk: over HTTP like any phone system (the live demo), or
through Django's test client in the same process (demo data, tests) — both through the same webhook and
route endpoints, with the centre's token."""

import json
import urllib.error
import urllib.request
from typing import Protocol

EVENTS_PATH = "/api/telephony/events"
ROUTE_PATH = "/api/telephony/route"


class LineError(Exception):
    """civicdesk answered with an error (the problem+json text is the message)."""


class PhoneLine(Protocol):
    def send(self, events: list[dict]) -> dict: ...

    def route(self, question: dict) -> dict: ...


class HttpLine:
    """POSTs JSON to a running civicdesk."""

    def __init__(self, base_url: str, secret: str, timeout_s: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.timeout_s = timeout_s

    def _post(self, path: str, body) -> dict:
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's own civicdesk
            self.base_url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.secret}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise LineError(f"{error.code} {error.read()[:500].decode(errors='replace')}") from None

    def send(self, events: list[dict]) -> dict:
        return self._post(EVENTS_PATH, events)

    def route(self, question: dict) -> dict:
        return self._post(ROUTE_PATH, question)


class ClientLine:
    """The same requests through Django's test client, in this process."""

    def __init__(self, secret: str):
        from django.test import Client

        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def _post(self, path: str, body) -> dict:
        response = self.client.post(path, data=json.dumps(body), content_type="application/json")
        if response.status_code >= 400:
            raise LineError(f"{response.status_code} {response.content[:500].decode(errors='replace')}")
        return response.json()

    def send(self, events: list[dict]) -> dict:
        return self._post(EVENTS_PATH, events)

    def route(self, question: dict) -> dict:
        return self._post(ROUTE_PATH, question)
