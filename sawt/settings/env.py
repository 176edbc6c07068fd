"""The one place Sawt reads its environment.

Every operator setting comes from an environment variable (or a `.env` file beside
manage.py), read once by the settings topic that owns it; `.env.example` documents each one.
Tunables no operator sets are constants beside the code that uses them, not settings.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv), overwrite=False)

VAR_DIR = Path(env.str("SAWT_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The embedded Redis (`make run` on a fresh machine) listens here; see sawt/core/embedded_redis.py.
EMBEDDED_REDIS_PORT = env.int("SAWT_EMBEDDED_REDIS_PORT", default=6390)
EMBEDDED_REDIS_URL = f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"

# Every topic may depend on it, so it is read here, before any of them.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
