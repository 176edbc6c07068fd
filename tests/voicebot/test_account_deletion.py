"""Deleting an account takes the voice-bot businesses only it owned, and hands the others on."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from sawt.accounts.services import account_delete
from tests.factories import UserFactory
from tests.voicebot.factories import CallerFactory, CallFactory, MembershipFactory, ReservationFactory, business_for
from voicebot.models import Business, Call, Caller, Membership, Reservation

pytestmark = pytest.mark.django_db


def _business_with_history(owner):  # type: ignore[no-untyped-def]
    business = business_for(owner)
    caller = CallerFactory(business=business)
    call = CallFactory(business=business, caller=caller, recording_consented=True)
    call.recording.save("call.wav", ContentFile(b"RIFF-call-audio"))
    ReservationFactory(business=business, caller=caller, source_call=call)
    return business, call.recording.name


def test_it_deletes_a_business_whose_only_owner_deletes_their_account(django_capture_on_commit_callbacks):
    owner = UserFactory()
    staff = UserFactory()
    business, recording = _business_with_history(owner)
    MembershipFactory(business=business, user=staff, role=Membership.Role.STAFF)
    assert default_storage.exists(recording)

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=owner)

    assert not Business.objects.filter(pk=business.pk).exists()
    assert not Call.objects.filter(business_id=business.pk).exists()
    assert not Reservation.objects.filter(business_id=business.pk).exists()
    assert not Caller.objects.filter(business_id=business.pk).exists()
    assert not default_storage.exists(recording)
    assert UserFactory._meta.model.objects.filter(pk=staff.pk).exists()


def test_it_hands_a_business_with_another_owner_to_that_owner(django_capture_on_commit_callbacks):
    leaving, staying = UserFactory(), UserFactory()
    business, recording = _business_with_history(leaving)
    MembershipFactory(business=business, user=staying, role=Membership.Role.OWNER)

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=leaving)

    assert list(business.members.values_list("user_id", "role")) == [(staying.pk, Membership.Role.OWNER)]
    assert Reservation.objects.filter(business=business).count() == 1
    assert Call.objects.get(business=business).recording.name == recording
    assert default_storage.exists(recording)


def test_a_staff_member_leaving_takes_nothing_from_the_business(django_capture_on_commit_callbacks):
    owner, staff = UserFactory(), UserFactory()
    business, recording = _business_with_history(owner)
    MembershipFactory(business=business, user=staff, role=Membership.Role.STAFF)

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=staff)

    assert list(business.members.values_list("user_id", flat=True)) == [owner.pk]
    assert Reservation.objects.filter(business=business).count() == 1
    assert default_storage.exists(recording)
