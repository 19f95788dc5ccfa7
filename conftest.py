"""The cast every test uses, taken from the demo world: one user per role, two centres (and Holbæk's),
a caseworker in Gulen, an outsider in Örebro, and API tokens scoped to a centre and to a municipality."""

import pytest
from django.conf import settings


def pytest_configure(config):
    # Tests sign in thousands of times; a fast hasher keeps that cheap (the demo's hash is reused anyway).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from civicdesk.organisations.management.commands.demo_data import build_demo_world

    with django_db_blocker.unblock():
        # Knowledge tests put the articles and incidents they search among on the shelf themselves.
        build_demo_world(without=("knowledge", "routing", "telephony"))


def _user(username):
    from civicdesk.organisations.models import User

    return User.objects.get(username=username)


def _municipality(slug):
    from civicdesk.organisations.models import Municipality

    return Municipality.objects.get(slug=slug)


@pytest.fixture
def platform_admin(db):
    return _user("admin")


@pytest.fixture
def supervisor(db):
    return _user("nh.supervisor")


@pytest.fixture
def agent(db):
    return _user("nh.agent")


@pytest.fixture
def caseworker(db):
    """Caseworker in Gulen's building permits team."""
    return _user("gulen.caseworker")


@pytest.fixture
def municipality_admin(db):
    """Admin of Gulen."""
    return _user("gulen.admin")


@pytest.fixture
def citizen(db):
    return _user("gulen.citizen")


@pytest.fixture
def employee(db):
    """A Holbæk employee using the internal portal."""
    return _user("holbaek.employee")


@pytest.fixture
def outsider(db):
    """A caseworker in Örebro: another centre, another country."""
    return _user("orebro.caseworker")


@pytest.fixture
def gulen(db):
    return _municipality("gulen")


@pytest.fixture
def osteroy(db):
    return _municipality("osteroy")


@pytest.fixture
def orebro(db):
    return _municipality("orebro")


@pytest.fixture
def nordhordland(db):
    from civicdesk.organisations.models import ServiceCenter

    return ServiceCenter.objects.get(slug="nordhordland")


@pytest.fixture
def system():
    from civicdesk.organisations.access import SYSTEM

    return SYSTEM


@pytest.fixture
def center_token(nordhordland):
    """A read-only integration token for the Nordhordland centre: (token, secret)."""
    from civicdesk.organisations import services
    from civicdesk.organisations.access import SYSTEM

    return services.api_token_create(actor=SYSTEM, name="telephony", permissions=["read"], center=nordhordland)


@pytest.fixture
def municipality_token(gulen):
    """Gulen's token that may read and keep topics: (token, secret)."""
    from civicdesk.organisations import services
    from civicdesk.organisations.access import SYSTEM

    return services.api_token_create(
        actor=SYSTEM, name="website", permissions=["read", "topics:write"], municipality=gulen
    )


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters and memo generations live in the cache; each test starts with none (Redis in the
    PostgreSQL run), and with no rows memoised in the process."""
    from django.core.cache import cache
    from django.utils import translation

    from civicdesk.directory import search
    from civicdesk.lib import memo

    cache.clear()
    memo.forget_all()
    search.INDEXES.forget()
    translation.deactivate()  # a request earlier in this thread left its user's language active
    yield


@pytest.fixture
def run_tasks(db):
    """Run what is queued for the task worker, as ``manage.py db_worker --batch`` would, but on the test's own
    connection (the worker command closes its connections, which would end the test's transaction)."""

    def run() -> int:
        from django_tasks_db.models import DBTaskResult

        done = 0
        while True:
            ready = list(DBTaskResult.objects.filter(status="READY").order_by("enqueued_at"))
            if not ready:
                return done
            for result in ready:
                DBTaskResult.objects.filter(pk=result.pk).update(status="RUNNING")
                result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
                DBTaskResult.objects.filter(pk=result.pk).update(status="SUCCESSFUL")
                done += 1

    return run


@pytest.fixture
def phone_world(nordhordland, gulen, osteroy, system):
    """Nordhordland's phones: four skills and queues, five agents (1000 the supervisor, 1001–1004) with
    languages and skill levels, phone duty now for 1001–1003 (1004 and the supervisor are reinforcements
    off duty), Gulen's number with its menu (1 building, 2 social, 3 schools, 9 English, 0 switchboard),
    Osterøy's number straight to the switchboard, and a centre token that may send phone events."""
    from datetime import timedelta
    from types import SimpleNamespace

    from django.utils import timezone

    from civicdesk.organisations import services as organisation_services
    from civicdesk.routing import services as routing
    from civicdesk.telephony.models import IVRNode, PhoneNumber

    skills = {
        key: routing.skill_create(actor=system, center=nordhordland, key=key, name=name)
        for key, name in (
            ("building", "Byggesak, oppmåling og plan"),
            ("social", "Helse og sosial"),
            ("schools", "Skule og barnehage"),
            ("switchboard", "Sentralbord"),
        )
    }
    languages = {"building": ["nb", "en"], "social": ["nb", "pl", "en"], "schools": ["nb"], "switchboard": ["nb", "en"]}
    queues = {
        key: routing.queue_create(
            actor=system, center=nordhordland, key=key, name=skill.name, skill=skill, languages=languages[key]
        )
        for key, skill in skills.items()
    }
    people = (
        ("nh.supervisor", "1000", ["nb", "en"], {k: 5 for k in skills}, True),
        ("nh.agent", "1001", ["nb", "en"], {"building": 4, "switchboard": 3}, False),
        ("nh.agent2", "1002", ["nb"], {"building": 2, "social": 4}, False),
        ("nh.agent3", "1003", ["nb", "pl"], {"social": 3, "switchboard": 5}, False),
        ("nh.agent4", "1004", ["nb"], {"building": 3, "schools": 3}, True),
    )
    agents = {}
    for username, code, spoken, levels, reinforcement in people:
        agents[code] = routing.agent_enrol(
            actor=system,
            user=_user(username),
            center=nordhordland,
            code=code,
            languages=spoken,
            skills={skills[k]: level for k, level in levels.items()},
            is_reinforcement=reinforcement,
        )
    now = timezone.now()
    for code in ("1001", "1002", "1003"):
        routing.shift_add(
            actor=system, agent=agents[code], starts_at=now - timedelta(hours=4), ends_at=now + timedelta(hours=4)
        )
    routing.shift_add(
        actor=system,
        agent=agents["1004"],
        duty="other",
        starts_at=now - timedelta(hours=4),
        ends_at=now + timedelta(hours=4),
    )
    # Numbers and menus are plain rows here until their services take them (telephony.services.menus).
    menu = IVRNode.objects.create(
        municipality=gulen,
        label="Gulen kommune",
        announcements={"nb": "Velkommen til Gulen kommune.", "en": "Welcome to Gulen municipality."},
    )
    for digit, label, queue, language in (
        ("1", "Byggesak", "building", ""),
        ("2", "Helse og sosial", "social", ""),
        ("3", "Skule og barnehage", "schools", ""),
        ("9", "English", "switchboard", "en"),
        ("0", "Sentralbord", "switchboard", ""),
    ):
        IVRNode.objects.create(
            municipality=gulen, parent=menu, digit=digit, label=label, queue=queues[queue], sets_language=language
        )
    numbers = {
        "gulen": PhoneNumber.objects.create(municipality=gulen, number="+4757786000", label="Gulen kommune", menu=menu),
        "osteroy": PhoneNumber.objects.create(
            municipality=osteroy, number="+4756192100", label="Osterøy kommune", queue=queues["switchboard"]
        ),
    }
    token, secret = organisation_services.api_token_create(
        actor=system, name="phone system", permissions=["read", "telephony:write", "routing:write"], center=nordhordland
    )
    return SimpleNamespace(
        center=nordhordland,
        skills=skills,
        queues=queues,
        agents=agents,
        menu=menu,
        numbers=numbers,
        token=token,
        secret=secret,
        headers={"HTTP_AUTHORIZATION": f"Bearer {secret}"},
    )
