"""Setting up a centre's routing: its skills, its queues, and its agents with their skills and languages."""

from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid, clean
from civicdesk.organisations import access, audit
from civicdesk.organisations.access import Action, Actor
from civicdesk.organisations.models import Municipality, Role, RoleAssignment, ServiceCenter, Topic, User
from civicdesk.routing.models import Agent, AgentLanguage, AgentSkill, Queue, QueueChannel, Skill

__all__ = ["agent_enrol", "agent_update", "queue_create", "queue_update", "skill_create", "skill_update"]


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


@transaction.atomic
def skill_update(*, actor: Actor, skill: Skill, name: str) -> Skill:
    """A supervisor renames a skill (its key, which queues and agents are linked by, stays)."""
    access.require(actor, Action.CHANGE, skill)
    skill.name = name.strip()
    clean(skill)
    skill.save(update_fields=["name"])
    audit.record(actor=actor, action="skill.update", obj=skill)
    return skill


_UNSET = object()


@transaction.atomic
def queue_update(
    *,
    actor: Actor,
    queue: Queue,
    key: str | None = None,
    name: str | None = None,
    skill: Skill | None = None,
    municipality: Municipality | object | None = _UNSET,
    channel: str | None = None,
    languages: list[str] | None = None,
    topics: list[Topic] | None = None,
    service_level_s: int | None = None,
    short_abandon_s: int | None = None,
    alert_wait_s: int | None = None,
    alert_length: int | None = None,
    callback_offer_s: int | None = None,
    is_active: bool | None = None,
) -> Queue:
    """Change a queue: what is given changes, the rest stays. Who may change it is decided as for creating it, for
    the queue as it was and as it becomes (moving a shared queue to one municipality needs both)."""
    access.require(actor, Action.CHANGE, queue)
    if municipality is not _UNSET and municipality != queue.municipality:
        if municipality is not None and municipality.pk not in access.current_member_ids([queue.center_id]):
            raise Invalid(
                _("%(m)s is not served by %(c)s.") % {"m": municipality, "c": queue.center}, field="municipality"
            )
        access.require_add_scoped(
            actor, Queue, center=queue.center if municipality is None else None, municipality=municipality
        )
        queue.municipality = municipality
    if skill is not None and skill.center_id != queue.center_id:
        raise Invalid(_("Choose a skill of this centre."), field="skill")
    changes = {
        "key": key.strip() if key is not None else None,
        "name": name.strip() if name is not None else None,
        "skill": skill,
        "channel": channel,
        "languages": list(dict.fromkeys(languages)) if languages is not None else None,
        "service_level_s": service_level_s,
        "short_abandon_s": short_abandon_s,
        "alert_wait_s": alert_wait_s,
        "alert_length": alert_length,
        "callback_offer_s": callback_offer_s,
        "is_active": is_active,
    }
    for field_name, value in changes.items():
        if value is not None:
            setattr(queue, field_name, value)
    clean(queue)
    queue.save()
    if topics is not None:
        queue.topics.set(topics)
    changed = sorted(name for name, value in changes.items() if value is not None)
    audit.record(actor=actor, action="queue.update", obj=queue, details={"fields": changed})
    return queue


@transaction.atomic
def agent_update(
    *,
    actor: Actor,
    agent: Agent,
    code: str | None = None,
    languages: list[str] | None = None,
    skills: dict[Skill, int] | None = None,
    is_reinforcement: bool | None = None,
    wrap_up_s: int | None = None,
) -> Agent:
    """A supervisor changes an agent's code, languages, skills with levels (the given set replaces the agent's),
    reinforcement flag or wrap-up time; what is not given stays."""
    access.require(actor, Action.CHANGE, agent)
    if code is not None:
        agent.code = code.strip()
    if is_reinforcement is not None:
        agent.is_reinforcement = is_reinforcement
    if wrap_up_s is not None:
        agent.wrap_up_s = wrap_up_s
    clean(agent)
    agent.save(update_fields=["code", "is_reinforcement", "wrap_up_s", "updated_at"])
    if languages is not None:
        if not languages:
            raise Invalid(_("Choose at least one language."), field="languages")
        wanted = list(dict.fromkeys(languages))
        for language in wanted:
            clean(AgentLanguage(agent=agent, language=language), exclude=["agent"])
        AgentLanguage.objects.filter(agent=agent).exclude(language__in=wanted).delete()
        have = set(AgentLanguage.objects.filter(agent=agent).values_list("language", flat=True))
        AgentLanguage.objects.bulk_create([AgentLanguage(agent=agent, language=x) for x in wanted if x not in have])
    if skills is not None:
        if any(skill.center_id != agent.center_id for skill in skills):
            raise Invalid(_("Choose a skill of this centre."), field="skills")
        AgentSkill.objects.filter(agent=agent).exclude(skill__in=list(skills)).delete()
        rows = {row.skill_id: row for row in AgentSkill.objects.filter(agent=agent)}
        for skill, level in skills.items():
            row = rows.get(skill.pk) or AgentSkill(agent=agent, skill=skill)
            row.level = level
            clean(row, exclude=["agent", "skill"])
            row.save()
    audit.record(actor=actor, action="agent.update", obj=agent)
    return agent
