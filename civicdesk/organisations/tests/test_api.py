"""The API's contract: a valid OpenAPI 3 schema with a summary for every operation, problem+json errors,
session and token authentication, tenant isolation, pinned query counts."""

import pytest
from django.core.cache import cache
from openapi_spec_validator import validate

from civicdesk.organisations import services
from civicdesk.organisations.access import SYSTEM

PROBLEM = "application/problem+json"


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_openapi_schema_is_valid_openapi_3_and_every_operation_has_a_summary(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not operation.get("summary")
    ]
    assert missing == []


def test_interactive_docs_are_served(client):
    assert client.get("/api/docs").status_code == 200


def test_unauthenticated_call_gets_401_problem_json(client):
    response = client.get("/api/municipalities")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 401


def test_wrong_tenant_call_gets_404_problem_json(client_for, outsider):
    response = client_for(outsider).get("/api/municipalities/gulen")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_wrong_tenant_token_gets_404_problem_json(client, center_token):
    _token, secret = center_token
    response = client.get("/api/municipalities/orebro", headers=bearer(secret))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert client.get("/api/municipalities/gulen", headers=bearer(secret)).status_code == 200


def test_token_without_write_permission_gets_403_problem_json(client, center_token):
    _token, secret = center_token
    response = client.post(
        "/api/topics",
        {"municipality": "gulen", "key": "x", "name_en": "X"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


def test_token_with_topic_permission_adds_a_topic_of_its_municipality_only(client, municipality_token):
    _token, secret = municipality_token
    made = client.post(
        "/api/topics",
        {"municipality": "gulen", "key": "api-made", "name_nb": "Frå API"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert made.status_code == 201, made.content
    assert made.json()["municipality"] == "gulen"
    elsewhere = client.post(
        "/api/topics",
        {"municipality": "osteroy", "key": "api-made", "name_nb": "Frå API"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert elsewhere.status_code == 404


def test_revoked_token_gets_401(client, municipality_token):
    token, secret = municipality_token
    assert client.get("/api/me", headers=bearer(secret)).status_code == 200
    services.api_token_revoke(actor=SYSTEM, token=token)
    assert client.get("/api/me", headers=bearer(secret)).status_code == 401


def test_token_secret_is_stored_only_as_a_hash(municipality_token):
    token, secret = municipality_token
    token.refresh_from_db()
    assert secret not in (token.secret_hash, token.prefix, token.name)
    assert len(token.secret_hash) == 64


def test_schema_violation_gets_422_problem_json_naming_the_field(client_for, platform_admin):
    response = client_for(platform_admin).post(
        "/api/municipalities", {"slug": "Bad Slug", "name": "X", "country": "FI"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"slug", "country"} <= fields


def test_duplicate_membership_gets_409_problem_json(client_for, platform_admin):
    response = client_for(platform_admin).post(
        "/api/centers/nordhordland/memberships", {"municipality": "gulen"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM


def test_session_writes_need_the_csrf_token(platform_admin):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(platform_admin)
    response = client.post(
        "/api/municipalities", {"slug": "x", "name": "X", "country": "NO"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_anonymous_api_calls_are_rate_limited_with_429_problem_json(client, db):
    cache.clear()
    statuses = [client.get("/api/me").status_code for _ in range(61)]
    assert statuses[0] == 401
    assert statuses[-1] == 429
    last = client.get("/api/me")
    assert last["Content-Type"] == PROBLEM and last["Retry-After"]
    cache.clear()


def test_me_says_what_the_actor_reaches(client_for, agent):
    body = client_for(agent).get("/api/me").json()
    assert body["roles"] == ["agent"]
    assert body["municipalities"] == ["aurland", "gulen", "osteroy", "samnanger"]


def test_staff_list_is_paginated_with_a_cursor_and_hides_e_mail(client_for, supervisor):
    client = client_for(supervisor)
    first = client.get("/api/staff?page_size=3").json()
    assert len(first["results"]) == 3 and first["next"]
    assert "email" not in first["results"][0]
    second = client.get(first["next"]).json()
    assert {u["id"] for u in first["results"]}.isdisjoint({u["id"] for u in second["results"]})


@pytest.mark.parametrize(
    "path",
    [
        "/api/staff?page_size=100",
        "/api/topics?page_size=100",
        "/api/departments",
        "/api/municipalities",
        "/api/centers",
        "/api/audit-events?page_size=100",
    ],
)
def test_list_endpoints_use_a_fixed_number_of_queries(client_for, platform_admin, django_assert_max_num_queries, path):
    client = client_for(platform_admin)
    client.get("/api/me")
    with django_assert_max_num_queries(8):
        assert client.get(path).status_code == 200


def test_a_token_over_its_rate_gets_429(client, center_token, settings):
    settings.API_CALLER_RATE = "3/m"
    _token, secret = center_token
    statuses = [client.get("/api/me", headers=bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
