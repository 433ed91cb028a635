import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# A production server refuses to start on an insecure configuration (see smartstadt/core/checks.py).
from smartstadt.core.startup import refuse_insecure_configuration  # noqa: E402

refuse_insecure_configuration()
