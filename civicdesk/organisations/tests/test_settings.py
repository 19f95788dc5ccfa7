"""Settings from the environment: safe production defaults, one-line errors, embedded defaults for the demo."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({k: str(getattr(settings, k)) for k in ['DEBUG', 'SESSION_COOKIE_SECURE', "
    "'CSRF_COOKIE_SECURE', 'SECRET_KEY', 'CHANNEL_LAYERS', 'CACHES', 'TASKS', 'LOG_FORMAT']} | "
    "{'DB': settings.DATABASES['default']['ENGINE'], 'DB_OPTIONS': str(settings.DATABASES['default'].get('OPTIONS'))}))"
)


def run(args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CIVICDESK_", "DATABASE_URL", "REDIS_URL", "SECRET_KEY"))
    }
    base["DJANGO_SETTINGS_MODULE"] = "civicdesk.settings"
    return subprocess.run(args, cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=60)


def settings_with(**env):
    result = run([sys.executable, "-c", PRINT_SETTINGS], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_missing_secret_key_outside_demo_is_a_one_line_error():
    result = run([sys.executable, "manage.py", "check"])
    assert result.returncode != 0
    assert result.stderr.strip() == "civicdesk: SECRET_KEY must be set in the environment (or SECRET_KEY_FILE)."


def test_production_defaults_are_safe(tmp_path):
    values = settings_with(SECRET_KEY="x" * 50, CIVICDESK_VAR_DIR=str(tmp_path))
    assert values["DEBUG"] == "False"
    assert values["SESSION_COOKIE_SECURE"] == "True" and values["CSRF_COOKIE_SECURE"] == "True"
    assert values["LOG_FORMAT"] == "json"


def test_demo_uses_embedded_sqlite_in_wal_mode_in_memory_channels_and_the_database_task_backend(tmp_path):
    values = settings_with(CIVICDESK_DEMO="true", CIVICDESK_VAR_DIR=str(tmp_path))
    assert values["DB"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in values["DB_OPTIONS"]
    assert "InMemoryChannelLayer" in values["CHANNEL_LAYERS"]
    assert "django_tasks_db.DatabaseBackend" in values["TASKS"]
    assert values["SESSION_COOKIE_SECURE"] == "False"


def test_postgres_and_redis_come_from_the_environment(tmp_path):
    values = settings_with(
        CIVICDESK_DEMO="true", DATABASE_URL="postgres://u@db.example:5432/civicdesk", REDIS_URL="redis://cache:6379/0"
    )
    assert values["DB"] == "django.db.backends.postgresql"
    assert "RedisChannelLayer" in values["CHANNEL_LAYERS"] and "RedisCache" in values["CACHES"]


def test_a_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file-" + "y" * 40 + "\n")
    values = settings_with(SECRET_KEY_FILE=str(secret_file))
    assert values["SECRET_KEY"] == "from-a-file-" + "y" * 40


def test_booleans_accept_only_true_or_false():
    result = run([sys.executable, "manage.py", "check"], CIVICDESK_DEMO="yes")
    assert result.returncode != 0
    assert result.stderr.strip() == "civicdesk: CIVICDESK_DEMO must be true or false, not 'yes'."
