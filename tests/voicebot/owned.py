from tests.ownership import owned
from tests.voicebot.factories import CallFactory, ReservationFactory, business_for


@owned("business_id")
def _business(owner):  # type: ignore[no-untyped-def]
    return business_for(owner).pk


@owned("reservation_id")
def _reservation(owner):  # type: ignore[no-untyped-def]
    return ReservationFactory(business=business_for(owner)).pk


@owned("call_id")
def _call(owner):  # type: ignore[no-untyped-def]
    return CallFactory(business=business_for(owner)).pk
