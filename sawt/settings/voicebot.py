"""voicebot: a phone receptionist on Plivo or Twilio, with WhatsApp follow-ups."""

from sawt.settings.celery import CELERY_BEAT_SCHEDULE, CELERY_TASK_ROUTES
from sawt.settings.env import env

# Telephony: auth tokens sign/verify webhooks; the public base URL is what Plivo/Twilio call back.
VOICEBOT_PUBLIC_BASE_URL = env.str("VOICEBOT_PUBLIC_BASE_URL", default="")
VOICEBOT_PLIVO_AUTH_ID = env.str("VOICEBOT_PLIVO_AUTH_ID", default="")
VOICEBOT_PLIVO_AUTH_TOKEN = env.str("VOICEBOT_PLIVO_AUTH_TOKEN", default="")
VOICEBOT_PLIVO_API_URL = env.str("VOICEBOT_PLIVO_API_URL", default="https://api.plivo.com")
VOICEBOT_TWILIO_ACCOUNT_SID = env.str("VOICEBOT_TWILIO_ACCOUNT_SID", default="")
VOICEBOT_TWILIO_AUTH_TOKEN = env.str("VOICEBOT_TWILIO_AUTH_TOKEN", default="")
VOICEBOT_TWILIO_API_URL = env.str("VOICEBOT_TWILIO_API_URL", default="https://api.twilio.com")
# true: a business's new or changed phone number and transfer number serve real calls only once staff
# approve them in the admin (on by default in production, sawt/settings/deployment.py; test calls never
# wait). None here when unset, so that a deployment can tell "unset" from "false".
number_approval_from_env: bool | None = env.bool("VOICEBOT_REQUIRE_NUMBER_APPROVAL", default=None)
VOICEBOT_REQUIRE_NUMBER_APPROVAL = bool(number_approval_from_env)
# Calls in progress at once: per business (phone and test calls), and test calls per signed-in user.
VOICEBOT_MAX_CALLS_PER_BUSINESS = env.int("VOICEBOT_MAX_CALLS_PER_BUSINESS", default=20)
VOICEBOT_MAX_TEST_CALLS_PER_USER = env.int("VOICEBOT_MAX_TEST_CALLS_PER_USER", default=2)
# WhatsApp follow-ups: "plivo", "twilio" or "" (off).
VOICEBOT_MESSAGING_PROVIDER = env.str("VOICEBOT_MESSAGING_PROVIDER", default="")
VOICEBOT_WHATSAPP_SENDER = env.str("VOICEBOT_WHATSAPP_SENDER", default="")
# A WhatsApp template the provider refuses (Twilio 63016) is sent again as SMS from the same sender.
VOICEBOT_SMS_FALLBACK = env.bool("VOICEBOT_SMS_FALLBACK", default=False)
VOICEBOT_REMINDER_HOURS = env.int("VOICEBOT_REMINDER_HOURS", default=3)
# Seconds of caller silence before "are you still there?", then before the bot hangs up.
VOICEBOT_SILENCE_PROMPT_SECONDS = env.float("VOICEBOT_SILENCE_PROMPT_SECONDS", default=10.0)
VOICEBOT_SILENCE_HANGUP_SECONDS = env.float("VOICEBOT_SILENCE_HANGUP_SECONDS", default=30.0)
# Concurrent ASR/TTS jobs across all calls in one web process.
VOICEBOT_INFERENCE_WORKERS = env.int("VOICEBOT_INFERENCE_WORKERS", default=2)
# Longest stretch of a call kept in a recording (when the business records and the caller agrees).
VOICEBOT_RECORDING_MAX_SECONDS = env.float("VOICEBOT_RECORDING_MAX_SECONDS", default=3600.0)
# Who runs the conversation after consent: "rules", "llm" (the SAWT_LLM_* server, with tools), or
# "auto" (llm when SAWT_LLM_BASE_URL is set). Consent is always asked by the rules.
VOICEBOT_DIALOGUE = env.str("VOICEBOT_DIALOGUE", default="auto")
# Callers who decline the transcript are answered by the rules, so their words never reach the model
# server; true sends them there too (a server you run that keeps nothing).
VOICEBOT_LLM_WITHOUT_CONSENT = env.bool("VOICEBOT_LLM_WITHOUT_CONSENT", default=False)
# Seconds the model may take over one caller turn (all its requests together) before the call goes on
# with the rules.
VOICEBOT_LLM_TIMEOUT = env.float("VOICEBOT_LLM_TIMEOUT", default=3.0)
# The Whisper model a call in another language than English (Hindi) listens with: "multilingual" is Whisper
# base from its wheels; English calls keep the engine's model (SAWT_ASR_MODEL, tiny.en by default).
VOICEBOT_MULTILINGUAL_ASR_MODEL = env.str("VOICEBOT_MULTILINGUAL_ASR_MODEL", default="multilingual")
# The model an English call's opening request is heard again with (beam search); its hypotheses and the first
# hearing vote on the party size, time and day (`pipeline.hear_again`). Empty: the call's own model.
VOICEBOT_SECOND_HEARING_MODEL = env.str("VOICEBOT_SECOND_HEARING_MODEL", default="multilingual")
CELERY_TASK_ROUTES["voicebot.tasks.message_send"] = {"queue": "io"}
CELERY_BEAT_SCHEDULE["voicebot-reminders"] = {"task": "voicebot.tasks.reminders_queue", "schedule": 600}
CELERY_BEAT_SCHEDULE["voicebot-retention"] = {"task": "voicebot.tasks.retention_purge", "schedule": 3600}
