"""The speech engine's benchmarks: `manage.py bench asr` and `manage.py bench tts`."""

from typing import Any

import sawt.core.loadgen  # noqa: F401 - registers `bench load`
from sawt.core.bench import register
from sawt.speech import benchmarks


@register("asr", "ASR WER and time vs raw faster-whisper on DIR/manifest.tsv, plus a batched long input")
def bench_asr(options: dict[str, Any]) -> dict[str, Any]:
    quick = options.get("quick")
    return benchmarks.bench_asr(options["data"], repeats=1 if quick else 2, long_seconds=60.0 if quick else 90.0)


@register("tts", "TTS real-time factor and first-audio latency")
def bench_tts(options: dict[str, Any]) -> dict[str, Any]:
    return benchmarks.bench_tts(repeats=1 if options.get("quick") else 3)
