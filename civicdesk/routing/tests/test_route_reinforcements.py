"""When a queue's longest wait or length passes its threshold, the router widens to the centre's
reinforcement pool and alerts the supervisors once; the alert is cleared when the queue is back under."""

from datetime import timedelta

from civicdesk.organisations.models import Notification
from civicdesk.routing.models import QueueAlert
from civicdesk.routing.signals import queue_alert_changed


def _alerts(queue):
    return [(a.kind, a.value, a.cleared_at is None) for a in QueueAlert.objects.filter(queue=queue).order_by("pk")]


def test_under_the_thresholds_reinforcements_are_left_to_their_other_work(phone_world, make_available, route, t0):
    make_available("1004", t0)  # schools, reinforcement, on other work in the rota
    decision = route("schools", t0 + timedelta(seconds=30), longest_wait_s=179, waiting_ahead=7)
    assert (decision.agent, decision.widened) == (None, False)
    assert _alerts(phone_world.queues["schools"]) == []


def test_a_long_wait_widens_to_the_reinforcement_pool_and_alerts_the_supervisors_once(
    phone_world, supervisor, make_available, route, t0
):
    make_available("1004", t0)
    make_available("1000", t0 + timedelta(seconds=20))  # the supervisor is a reinforcement too
    first = route("schools", t0 + timedelta(seconds=30), call_id="c1", longest_wait_s=180)
    assert (first.agent.code, first.widened) == ("1004", True)
    assert first.reasons == [
        "Longest wait 180 s ≥ 180 s: reinforcements widened in.",
        "Supervisors alerted.",
        "2 agents eligible (skill schools, language nb); chose 1004: reinforcement off phone duty; idle 30 s, level 3.",
    ]
    second = route("schools", t0 + timedelta(seconds=40), call_id="c2", longest_wait_s=200)
    assert second.agent.code == "1000"
    assert "Supervisors alerted." not in second.reasons
    assert _alerts(phone_world.queues["schools"]) == [("longest_wait", 180, True)]
    texts = list(Notification.objects.filter(user=supervisor).values_list("text", flat=True))
    assert texts == [
        "Skule og barnehage: a caller has waited 180 s (threshold 180 s). Reinforcements are offered calls."
    ]


def test_a_long_queue_widens_to_the_reinforcement_pool(phone_world, make_available, route, t0):
    make_available("1004", t0)
    decision = route("schools", t0 + timedelta(seconds=30), waiting_ahead=8)
    assert decision.agent.code == "1004"
    assert decision.reasons[0] == "8 calls waiting ≥ 8: reinforcements widened in."
    assert _alerts(phone_world.queues["schools"]) == [("length", 8, True)]


def test_the_alert_is_cleared_when_the_queue_is_back_under_its_threshold(
    phone_world, make_available, route, t0, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, alert, raised, **kwargs):
        heard.append((alert.kind, raised))

    queue_alert_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            route("schools", t0, call_id="c1", longest_wait_s=300, waiting_ahead=9)
            route("schools", t0 + timedelta(seconds=10), call_id="c2", longest_wait_s=20, waiting_ahead=9)
            route("schools", t0 + timedelta(seconds=20), call_id="c3", longest_wait_s=20, waiting_ahead=1)
    finally:
        queue_alert_changed.disconnect(listener)
    alerts = QueueAlert.objects.filter(queue=phone_world.queues["schools"]).order_by("kind")
    assert [(a.kind, a.raised_at, a.cleared_at) for a in alerts] == [
        ("length", t0, t0 + timedelta(seconds=20)),
        ("longest_wait", t0, t0 + timedelta(seconds=10)),
    ]
    assert heard == [("length", True), ("longest_wait", True), ("longest_wait", False), ("length", False)]


def test_a_new_alert_is_raised_when_the_queue_passes_its_threshold_again(phone_world, supervisor, route, t0):
    route("schools", t0, call_id="c1", longest_wait_s=200)
    route("schools", t0 + timedelta(seconds=10), call_id="c2", longest_wait_s=0)
    route("schools", t0 + timedelta(seconds=20), call_id="c3", longest_wait_s=190)
    assert _alerts(phone_world.queues["schools"]) == [("longest_wait", 200, False), ("longest_wait", 190, True)]
    assert Notification.objects.filter(user=supervisor).count() == 2


def test_when_widened_agents_on_phone_duty_still_come_before_reinforcements(phone_world, make_available, route, t0):
    make_available("1004", t0)  # reinforcement, idle longest
    make_available("1001", t0 + timedelta(seconds=60))  # on phone duty
    decision = route("building", t0 + timedelta(seconds=90), longest_wait_s=400)
    assert decision.agent.code == "1001"
    assert decision.eligible == 2  # 1001, and the reinforcement 1004 (the supervisor is offline)
