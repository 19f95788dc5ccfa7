"""manage.py import_queue_log: an Asterisk queue_log of a morning at Nordhordland's centre (data/queue_log, 283
lines) becomes its calls and queue visits; malformed lines are reported with their numbers and left out; a
second import changes nothing."""

import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from civicdesk.telephony.adapters.asterisk import AgentNames, LineProblem, QueueLogReader
from civicdesk.telephony.models import Call, CallEvent, QueueVisit

LOG = Path(__file__).parent / "data" / "queue_log"

# Hand-counted from the file (see the scenario in the counts below):
# 72 calls: 46 answered, 2 answered after a DID line (Gulen's number), 8 abandoned + 2 abandoned within 4 s,
# 3 timeouts, 2 timeouts that overflow to the switchboard and are answered there, 2 exits for no agents, 3
# exits by key, 2 blind transfers to a dialplan extension that puts the caller in the social queue (answered
# there), 2 attended transfers out. Call 11 is call 10's caller again 1–4 minutes later.
# Lines: 7 malformed; 46 without bearing (QUEUESTART, CONFIGRELOAD, 2 DID, 34 RINGNOANSWER, 8 RINGCANCELED);
# 230 events: 209 of calls (76 ENTERQUEUE, 56 CONNECT, 53 COMPLETE* of which one line twice, 10 ABANDON, 5
# EXITWITHTIMEOUT, 2 EXITEMPTY, 3 EXITWITHKEY, 2 BLINDTRANSFER, 2 ATTENDEDTRANSFER) and 21 of agents (8 ADDMEMBER,
# 2 REMOVEMEMBER, 2 PAUSE, 1 PAUSEALL, 2 UNPAUSE, 5 UNPAUSEALL, 1 AGENTLOGOFF).
PROBLEM_LINES = [21, 61, 101, 141, 181, 221, 261]


def run(*options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_queue_log", str(LOG), "--center", "nordhordland", *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def outcomes():
    counted: dict[str, int] = {}
    for outcome in QueueVisit.objects.values_list("outcome", flat=True):
        counted[outcome] = counted.get(outcome, 0) + 1
    return counted


def test_the_log_becomes_the_mornings_calls_and_visits(phone_world):
    out, _err = run()
    assert out.strip() == (
        "283 lines: 230 events (229 new, 1 already known), 46 lines without bearing on calls, 7 lines left out; "
        "72 calls rebuilt."
    )
    assert Call.objects.count() == 72 and QueueVisit.objects.count() == 76
    assert outcomes() == {"answered": 56, "abandoned": 10, "timeout": 5, "no_agents": 2, "exit_key": 3}
    assert QueueVisit.objects.filter(outcome="abandoned", wait_s__lt=5).count() == 2
    assert QueueVisit.objects.filter(transferred=True).count() == 4
    assert sum(Call.objects.values_list("transfers", flat=True)) == 4
    assert Call.objects.filter(status="ended").count() == 72
    assert Call.objects.filter(is_repeat=True).count() == 1
    assert list(Call.objects.exclude(municipality=None).values_list("municipality__slug", flat=True)) == ["gulen"] * 2
    assert CallEvent.objects.filter(type="agent.state").count() == 21


def test_the_agents_are_found_by_interface_and_by_name(phone_world):
    run()
    answered_by = {}
    for code in QueueVisit.objects.filter(outcome="answered").values_list("agent__code", flat=True):
        answered_by[code] = answered_by.get(code, 0) + 1
    assert set(answered_by) <= {"1001", "1002", "1003", "1004"}
    assert answered_by["1003"] > 0  # logged by its member name, Sigrid Hope
    assert sum(answered_by.values()) == 56


def test_a_blind_transfer_into_another_queue_is_two_visits(phone_world):
    run()
    moved = [c for c in Call.objects.filter(transfers=1) if c.visits.count() == 2]
    assert len(moved) == 2
    for call in moved:
        first, second = call.visits.order_by("seq").select_related("queue")
        assert (first.queue.key, first.outcome, first.transferred) == ("switchboard", "answered", True)
        assert (second.queue.key, second.outcome, second.wait_s, second.talk_s) == ("social", "answered", 20.0, 310.0)


def test_malformed_lines_are_reported_with_their_numbers_and_the_rest_goes_in(phone_world):
    _, err = run()
    reported = err.strip().splitlines()
    assert [int(line.split(":")[0].removeprefix("line ")) for line in reported] == PROBLEM_LINES
    assert reported == [
        "line 21: expected time|callid|queuename|agent|event|…, found 1 field(s)",
        "line 61: unreadable time yesterday",
        "line 101: unknown queue parking",
        "line 141: unknown agent PJSIP/1999",
        "line 181: no event name",
        "line 221: CONNECT names no call (callid NONE)",
        "line 261: ENTERQUEUE names no queue",
    ]


def test_a_second_import_changes_nothing(phone_world):
    run()
    calls = list(
        Call.objects.order_by("call_id").values_list("call_id", "status", "answered_at", "ended_at", "transfers")
    )
    visits = list(
        QueueVisit.objects.order_by("call__call_id", "seq").values_list("call__call_id", "seq", "outcome", "wait_s")
    )
    out, _ = run()
    assert out.strip() == (
        "283 lines: 230 events (0 new, 230 already known), 46 lines without bearing on calls, 7 lines left out; "
        "0 calls rebuilt."
    )
    assert calls == list(
        Call.objects.order_by("call_id").values_list("call_id", "status", "answered_at", "ended_at", "transfers")
    )
    assert visits == list(
        QueueVisit.objects.order_by("call__call_id", "seq").values_list("call__call_id", "seq", "outcome", "wait_s")
    )


def test_a_dry_run_keeps_nothing(phone_world):
    out, _ = run("--dry-run")
    assert "229 new" in out and out.strip().endswith("Dry run: nothing was kept.")
    assert not CallEvent.objects.exists() and not Call.objects.exists()


def test_an_unknown_centre_or_file_stops_the_import(phone_world, tmp_path):
    with pytest.raises(CommandError, match="No centre called atlantis"):
        call_command("import_queue_log", str(LOG), "--center", "atlantis")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_queue_log", str(tmp_path / "missing"), "--center", "nordhordland")


def test_times_written_as_dates_are_read_in_the_time_zone_given():
    reader = QueueLogReader(queues={"q"}, agents=AgentNames(["1001"], {}), time_zone=ZoneInfo("Europe/Oslo"))
    ((_, event),) = reader.read(["2026-03-02 08:15:00.5|171.1|q|NONE|ENTERQUEUE||anonymous|1"])
    assert event.at.isoformat() == "2026-03-02T08:15:00.500000+01:00"
    assert (event.type, event.call_id, event.queue, event.caller_number) == ("call.offered", "171.1", "q", "")


def test_agent_interfaces_name_the_agent_by_its_extension():
    names = AgentNames(["1001", "1002"], {"Ola Haugland": "1001"})
    found = [names.code_for(m) for m in ("PJSIP/1001", "SIP/1002-0000a1f2", "Local/1002@agents/n", "ola haugland")]
    assert found == ["1001", "1002", "1002", "1001"]
    assert names.code_for("PJSIP/1999") is None


def test_a_line_the_reader_cannot_use_is_a_problem_not_an_error():
    reader = QueueLogReader(queues={"q"}, agents=AgentNames([], {}), time_zone=ZoneInfo("UTC"))
    read = list(reader.read(["1|2|q|PJSIP/7|CONNECT|1", "", "5|NONE|NONE|NONE|QUEUESTART|"]))
    assert read == [(1, LineProblem(1, "unknown agent PJSIP/7")), (2, None), (3, None)]
