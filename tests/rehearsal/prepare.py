"""Run by deploy/rehearse before the rehearsal: the people and the speech it uses, then `--wait` for the stack.

People: a staff member who owns a business (the voice bot's test-call page) and a script user (API and
sockets). Speech, made here with the engine's own voices (nothing read from outside the repo):
`speech.wav` (three sentences, 16 kHz mono, then a pause), `question.wav` (a caller's question between
pauses) and `meeting.wav` (two voices taking turns for about 40 s). All under $SAWT_REHEARSE_DIR, with
`state.json` naming the ids.
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import time
import urllib.request
from pathlib import Path

SPEECH = (
    "The weather is lovely today. "
    "Please send the report to the whole team before Friday. "
    "We will meet again next week to review the budget."
)
QUESTION = "What time do you open tomorrow?"
MEETING = [
    ("en", "Good morning everyone, thank you for joining the planning meeting."),
    ("espeak", "Thanks. I would like to start with the budget for the new office."),
    ("en", "The budget is ready. We spent less than we planned on furniture this quarter."),
    ("espeak", "That is good news. What about the move itself, is the date fixed?"),
    ("en", "The move is planned for the first week of March, if the contract is signed."),
    ("espeak", "Then let us sign the contract this week and tell the whole team."),
    ("en", "Agreed. I will send the summary and the next steps after this call."),
]


def folder() -> Path:
    return Path(os.environ["SAWT_REHEARSE_DIR"])


def make_people() -> dict[str, int]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from voicebot.models import Business, Membership

    password = os.environ["SAWT_REHEARSE_PASSWORD"]
    users = get_user_model().objects
    staff = users.create_user("rehearsal-staff", "staff@example.com", password, is_staff=True)
    users.create_user("rehearsal-script", "script@example.com", password)
    business = Business.objects.create(name="Dosa Corner", phone_number="+918000000009")
    Membership.objects.create(business=business, user=staff, role="owner")
    return {"business_id": business.pk}


def make_speech() -> None:
    import numpy as np

    from sawt.speech import audio, tts

    def said(text: str, voice: str = "en") -> np.ndarray:
        synth = tts.get_synthesizer("en") if voice == "en" else tts.EspeakSynthesizer("en")
        return synth.synthesize(text, sample_rate=16000).samples

    def pause(seconds: float) -> np.ndarray:
        return np.zeros(int(16000 * seconds), np.float32)

    out = folder()
    audio.write_wav(out / "speech.wav", np.concatenate([said(SPEECH), pause(3)]), 16000)
    audio.write_wav(out / "question.wav", np.concatenate([pause(6), said(QUESTION), pause(6)]), 16000)
    parts = []
    for voice, line in MEETING:
        parts += [said(line, voice), pause(0.8)]
    audio.write_wav(out / "meeting.wav", np.concatenate(parts), 16000)


def wait_for_stack(timeout: float = 180.0) -> None:
    """Until /health answers through nginx with every component ok (the worker has started)."""
    url = os.environ["SAWT_REHEARSE_URL"] + "/health"
    context = ssl.create_default_context(cafile=str(folder() / "nginx" / "cert.pem"))
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, context=context, timeout=5) as response:
                body = json.load(response)
            if body["status"] == "ok":
                print(f"ready: {body}")
                return
            last = str(body)
        except Exception as error:
            last = repr(error)
        time.sleep(1)
    sys.exit(f"the stack did not become ready in {timeout:.0f} s: {last}")


if __name__ == "__main__":
    if "--wait" in sys.argv:
        wait_for_stack()
    else:
        state = make_people()
        make_speech()
        (folder() / "state.json").write_text(json.dumps(state))
