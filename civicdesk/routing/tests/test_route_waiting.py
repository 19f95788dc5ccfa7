"""No agent free: the caller's position, the expected wait, and a callback offer when the wait is long."""

from datetime import timedelta

from civicdesk.routing import services


def _on_call(phone_world, code, at, call_id="x"):
    services.agent_phone_event(
        actor=phone_world.token, agent=phone_world.agents[code], state="on_call", at=at, call_id=call_id
    )


def test_caller_hears_their_position_and_expected_wait(phone_world, route, t0):
    _on_call(phone_world, "1001", t0)
    _on_call(phone_world, "1002", t0)
    decision = route("building", t0 + timedelta(seconds=30), waiting_ahead=3, handle_s=120)
    # 4th in the queue, 120 s a call, 2 agents on the phones: 4 × 120 ÷ 2 = 240 s.
    assert (decision.agent, decision.position, decision.expected_wait_s) == (None, 4, 240)
    assert decision.offer_callback is False
    assert decision.reasons == [
        "No agent free (2 on the phones with skill building, language nb); position 4, expected wait 240 s "
        "at 120 s a call."
    ]


def test_a_callback_is_offered_when_the_expected_wait_reaches_the_queues_threshold(phone_world, route, t0):
    _on_call(phone_world, "1001", t0)
    _on_call(phone_world, "1002", t0)
    decision = route("building", t0 + timedelta(seconds=30), waiting_ahead=4, handle_s=120)
    assert (decision.position, decision.expected_wait_s, decision.offer_callback) == (5, 300, True)
    assert decision.reasons[-1] == "Offer a callback."


def test_the_expected_wait_uses_the_recent_handling_time_of_the_queues_agents(phone_world, route, t0):
    # 1001: 200 s on a call, 60 s wrap-up; 1002: 120 s on a call, 60 s wrap-up; both on a new call now.
    steps = [
        ("1001", "on_call", 0),
        ("1002", "on_call", 10),
        ("1002", "wrap_up", 130),
        ("1001", "wrap_up", 200),
        ("1002", "on_call", 300),
        ("1001", "on_call", 400),
    ]
    for code, state, seconds in steps:
        services.agent_phone_event(
            actor=phone_world.token, agent=phone_world.agents[code], state=state, at=t0 + timedelta(seconds=seconds)
        )
    decision = route("building", t0 + timedelta(seconds=500))
    # (200 + 60 + 120 + 60) s over 2 calls = 220 s a call; 1st in the queue, 2 agents: 220 ÷ 2 = 110 s.
    assert (decision.position, decision.expected_wait_s) == (1, 110)
    assert decision.reasons[-1].endswith("expected wait 110 s at 220 s a call.")


def test_without_recent_calls_three_minutes_a_call_is_assumed(phone_world, route, t0):
    _on_call(phone_world, "1001", t0)
    _on_call(phone_world, "1002", t0)
    assert route("building", t0 + timedelta(seconds=30)).expected_wait_s == 90


def test_nobody_on_the_phones_for_the_queue_means_no_estimate_and_a_callback_offer(phone_world, route, t0):
    decision = route("schools", t0, waiting_ahead=2)
    assert (decision.agent, decision.position, decision.expected_wait_s, decision.offer_callback) == (
        None,
        3,
        None,
        True,
    )
    assert decision.reasons == [
        "No agent on the phones with skill schools, language nb; position 3.",
        "Offer a callback.",
    ]


def test_an_agent_found_means_no_wait(phone_world, make_available, route, t0):
    make_available("1001", t0)
    decision = route("building", t0 + timedelta(seconds=5), waiting_ahead=2)
    assert (decision.position, decision.expected_wait_s, decision.offer_callback) == (None, 0, False)


def test_a_queue_that_answers_in_any_language_counts_every_agent_on_its_phones(phone_world, supervisor, route, t0):
    services.queue_update(actor=supervisor, queue=phone_world.queues["switchboard"], languages=[])
    _on_call(phone_world, "1001", t0)
    _on_call(phone_world, "1003", t0)
    decision = route("switchboard", t0 + timedelta(seconds=30), language="")
    # 2 agents with the switchboard skill on the phones, 180 s a call: 1 × 180 ÷ 2 = 90 s.
    assert (decision.position, decision.expected_wait_s) == (1, 90)
    assert decision.reasons == [
        "No agent free (2 on the phones with skill switchboard); position 1, expected wait 90 s at 180 s a call."
    ]
