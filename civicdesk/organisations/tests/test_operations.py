"""Probes, the request log, the municipality theme, error pages without stack traces, realtime layer."""

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings


def test_healthz_and_readyz_answer_200(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_every_request_is_one_json_log_line(client, caplog):
    from pythonjsonlogger.json import JsonFormatter

    with caplog.at_level(logging.INFO, logger="civicdesk.request"):
        client.get("/healthz")
    record = next(r for r in caplog.records if r.name == "civicdesk.request")
    formatter = JsonFormatter(**{k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"})
    line = formatter.format(record)
    assert "\n" not in line
    fields = json.loads(line)
    assert (fields["method"], fields["path"], fields["status"]) == ("GET", "/healthz", 200)
    assert fields["request_id"] and fields["duration_ms"] >= 0


def test_theme_of_a_municipality_is_its_brand_colour_as_designsystemet_variables(client, gulen):
    response = client.get("/theme/gulen.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "--ds-color-accent-base-default: #0062ba" in response.content.decode()


def test_unknown_page_is_a_translated_404_page_and_api_404_is_problem_json(client_for, agent):
    client = client_for(agent)
    page = client.get("/nowhere/", headers={"Accept-Language": "nb"})
    assert page.status_code == 404 and "<html" in page.content.decode()
    api = client.get("/api/nowhere")
    assert api.status_code == 404 and api["Content-Type"] == "application/problem+json"


def test_server_error_in_the_api_is_problem_json_without_a_stack_trace(client_for, agent, monkeypatch):
    from civicdesk.organisations import selectors

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "municipality_list", broken)
    response = client_for(agent).get("/api/municipalities")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "secret internals" not in response.content.decode() and "Traceback" not in response.content.decode()


def test_channel_layer_carries_a_message(db):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.send)(channel, {"type": "wallboard.update", "queue": "byggesak"})
    assert async_to_sync(layer.receive)(channel) == {"type": "wallboard.update", "queue": "byggesak"}
