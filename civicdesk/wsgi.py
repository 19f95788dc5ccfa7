"""WSGI entry point: gunicorn serves every HTTP request in production (``civicdesk.wsgi:application``)."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ImproperlyConfigured as error:
    sys.exit(f"civicdesk: {error}")
