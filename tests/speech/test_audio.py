from __future__ import annotations

import io
import time
import wave
from pathlib import Path

import av
import numpy as np
import pytest

from sawt.speech import audio
from sawt.speech.audio import AudioDecodeError, decode_audio, probe_audio

from .conftest import Speech


def encode(samples: np.ndarray, rate: int, *, fmt: str, codec: str, out_rate: int, channels: int) -> bytes:
    """Encode float mono speech with PyAV into an in-memory file."""
    buffer = io.BytesIO()
    layout = "stereo" if channels == 2 else "mono"
    with av.open(buffer, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=out_rate, layout=layout)
        src = np.stack([samples] * channels) if channels == 2 else samples[None, :]
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(src, dtype=np.float32), format="fltp", layout=layout)
        frame.sample_rate = rate
        resampler = av.AudioResampler(
            format=stream.codec_context.format,
            layout=layout,
            rate=out_rate,
            frame_size=stream.codec_context.frame_size or None,
        )
        for chunk in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(chunk):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


FORMATS = [
    ("ogg", "libopus", 48000, 1, "ogg", "opus", "audio/ogg"),
    ("webm", "libopus", 48000, 2, "matroska,webm", "opus", "audio/webm"),
    ("matroska", "pcm_s16le", 16000, 1, "matroska,webm", "pcm_s16le", "audio/x-matroska"),
    ("ipod", "aac", 44100, 2, "mov,mp4,m4a,3gp,3g2,mj2", "aac", "audio/mp4"),
    ("mp3", "libmp3lame", 22050, 1, "mp3", "mp3", "audio/mpeg"),
    ("flac", "flac", 8000, 2, "flac", "flac", "audio/flac"),
    ("aiff", "pcm_s16be", 11025, 1, "aiff", "pcm_s16be", "audio/aiff"),
    ("wav", "pcm_s16le", 44100, 2, "wav", "pcm_s16le", "audio/wav"),
]


@pytest.mark.parametrize(("fmt", "codec", "rate", "channels", "demuxer", "codec_name", "mime"), FORMATS)
def test_it_decodes_each_format_to_16k_mono(
    piper_speech: Speech, fmt: str, codec: str, rate: int, channels: int, demuxer: str, codec_name: str, mime: str
) -> None:
    data = encode(
        piper_speech.samples, piper_speech.sample_rate, fmt=fmt, codec=codec, out_rate=rate, channels=channels
    )
    info = probe_audio(data)
    assert info.format == demuxer
    assert info.codec.startswith(codec_name[:3])
    assert info.content_type == mime
    assert info.channels == channels

    samples = decode_audio(data)
    expected = len(piper_speech.samples) / piper_speech.sample_rate
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(len(samples) / audio.SAMPLE_RATE - expected) < 0.15
    assert 0.05 < float(np.sqrt(np.mean(samples**2))) < 1.0


def test_it_decodes_from_path_and_file_object(piper_speech: Speech, tmp_path: Path) -> None:
    path = audio.write_wav(tmp_path / "speech.wav", piper_speech.samples, piper_speech.sample_rate)
    from_path = decode_audio(path)
    with open(path, "rb") as handle:
        from_file = decode_audio(handle)
    np.testing.assert_array_equal(from_path, from_file)
    np.testing.assert_array_equal(from_path, decode_audio(str(path)))


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_audio"),
        (bytes(range(256)) * 40, "not_audio"),
        (b"#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n", "not_audio"),
        (b"%PDF-1.4\n" + b"x" * 2000, "not_audio"),
    ],
)
def test_it_refuses_unusable_bytes_with_a_code(data: bytes, code: str) -> None:
    with pytest.raises(AudioDecodeError) as caught:
        decode_audio(data)
    assert caught.value.code == code
    assert caught.value.message


def test_it_refuses_a_truncated_header_as_corrupt_or_not_audio(piper_speech: Speech) -> None:
    data = audio.wav_bytes(piper_speech.samples, piper_speech.sample_rate)[:30]
    with pytest.raises(AudioDecodeError) as caught:
        decode_audio(data)
    assert caught.value.code in {"corrupt_audio", "not_audio", "empty_audio"}


def test_it_refuses_audio_shorter_than_the_minimum() -> None:
    data = audio.wav_bytes(np.zeros(1600, dtype=np.float32), 16000)  # 0.1 s
    with pytest.raises(AudioDecodeError) as caught:
        decode_audio(data)
    assert caught.value.code == "too_short"
    assert len(decode_audio(data, min_seconds=0)) == 1600


def three_hour_flac() -> bytes:
    """One second of FLAC whose STREAMINFO claims 3 h (what a real 3 h file declares).

    FFmpeg clamps a WAV's declared data size to the file size, so FLAC's sample
    count is the cheap way to have a container truthfully *announce* 3 hours.
    """
    rate = 8000
    data = bytearray(
        encode(np.zeros(rate, dtype=np.float32), rate, fmt="flac", codec="flac", out_rate=rate, channels=1)
    )
    assert data[:4] == b"fLaC"
    # STREAMINFO: 64 bits at offset 18 = rate(20) channels(3) bits(5) total samples(36).
    packed = int.from_bytes(data[18:26], "big")
    packed = (packed & ~((1 << 36) - 1)) | (3 * 3600 * rate)
    data[18:26] = packed.to_bytes(8, "big")
    return bytes(data)


def test_it_refuses_a_three_hour_file_fast() -> None:
    data = three_hour_flac()
    assert probe_audio(data).duration == pytest.approx(3 * 3600)
    started = time.monotonic()
    with pytest.raises(AudioDecodeError) as caught:
        decode_audio(data)
    assert caught.value.code == "too_long"
    assert time.monotonic() - started < 3


def test_it_stops_decoding_past_the_maximum_without_metadata(
    piper_speech: Speech, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audio, "_metadata_duration", lambda container, stream: None)
    data = audio.wav_bytes(np.zeros(16000 * 5, dtype=np.float32), 16000)
    with pytest.raises(AudioDecodeError) as caught:
        decode_audio(data, max_seconds=2)
    assert caught.value.code == "too_long"


def test_it_round_trips_mulaw_like_g711() -> None:
    pcm = np.arange(-32768, 32768, dtype=np.int16)
    encoded = audio.mulaw_encode(pcm)
    assert len(encoded) == len(pcm)
    decoded = audio.mulaw_decode(encoded)
    assert decoded.dtype == np.int16
    # mu-law keeps relative error within one quantisation step (~3 %, plus the floor).
    error = np.abs(decoded.astype(np.int32) - pcm.astype(np.int32))
    assert np.all(error <= np.abs(pcm.astype(np.int32)) * 0.07 + 8)
    # Decoding then encoding the 256 codes is the identity (except negative zero).
    codes = bytes(range(256))
    again = audio.mulaw_encode(audio.mulaw_decode(codes))
    assert sum(a != b for a, b in zip(again, codes, strict=True)) <= 1
    # Known G.711 values: silence is 0xFF, full scale 0x80 / 0x00.
    assert audio.mulaw_encode(np.array([0, 32767, -32768], dtype=np.int16)) == b"\xff\x80\x00"


def test_it_converts_pcm16_both_ways() -> None:
    samples = np.array([0.0, 0.5, -0.5, 1.0, -1.0, 2.0], dtype=np.float32)
    pcm = audio.float32_to_pcm16(samples)
    assert len(pcm) == 12
    back = audio.pcm16_to_float32(pcm)
    np.testing.assert_allclose(back[:5], samples[:5], atol=1e-4)
    assert back[5] == pytest.approx(1.0, abs=1e-4)  # clipped


def test_it_resamples_a_tone_without_changing_its_pitch() -> None:
    rate = 44100
    t = np.arange(rate) / rate
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    out = audio.resample(tone, rate, 16000)
    assert out.dtype == np.float32
    assert abs(len(out) - 16000) <= 1
    spectrum = np.abs(np.fft.rfft(out))
    assert abs(np.argmax(spectrum) * 16000 / len(out) - 440) < 2
    assert audio.resample(out, 16000, 16000) is not out


def test_it_writes_wav_files_that_read_back(tmp_path: Path) -> None:
    samples = (0.3 * np.sin(np.linspace(0, 100, 8000))).astype(np.float32)
    path = audio.write_wav(tmp_path / "sub" / "x.wav", samples, 8000)
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()) == (1, 2, 8000, 8000)
    assert audio.wav_bytes(samples, 8000) == path.read_bytes()
    decoded, expected = decode_audio(path, min_seconds=0), audio.resample(samples, 8000, 16000)
    assert len(decoded) == len(expected)
    np.testing.assert_allclose(decoded[:-50], expected[:-50], atol=0.01)  # edges differ by filter


def test_it_decodes_when_metadata_underestimates_the_length(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio, "_metadata_duration", lambda container, stream: 0.5)
    samples = (0.1 * np.ones(16000 * 70)).astype(np.float32)  # longer than the buffer's first guess
    decoded = decode_audio(audio.wav_bytes(samples, 16000))
    assert len(decoded) == len(samples)
    assert float(decoded[-1]) == pytest.approx(0.1, abs=1e-3)
