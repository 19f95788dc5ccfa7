"""Setting up a centre's routing: its skills, its queues, and its agents with their skills and languages."""

from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Actor
from civicdesk.organisations.models import Municipality, Role, RoleAssignment, ServiceCenter, Topic, User
from civicdesk.routing.models import Agent, AgentLanguage, AgentSkill, Queue, QueueChannel, Skill

__all__ = ["agent_enrol", "queue_create", "skill_create"]


@transaction.atomic
def skill_create(*, actor: Actor, center: ServiceCenter, key: str, name: str) -> Skill:
    """A skill the centre's queues can need; its key is unique in the centre."""
    access.require_add_center_kind(actor, Skill, center)
    skill = Skill(center=center, key=key.strip(), name=name.strip())
    clean(skill)
    skill.save()
    audit.record(actor=actor, action="skill.create", obj=skill)
    return skill


@transaction.atomic
def queue_create(
    *,
    actor: Actor,
    center: ServiceCenter,
    key: str,
    name: str,
    skill: Skill,
    municipality: Municipality | None = None,
    channel: str = QueueChannel.PHONE,
    languages: list[str] = (),
    topics: list[Topic] = (),
    service_level_s: int = 120,
    short_abandon_s: int = 5,
    alert_wait_s: int = 180,
    alert_length: int = 8,
    callback_offer_s: int = 300,
) -> Queue:
    """A queue of the centre (or of one municipality it serves) that needs ``skill`` of the centre's own.
    ``languages`` are those it answers in, the first the one a caller of another language is routed in."""
    if municipality is not None and municipality.pk not in access.current_member_ids([center.pk]):
        raise Invalid(_("%(m)s is not served by %(c)s.") % {"m": municipality, "c": center}, field="municipality")
    access.require_add_scoped(actor, Queue, center=center if municipality is None else None, municipality=municipality)
    if skill.center_id != center.pk:
        raise Invalid(_("Choose a skill of this centre."), field="skill")
    queue = Queue(
        center=center,
        municipality=municipality,
        key=key.strip(),
        name=name.strip(),
        skill=skill,
        channel=channel,
        languages=list(dict.fromkeys(languages)),  # in order of preference: the first is the fallback
        service_level_s=service_level_s,
        short_abandon_s=short_abandon_s,
        alert_wait_s=alert_wait_s,
        alert_length=alert_length,
        callback_offer_s=callback_offer_s,
    )
    clean(queue)
    queue.save()
    if topics:
        queue.topics.set(topics)
    audit.record(actor=actor, action="queue.create", obj=queue)
    return queue


@transaction.atomic
def agent_enrol(
    *,
    actor: Actor,
    user: User,
    center: ServiceCenter,
    code: str,
    languages: list[str],
    skills: dict[Skill, int] | None = None,
    is_reinforcement: bool = False,
    wrap_up_s: int = 60,
) -> Agent:
    """Put an agent of the centre in its router: the code the phone system knows them by, the languages
    they take calls in and their skills with levels 1–5. They start offline."""
    access.require_add_center_kind(actor, Agent, center)
    if not RoleAssignment.objects.filter(user=user, role__in=[Role.AGENT, Role.SUPERVISOR], center=center).exists():
        raise Invalid(_("%(user)s does not work at %(c)s.") % {"user": user, "c": center}, field="user")
    if not languages:
        raise Invalid(_("Choose at least one language."), field="languages")
    agent = Agent(center=center, user=user, code=code.strip(), is_reinforcement=is_reinforcement, wrap_up_s=wrap_up_s)
    clean(agent)
    agent.save()
    AgentLanguage.objects.bulk_create([AgentLanguage(agent=agent, language=lang) for lang in sorted(set(languages))])
    for skill, level in (skills or {}).items():
        if skill.center_id != center.pk:
            raise Invalid(_("Choose a skill of this centre."), field="skills")
        row = AgentSkill(agent=agent, skill=skill, level=level)
        clean(row, exclude=["agent", "skill"])
        row.save()
    audit.record(actor=actor, action="agent.enrol", obj=agent)
    return agent
