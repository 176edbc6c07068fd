import datetime as dt

import factory

from sawt.core.crypto import lookup_hash
from tests.factories import UserFactory
from voicebot.models import Business, Call, Caller, Membership, Reservation


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"Dosa Corner {n}")
    phone_number = factory.Sequence(lambda n: f"+9180{n:08d}")
    time_zone = "Asia/Kolkata"
    address = "12 MG Road, Bengaluru"
    seats_per_slot = 20
    max_party_size = 8
    slot_minutes = 30
    lead_minutes = 60
    horizon_days = 30


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OWNER


class CallerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caller

    business = factory.SubFactory(BusinessFactory)
    phone = factory.Sequence(lambda n: f"+9198{n:08d}")
    phone_hash = factory.LazyAttribute(lambda c: lookup_hash(c.phone))


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    business = factory.SubFactory(BusinessFactory)
    provider = Call.Provider.PLIVO


class ReservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reservation

    business = factory.SubFactory(BusinessFactory)
    date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=3))
    time = dt.time(19, 0)
    party_size = 2
    name = "Asha"


def business_for(user, **fields) -> Business:  # type: ignore[no-untyped-def]
    business = BusinessFactory(**fields)
    MembershipFactory(business=business, user=user)
    return business
