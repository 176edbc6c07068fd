"""Development: `make run` on a laptop. DEBUG on, console email."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from sawt.settings.base import *
