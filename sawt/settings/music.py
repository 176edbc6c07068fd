"""music: a voice remote for Spotify and SoundCloud (their apps, API addresses, caches, voice commands)."""

from sawt.settings.celery import CELERY_BEAT_SCHEDULE, CELERY_TASK_ROUTES
from sawt.settings.env import env
from sawt.settings.security import AUTHENTICATION_BACKENDS

MUSIC_SPOTIFY_CLIENT_ID = env.str("MUSIC_SPOTIFY_CLIENT_ID", default="")
MUSIC_SPOTIFY_CLIENT_SECRET = env.str("MUSIC_SPOTIFY_CLIENT_SECRET", default="")
MUSIC_SPOTIFY_ACCOUNTS_URL = env.str("MUSIC_SPOTIFY_ACCOUNTS_URL", default="https://accounts.spotify.com")
MUSIC_SPOTIFY_API_URL = env.str("MUSIC_SPOTIFY_API_URL", default="https://api.spotify.com")
MUSIC_SOUNDCLOUD_CLIENT_ID = env.str("MUSIC_SOUNDCLOUD_CLIENT_ID", default="")
MUSIC_SOUNDCLOUD_CLIENT_SECRET = env.str("MUSIC_SOUNDCLOUD_CLIENT_SECRET", default="")
MUSIC_SOUNDCLOUD_AUTH_URL = env.str("MUSIC_SOUNDCLOUD_AUTH_URL", default="https://secure.soundcloud.com")
MUSIC_SOUNDCLOUD_API_URL = env.str("MUSIC_SOUNDCLOUD_API_URL", default="https://api.soundcloud.com")
MUSIC_SOUNDCLOUD_WIDGET_ORIGIN = env.str("MUSIC_SOUNDCLOUD_WIDGET_ORIGIN", default="https://w.soundcloud.com")
# Where album artwork on the player card is loaded from (Spotify's image CDNs), added to the page's CSP img-src.
MUSIC_ARTWORK_ORIGINS = env.list("MUSIC_ARTWORK_ORIGINS", default=["https://i.scdn.co", "https://*.spotifycdn.com"])
MUSIC_HTTP_TIMEOUT = env.float("MUSIC_HTTP_TIMEOUT", default=8.0)
MUSIC_HOT_CACHE_SECONDS = env.int("MUSIC_HOT_CACHE_SECONDS", default=600)
MUSIC_SEARCH_CACHE_DAYS = env.int("MUSIC_SEARCH_CACHE_DAYS", default=7)
MUSIC_SYNC_MAX_INLINE_WAIT = env.int("MUSIC_SYNC_MAX_INLINE_WAIT", default=10)
MUSIC_USE_LLM = env.bool("MUSIC_USE_LLM", default=True)
# Whisper base (multilingual, from its wheels) follows the transliteration prompt; "" = the engine's default model.
MUSIC_ASR_MODEL = env.str("MUSIC_ASR_MODEL", default="multilingual")
# social_django's strategy completes through django.contrib.auth.authenticate(), so the backends must be listed
# here; they are association-only (they never sign anyone in), the pipeline refuses a request that is not
# signed in, and social_django's own routes (which would call login()) are not mounted: the music adapter's
# login-required views are the only way in.
AUTHENTICATION_BACKENDS += ["music.oauth.SpotifyBackend", "music.oauth.SoundCloudBackend"]
SOCIAL_AUTH_SPOTIFY_SCOPE = [
    "user-read-playback-state", "user-modify-playback-state", "user-read-currently-playing",
    "user-library-read", "user-library-modify", "playlist-read-private", "playlist-read-collaborative",
    "playlist-modify-public", "playlist-modify-private",
]
SOCIAL_AUTH_NEW_ASSOCIATION_REDIRECT_URL = "/music/"
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/music/"
SOCIAL_AUTH_LOGIN_ERROR_URL = "/music/"
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    "music.oauth.require_signed_in_user",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
    "music.oauth.store_tokens",
)
CELERY_TASK_ROUTES["music.tasks.*"] = {"queue": "io"}
CELERY_BEAT_SCHEDULE["music-refresh-libraries"] = {"task": "music.tasks.refresh_all_libraries", "schedule": 6 * 3600}
CELERY_BEAT_SCHEDULE["music-expire-cache"] = {"task": "music.tasks.expire_search_cache", "schedule": 3600}
