"""Sawt's speech engine: plain Python, no Django imports.

Modules (import the one you need; heavy models load lazily on first use):

- ``config``: :class:`SpeechConfig`, ``configure()``, ``get_config()`` (``SAWT_*`` env).
- ``audio``: ``decode_audio``/``probe_audio`` (PyAV, limits, ``AudioDecodeError``),
  PCM16 and G.711 mu-law conversions, ``resample``, WAV writing.
- ``asr``: ``transcribe``/``transcribe_file`` with faster-whisper, ``model_info``.
- ``subtitles``: SRT, WebVTT, text and OpenAI ``verbose_json``.
- ``vad``: Silero speech timestamps and the incremental ``VADStream``.
- ``tts``: Piper and espeak-ng synthesizers, cached ``synthesize``, ``tts_info``.
- ``language``: ``normalize``, spoken numbers (``parse_number``, ``find_numbers``,
  ``number_to_words``...) and ``ExampleClassifier`` (labels by nearest example phrase).
- ``scoring``: ``normalize_text`` and ``score`` (WER/CER with alignment).
- ``embeddings``: MiniLM sentence embeddings and similarity.
- ``dates``: date/time phrases and durations in spoken requests.
- ``llm``: optional OpenAI-compatible model with a rule-based fallback.
- ``models``: where bundled models live (multilingual Whisper joined once).
- ``testing``: ``FakeOpenAIServer``; ``benchmarks``: ``bench_asr``/``bench_tts``.
"""
