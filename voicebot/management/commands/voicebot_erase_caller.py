"""Erase a caller's data on request: `manage.py voicebot_erase_caller --business 3 --phone +919812345678`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from voicebot import selectors, services
from voicebot.models import Business


class Command(BaseCommand):
    help = "Erase one caller's number, consents, transcripts and messages at one business."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--business", type=int, required=True)
        parser.add_argument("--phone", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        business = Business.objects.filter(pk=options["business"]).first()
        if business is None:
            raise CommandError("No such business.")
        caller = selectors.caller_find(business=business, phone=options["phone"])
        if caller is None:
            raise CommandError("No caller with that number at this business.")
        services.caller_erase(caller=caller)
        self.stdout.write("Caller erased.")
