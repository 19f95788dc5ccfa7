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
        build_demo_world(without=("knowledge",))


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
