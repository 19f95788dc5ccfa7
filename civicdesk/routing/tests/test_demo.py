"""The demo's routing (the tests' shared world leaves it out): queues, agents with their languages, and a
week's rota in rotating turns."""

import datetime as dt

from civicdesk.organisations.access import SYSTEM
from civicdesk.routing import demo, selectors, services
from civicdesk.routing.models import Agent, AgentLanguage, DutyShift, Queue

WEDNESDAY = dt.date(2026, 3, 4)


def test_the_demo_gives_every_centre_queues_agents_and_a_week_of_duty(db, nordhordland):
    demo.build(today=WEDNESDAY)
    assert set(Queue.objects.filter(center__slug="orebro").values_list("key", flat=True)) == {
        "building",
        "social",
        "care",
        "schools",
        "switchboard",
    }
    assert Agent.objects.filter(center__slug="orebro").count() == 51
    assert Agent.objects.filter(center=nordhordland).count() == 5
    assert Agent.objects.filter(center__slug="holbaek").count() == 2
    orebro_languages = set(
        AgentLanguage.objects.filter(agent__center__slug="orebro").values_list("language", flat=True)
    )
    assert len(orebro_languages) >= 17
    assert "swl" in orebro_languages
    assert Agent.objects.filter(center__slug="orebro", is_reinforcement=True).count() == 6
    shifts = DutyShift.objects.filter(center__slug="orebro")
    zone = selectors.center_time_zone(Agent.objects.filter(center__slug="orebro").first().center)
    days = {shift.starts_at.astimezone(zone).date() for shift in shifts}
    assert days == {dt.date(2026, 3, d) for d in range(2, 7)}
    assert {(s.starts_at.astimezone(zone).hour, s.ends_at.astimezone(zone).hour) for s in shifts} == {(8, 16)}
    wednesday = [s for s in shifts if s.starts_at.astimezone(zone).date() == WEDNESDAY]
    assert len(wednesday) == 50  # the supervisor supervises
    assert sum(s.duty == "phone" for s in wednesday) in (33, 34)  # two turns in three on the phones


def test_a_sign_language_call_in_orebro_goes_to_an_agent_on_duty_who_signs(db):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    today = timezone.localdate()
    wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7)  # a Wednesday to come
    demo.build(today=wednesday)
    at = dt.datetime.combine(wednesday, dt.time(10), tzinfo=ZoneInfo("Europe/Stockholm"))
    queue = Queue.objects.select_related("skill").get(center__slug="orebro", key="care")
    for agent in Agent.objects.filter(center=queue.center):
        services.agent_state_set(actor=SYSTEM, agent=agent, state="available", at=at)
    decision = services.route(
        actor=SYSTEM,
        queue=queue,
        language="swl",
        call_id="sign-1",
        waiting_ahead=0,
        longest_wait_s=0,
        at=at + dt.timedelta(minutes=1),
    )
    assert "swl" in {row.language for row in decision.agent.languages.all()}
    assert selectors.is_on_phone_duty(decision.agent, at)
    assert decision.eligible == 2  # three signers, one of them at other work today
