"""Recordings decoded piece by piece: the pieces make the whole, each is bounded, cuts fall in quiet parts."""

import numpy as np
import pytest

from sawt.speech.audio import AudioDecodeError, audio_chunks, audio_seconds, decode_audio, write_wav


def _tones_with_pauses(seconds: int) -> np.ndarray:
    """One-second tones, each followed by 0.3 s of silence."""
    t = np.arange(16000) / 16000
    tone = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    unit = np.concatenate([tone, np.zeros(4800, dtype=np.float32)])
    return np.tile(unit, seconds)[: seconds * 16000]


def test_the_pieces_are_the_whole_recording_cut_in_its_pauses(tmp_path):
    path = write_wav(tmp_path / "long.wav", _tones_with_pauses(20), 16000)
    pieces = list(audio_chunks(path, seconds=4.0, search=1.5))
    whole = decode_audio(path, max_seconds=float("inf"))
    assert np.allclose(np.concatenate(pieces), whole, atol=1e-4)
    assert len(pieces) >= 4
    assert all(len(p) <= 5.5 * 16000 for p in pieces)
    for piece in pieces[:-1]:  # each cut lands in a pause, not in a tone
        assert np.abs(piece[-800:]).max() < 0.01
    assert audio_seconds(path) == pytest.approx(20.0, abs=0.01)


def test_a_recording_over_the_limit_is_refused_while_decoding(tmp_path):
    path = write_wav(tmp_path / "long.wav", _tones_with_pauses(12), 16000)
    with pytest.raises(AudioDecodeError) as error:
        list(audio_chunks(path, seconds=2.0, search=0.5, max_seconds=10.0))
    assert error.value.code == "too_long"
