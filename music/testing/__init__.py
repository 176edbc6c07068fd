"""Local fakes of the Spotify (accounts service + Web API) and SoundCloud (OAuth 2.1 + API) wire formats.

Used by the tests and by `manage.py bench music`; each is a `FakeServer` on 127.0.0.1 holding a small
catalogue, per-user libraries, devices and player state, with knobs for the failures users meet:
expired tokens (401), non-Premium (403 PREMIUM_REQUIRED), no device (404 NO_ACTIVE_DEVICE), 429.
"""

from music.testing.soundcloud import FakeSoundCloud
from music.testing.spotify import FakeSpotify

__all__ = ["FakeSoundCloud", "FakeSpotify"]
