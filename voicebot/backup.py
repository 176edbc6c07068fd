"""The voice bot's part of a user's export (`sawt.core.backup`): the businesses they own, with their
callers (and each caller's consents) and reservations. Businesses they only work at are not theirs to
export. A restored business waits for this server's staff to approve its numbers again."""

from typing import Any

from sawt.core.backup import BackupError, ExportContext, ImportContext, build, register_section, row
from voicebot.models import Business, Caller, Consent, Membership, Reservation


def voicebot_export(context: ExportContext) -> dict[str, Any]:
    businesses = []
    consents = reservations_count = 0
    owned = Business.objects.filter(members__user=context.user, members__role=Membership.Role.OWNER).distinct()
    for business in owned.order_by("pk"):
        callers = [
            {**row(c), "key": c.pk, "consents": [row(k) for k in c.consents.order_by("at", "pk")]}
            for c in business.callers.order_by("pk")
        ]
        consents += sum(len(c["consents"]) for c in callers)
        reservations = [
            {**row(r), "caller": r.caller_id} for r in business.reservations.order_by("date", "time", "pk")
        ]
        reservations_count += len(reservations)
        businesses.append({**row(business), "callers": callers, "reservations": reservations})
    context.counts.update(reservations=reservations_count, consents=consents)
    return {"businesses": businesses}


def voicebot_restore(context: ImportContext, voicebot: dict[str, Any]) -> None:
    user = context.user
    context.counts.update(reservations=0, consents=0)
    for data in voicebot["businesses"]:
        business = Business.objects.filter(phone_number=data["phone_number"]).first()
        if business is None:
            business = build(Business, data)
            # Which numbers may take real calls is this server's staff's decision, not the archive's.
            business.approved_phone_number = business.approved_transfer_number = ""
            business.numbers_approved_at = None
            business.save()
            Membership.objects.create(business=business, user=user, role=Membership.Role.OWNER)
        elif not business.members.filter(user=user, role=Membership.Role.OWNER).exists():
            raise BackupError(f"business {data['phone_number']} exists and {user} does not own it")
        callers = {}
        for caller_data in data["callers"]:
            caller = build(Caller, caller_data, business=business)
            existing = business.callers.filter(phone_hash=caller.phone_hash).first()
            if existing is None:
                caller.save()
            else:
                caller = existing
            callers[caller_data["key"]] = caller
            for consent_data in caller_data.get("consents", []):  # none in archives before consents
                consent = build(Consent, consent_data, caller=caller)
                known = caller.consents.filter(
                    kind=consent.kind, granted=consent.granted, how=consent.how, at=consent.at
                )
                if existing is None or not known.exists():
                    consent.save()
                    context.counts["consents"] += 1
        for reservation in data["reservations"]:
            build(Reservation, reservation, business=business, caller=callers.get(reservation["caller"])).save()
            context.counts["reservations"] += 1


register_section("voicebot", export=voicebot_export, restore=voicebot_restore)
