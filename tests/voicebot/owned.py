import datetime as dt

from tests.ownership import id_input, owned
from tests.voicebot.factories import CallFactory, ReservationFactory, business_for


@owned("business_id")
def _business(owner):  # type: ignore[no-untyped-def]
    return business_for(owner).pk


@owned("reservation_id")
def _reservation(owner):  # type: ignore[no-untyped-def]
    return ReservationFactory(business=business_for(owner)).pk


@owned("call_id")
def _call(owner):  # type: ignore[no-untyped-def]
    """A call whose recording was kept (so that its owner is served /recording)."""
    from django.core.files.base import ContentFile

    call = CallFactory(business=business_for(owner))
    call.recording.save(f"call-{call.pk}.wav", ContentFile(b"RIFF0000WAVE"))
    return call.pk


# Business ids in bodies and query strings.
@id_input("POST", "/api/v1/voicebot/reservations/create/", "business")
def _reservation_at(user):  # type: ignore[no-untyped-def]
    business = business_for(user)
    day = (business.now() + dt.timedelta(days=2)).date().isoformat()
    return {}, {"business": business.pk, "date": day, "time": "19:00", "party_size": 2, "name": "Asha"}


@id_input("GET", "/api/v1/voicebot/reservations/", "business", where="query")
def _reservations_of(user):  # type: ignore[no-untyped-def]
    return {}, {"business": ReservationFactory(business=business_for(user)).business_id}


@id_input("GET", "/api/v1/voicebot/calls/", "business", where="query")
def _calls_of(user):  # type: ignore[no-untyped-def]
    return {}, {"business": CallFactory(business=business_for(user)).business_id}
