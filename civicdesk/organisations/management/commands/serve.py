"""manage.py serve: the demo's one process for pages, API and websockets (uvicorn ASGI), with the task
worker and the periodic-work scheduler beside it. Production runs gunicorn (WSGI) for HTTP and uvicorn
only for /ws/ instead (README)."""

import os
import subprocess
import sys

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve civicdesk from one ASGI process and run the background task worker next to it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")
        parser.add_argument(
            "--no-simulator", action="store_true", help="Do not start what runs beside the demo (phone simulator)."
        )

    def handle(self, *args, host, port, no_worker, no_simulator, **options):
        import uvicorn

        helpers = []
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        if not no_worker:
            helpers.append(subprocess.Popen([*manage, "db_worker"]))  # noqa: S603
            helpers.append(subprocess.Popen([*manage, "case_schedule"]))  # noqa: S603 - periodic work
        if not no_simulator:
            # Higher packages start what runs beside the demo server (the simulated phone system) through an
            # AppConfig hook, ``serve_helpers(url) -> [manage.py arguments, …]``.
            url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"  # noqa: S104 - a check, not a bind
            for app_config in apps.get_app_configs():
                for arguments in getattr(app_config, "serve_helpers", lambda url: [])(url):
                    helpers.append(subprocess.Popen([*manage, *arguments]))  # noqa: S603
        self.stdout.write(f"civicdesk is at http://{host}:{port}/ (API docs: http://{host}:{port}/api/docs)")
        try:
            uvicorn.run("civicdesk.asgi:application", host=host, port=port, log_level="warning", lifespan="off")
        finally:
            for helper in helpers:
                helper.terminate()
                helper.wait(timeout=10)
