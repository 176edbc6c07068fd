"""Production: same code, hardened transport. DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")

from sawt.settings.base import *
from sawt.settings.deployment import *
