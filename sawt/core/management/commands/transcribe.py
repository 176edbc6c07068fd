import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sawt.speech import asr, subtitles
from sawt.speech.audio import AudioDecodeError, decode_audio


class Command(BaseCommand):
    help = "Transcribe an audio file with Sawt's engine."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--language", default=None, help="language code, e.g. en; default: detect")
        parser.add_argument("--format", default="text", choices=["text", "json", "srt", "vtt"])
        parser.add_argument("--prompt", default=None, help="initial prompt (names, spelling)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            samples = decode_audio(options["file"])
        except (AudioDecodeError, FileNotFoundError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        try:
            transcript = asr.transcribe(samples, language=options["language"], initial_prompt=options["prompt"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(json.dumps(subtitles.to_verbose_json(transcript), ensure_ascii=False, indent=2))
        elif fmt == "srt":
            self.stdout.write(subtitles.to_srt(transcript))
        elif fmt == "vtt":
            self.stdout.write(subtitles.to_vtt(transcript))
        else:
            self.stdout.write(transcript.text.strip())
