"""What manage.py, sawt/asgi.py, sawt/wsgi.py and sawt/celery.py run when DJANGO_SETTINGS_MODULE is unset.

DEBUG is off unless DJANGO_DEBUG=true. Off, it is production (sawt.settings.production: HTTPS only,
DJANGO_SECRET_KEY required); on (`make run` sets it), development over plain HTTP, with no SSL redirect,
HSTS or secure-only cookies.
"""

from sawt.settings.base import *
from sawt.settings.env import DEBUG

if not DEBUG:
    from sawt.settings.deployment import *
