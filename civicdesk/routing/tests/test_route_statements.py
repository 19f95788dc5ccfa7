"""The router's statements: built once with their constants written in, read into agents as a queryset would,
prepared on PostgreSQL, and planned (for any values) as a walk along the free agents' index."""

import re
from datetime import timedelta

import pytest
from django.db import connection

from civicdesk.lib.prepared import constants_inlined, prepared_cursor, prepared_objects
from civicdesk.routing.models import Agent
from civicdesk.routing.services import candidates


def test_constants_are_written_in_and_the_varying_values_stay_parameters():
    sql, params = constants_inlined(
        "SELECT 1 FROM t WHERE a = %s AND b IN (%s, %s) AND c = %s AND d = %s",
        [7, "avail'able", "50%", "\x01call", True],
        varying=lambda value: value == "\x01call",
    )
    assert sql == "SELECT 1 FROM t WHERE a = 7 AND b IN ('avail''able', '50%%') AND c = %s AND d = %s"
    assert params == ["\x01call", True]


def test_a_statement_whose_placeholders_do_not_match_its_parameters_is_refused():
    with pytest.raises(ValueError, match="placeholders"):
        constants_inlined("SELECT %s, %s", [1], varying=lambda value: False)


def test_rows_become_agents_with_their_annotations(phone_world, make_available, t0):
    make_available("1001", t0)
    sql, params = Agent.objects.filter(code="1001").extra(select={"answer": "41 + 1"}).query.sql_with_params()
    [agent] = prepared_objects(Agent, "default", sql, list(params))
    assert agent.pk == phone_world.agents["1001"].pk
    assert agent.idle_since == t0  # an aware datetime, on SQLite too (the backend's converters ran)
    assert agent.answer == 42
    assert agent.center.slug == phone_world.center.slug  # a model instance like any other


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_router_s_statements_are_prepared_on_the_connection(phone_world, make_available, route, t0):
    make_available("1001", t0)
    route("building", t0 + timedelta(seconds=5))
    with prepared_cursor("default") as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "routing_agent"' in sql and "LIMIT 5" in sql for sql in prepared)  # the candidates
    assert any(sql.startswith('UPDATE "routing_agent" SET "reserved_until"') for sql in prepared)  # the hold


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def test_the_candidates_statement_walks_the_free_agents_index_for_any_values(phone_world, t0):
    """On PostgreSQL the plan kept for every decision (the generic plan) must use ``agent_ready``, which it can
    only when the state condition is written into the SQL; on SQLite the query plan names it too."""
    sql, params = candidates._statement("default", candidates.ON_DUTY, language=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            numbered = iter(range(1, len(params) + 1))
            cursor.execute("PREPARE router_walk AS " + re.sub("%s", lambda _m: f"${next(numbered)}", sql))
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cursor.execute("SET LOCAL enable_seqscan = off")  # the test world's tables are a few rows
            values = [phone_world.center.pk if v == candidates._CENTER else v for v in params]
            arguments = ", ".join(_literal(value) for value in values)
            cursor.execute(f"EXPLAIN EXECUTE router_walk({arguments})")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("DEALLOCATE router_walk")
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "agent_ready" in plan, plan
