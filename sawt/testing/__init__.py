"""Test support, in one place (as Sentry keeps `sentry.testutils`): local fake provider servers, the
simulated phone caller and its scripted calls, stream clients, a real daphne in a subprocess and the
load generator.

Only tests, benchmarks (`<app>/benchmarks.py`) and the `bench` command import this package; no model,
service, view, consumer or task does (tests/core/test_boundaries.py keeps it so). Unlike the platform,
it may name the products: it drives them from outside.

- `fakeserver`: the harness every fake HTTP provider is built on.
- `llm_server`: a fake OpenAI-compatible chat-completions server.
- `spotify`, `soundcloud`, `music_providers`: the music platforms' wire formats.
- `voicebot_simulator`, `scripted_calls`: a phone caller on the media-stream socket; fifty booking calls.
- `streamclient`: plays PCM into the chat and live-meeting sockets and times what comes back.
- `liveserver`: a real daphne on a free local port.
- `loadgen`: the open-model load generator behind `manage.py bench load`.
"""
