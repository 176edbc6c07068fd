"""The OpenAPI schema of the meetings API says what each operation really answers."""

import pytest
from django.test import Client

from meetings.exports import FORMATS
from tests.meetings.factories import MeetingFactory, ParticipantFactory, SegmentFactory, SummaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _responses(schema, path: str, method: str = "get") -> dict:
    return schema["paths"][f"/api/v1/meetings{path}"][method]["responses"]


def _resolve(schema, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_it_declares_the_participants_list_as_an_array_of_participants(schema, api, owner):
    declared = _responses(schema, "/{meeting_id}/participants/")["200"]["content"]["application/json"]["schema"]
    assert declared["type"] == "array"
    assert set(_resolve(schema, declared["items"])["properties"]) == {"id", "username", "role", "created"}

    meeting = MeetingFactory(owner=owner)
    ParticipantFactory(meeting=meeting)
    served = api.get(f"/api/v1/meetings/{meeting.pk}/participants/").json()
    assert isinstance(served, list) and set(served[0]) == {"id", "username", "role", "created"}


def test_it_declares_each_export_format_in_the_media_type_it_is_served_in(schema, api, owner):
    content = _responses(schema, "/{meeting_id}/export/")["200"]["content"]
    assert set(content) == {
        "text/plain",
        "application/x-subrip",
        "text/vtt",
        "application/json",
        "text/markdown",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    assert content["text/vtt"]["schema"] == {"type": "string"}
    json_body = _resolve(schema, content["application/json"]["schema"])
    assert {"id", "title", "duration", "segments", "speakers", "summary"} <= set(json_body["properties"])

    meeting = MeetingFactory(owner=owner)
    SegmentFactory(meeting=meeting)
    SummaryFactory(meeting=meeting)
    for fmt in FORMATS:
        served = api.get(f"/api/v1/meetings/{meeting.pk}/export/", {"format": fmt})
        assert served.status_code == 200
        assert served["Content-Type"].split(";")[0] in content, fmt
    served_json = api.get(f"/api/v1/meetings/{meeting.pk}/export/", {"format": "json"}).json()
    assert set(served_json) == set(json_body["properties"])


def test_it_declares_every_json_answer_of_the_meetings_api_with_its_fields(schema):
    bare = []
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/meetings/"):
            continue
        for method, operation in operations.items():
            for code, response in operation.get("responses", {}).items():
                body = response.get("content", {}).get("application/json")
                if body is None:
                    continue
                node = _resolve(schema, body["schema"])
                node = _resolve(schema, node["items"]) if node.get("type") == "array" else node
                if not node.get("properties"):
                    bare.append(f"{method.upper()} {path} {code}")
    assert bare == []


def test_it_declares_the_rttm_export_with_speaker_labels(schema):
    operation = schema["paths"]["/api/v1/meetings/{meeting_id}/export/"]["get"]
    fmt = next(p for p in operation["parameters"] if p["name"] == "format")
    assert "rttm" in fmt["schema"]["enum"]
    description = operation["responses"]["200"]["description"]
    assert "SPEAKER meeting-<id> 1 <start> <duration> <NA> <NA> <label> <NA> <NA>" in description
    assert "never a display name" in description
