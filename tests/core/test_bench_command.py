import json

import pytest
from django.core.management import call_command

from sawt.core.bench import register


@register("selftest")
def _selftest(options):
    return {"answer": 42, "quick": options["quick"]}


def test_it_prints_one_json_line_last(capsys):
    call_command("bench", "selftest", "--quick")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == {"bench": "selftest", "answer": 42, "quick": True}


def test_it_refuses_an_unknown_benchmark():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown benchmark"):
        call_command("bench", "no-such-bench")


def test_it_finds_every_apps_benchmarks_without_a_list_of_apps(capsys):
    call_command("bench")
    listed = {line.split(":", 1)[0] for line in capsys.readouterr().out.splitlines()}
    assert {"asr", "tts", "load", "stream", "dictation", "meetings", "music", "voicebot"} <= listed


@pytest.mark.django_db
def test_the_load_user_reads_every_seeded_path():
    from rest_framework.test import APIClient

    from sawt.testing.loadgen import seed_read_data

    token, paths = seed_read_data(username="load-test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert any(path.startswith("/api/v1/dictation/") for path in paths)
    assert any(path.startswith("/api/v1/meetings/") for path in paths)
    answers = {path: client.get(path).status_code for path in paths}
    assert set(answers.values()) == {200}, answers
    items = client.get("/api/v1/dictation/items").json()
    rows = items["results"] if isinstance(items, dict) else items
    assert rows and {row["tts_status"] for row in rows} == {"completed"}  # a status clients know
