import pytest

from tests.voicebot.factories import BusinessFactory, ReservationFactory
from voicebot.scripted_calls import run_text_call, scripted_calls

pytestmark = pytest.mark.django_db


def test_it_books_at_least_45_of_the_50_scripted_calls():
    business = BusinessFactory(horizon_days=60, seats_per_slot=20, max_party_size=8)
    failures = []
    for n, script in enumerate(scripted_calls()):
        if script.full_slot is not None:
            day = script.full_slot[0](business.now().date())
            ReservationFactory(business=business, date=day, time=script.full_slot[1], party_size=20)
        ok, log = run_text_call(business=business, script=script, phone=f"+91990000{n:04d}")
        if not ok:
            failures.append(log)
    for log in failures:
        print("\n".join(f"{who}: {text}" for who, text in log), "\n---")
    assert len(scripted_calls()) == 50
    assert len(failures) <= 5
