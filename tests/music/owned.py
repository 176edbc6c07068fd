"""Music's URL keywords for the generated outsider test.

`platform` names a service, not an object: an outsider asking /adapter/spotify/status gets their own
status, never the owner's, so those URLs are listed as non-object URLs here and their outsider
behaviour is asserted in tests/music/test_outsider.py.
"""

from pathlib import Path
from typing import Any

from tests.ownership import NOT_OBJECT_URLS, owned

NOT_OBJECT_URLS.update({"adapter-login", "adapter-callback", "adapter-status", "adapter-disconnect", "adapter-sync"})


@owned("turn_id")
def _turn(owner: Any) -> int:
    """A voice turn with its spoken reply on disk."""
    from django.conf import settings

    from tests.music.factories import TurnFactory

    relative = f"music/replies/{owner.pk}/owned-reply.wav"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF0000WAVE")
    return int(TurnFactory(owner=owner, audio_path=relative).pk)


@owned("association_id")
def _social_login(owner: Any) -> int:
    """A link to a Spotify login, as social-auth's `disconnect_individual` URL names it."""
    import uuid

    from social_django.models import UserSocialAuth

    return int(UserSocialAuth.objects.create(user=owner, provider="spotify", uid=uuid.uuid4().hex).pk)
