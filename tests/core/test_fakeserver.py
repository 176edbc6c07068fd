import httpx

from sawt.testing.fakeserver import FakeServer, running


def test_it_serves_routes_and_records_requests():
    server = FakeServer()
    server.add("POST", "/v1/things", lambda req: (201, {"X-Id": "7"}, {"got": req.json()}))
    server.add("GET", "/files/*", lambda req: (200, {}, req.path))
    with running(server):
        created = httpx.post(f"{server.url}/v1/things", json={"a": 1})
        assert created.status_code == 201 and created.json() == {"got": {"a": 1}} and created.headers["X-Id"] == "7"
        assert httpx.get(f"{server.url}/files/a/b").text == "/files/a/b"
        assert httpx.get(f"{server.url}/missing").status_code == 404
    assert [r.path for r in server.requests] == ["/v1/things", "/files/a/b", "/missing"]
    assert server.requests_to("/v1/things")[0].headers["Content-Type"] == "application/json"
