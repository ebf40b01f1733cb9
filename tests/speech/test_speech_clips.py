"""Recorded-clip mode joins the right clips in the right order, and the shipped set is complete."""

from __future__ import annotations

import math
import os
import struct
import wave
from pathlib import Path

import pytest

from hardware.speech import wavutil
from hardware.speech.announcer import Announcement
from hardware.speech.clips import TOKEN_GAP_MS, WORD_GAP_MS, ClipSet, default_clips_dir, slug
from hardware.speech.errors import ClipError
from hardware.speech.make_clips import clip_texts, make_clips
from hardware.speech.phrases import VI_LETTERS, build_phrase

RATE = wavutil.RATE
NAMES = ["moi_cong_dan_co_so_thu_tu", "den_quay_so", *(f"digit_{d}" for d in range(10)),
         "letter_a", "letter_b", "letter_c", "letter_dd",
         "word_10", "word_tens", "word_mot", "word_lam", "word_linh", "word_100", "word_1000"]


def tone(ms: int, *, rate: int = RATE, channels: int = 1, width: int = 2) -> bytes:
    """A 440 Hz tone: never silent for 10 ms, so gaps between clips are easy to find."""
    frames = bytearray()
    for i in range(int(rate * ms / 1000)):
        value = int(8000 * math.sin(2 * math.pi * 440 * i / rate)) or 1
        sample = value.to_bytes(2, "little", signed=True) if width == 2 else bytes([(value >> 8) + 128])
        frames += sample * channels
    return bytes(frames)


def write_tone(path: Path, ms: int, **fmt) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(fmt.get("channels", 1))
        wav.setsampwidth(fmt.get("width", 2))
        wav.setframerate(fmt.get("rate", RATE))
        wav.writeframes(tone(ms, **fmt))


@pytest.fixture
def clip_dir(tmp_path) -> tuple[Path, dict[str, int]]:
    """Tone clips with a distinct length each (100, 120, 140 ... ms): the length names the clip."""
    lengths = {name: 100 + 20 * i for i, name in enumerate(NAMES)}
    for name, ms in lengths.items():
        write_tone(tmp_path / f"{name}.wav", ms)
    return tmp_path, lengths


def segments(samples) -> list[tuple[int, int]]:
    """(sound ms, following silence ms) runs; silence = at least 10 ms of exact zeros."""
    runs, start, zeros, i = [], 0, 0, 0
    for i, s in enumerate(samples):
        if s == 0:
            zeros += 1
            continue
        if zeros >= RATE // 100 and i - zeros > start:
            runs.append((round((i - zeros - start) * 1000 / RATE), round(zeros * 1000 / RATE)))
            start = i
        zeros = 0
    runs.append((round((len(samples) - zeros - start) * 1000 / RATE), round(zeros * 1000 / RATE)))
    return runs


def decode(runs, lengths) -> list[str]:
    by_length = {ms: name for name, ms in lengths.items()}
    return [by_length[ms] for ms, _gap in runs]


def test_digit_mode_joins_the_clips_in_phrase_order(clip_dir):
    folder, lengths = clip_dir
    runs = segments(ClipSet(folder).samples(build_phrase("A015", 3)))
    assert decode(runs, lengths) == ["moi_cong_dan_co_so_thu_tu", "letter_a", "digit_0", "digit_1", "digit_5",
                                     "den_quay_so", "digit_3"]
    assert [gap for _ms, gap in runs[:-1]] == [TOKEN_GAP_MS] * 6


def test_whole_numbers_are_built_from_word_clips(clip_dir):
    folder, lengths = clip_dir
    runs = segments(ClipSet(folder).samples(build_phrase("C105", 21, whole_numbers=True)))
    assert decode(runs, lengths) == [
        "moi_cong_dan_co_so_thu_tu", "letter_c", "digit_1", "word_100", "word_linh", "digit_5",
        "den_quay_so", "digit_2", "word_tens", "word_mot"]
    # words of one number sit closer together than the parts of the phrase
    assert [gap for _ms, gap in runs[:-1]] == [TOKEN_GAP_MS, TOKEN_GAP_MS, WORD_GAP_MS, WORD_GAP_MS, WORD_GAP_MS,
                                               TOKEN_GAP_MS, TOKEN_GAP_MS, WORD_GAP_MS, WORD_GAP_MS]


def test_a_recorded_whole_number_is_preferred_to_building_it(clip_dir):
    folder, lengths = clip_dir
    write_tone(folder / "number_15.wav", 777)
    lengths["number_15"] = 777
    runs = segments(ClipSet(folder).samples(build_phrase("Đ015", 15, whole_numbers=True)))
    assert decode(runs, lengths) == ["moi_cong_dan_co_so_thu_tu", "letter_dd", "number_15", "den_quay_so",
                                     "number_15"]


def test_joined_length_is_the_clips_plus_the_gaps(clip_dir):
    folder, lengths = clip_dir
    joined = ClipSet(folder).samples(build_phrase("B121", 12))
    names = ["moi_cong_dan_co_so_thu_tu", "letter_b", "digit_1", "digit_2", "digit_1", "den_quay_so"]
    expected_ms = sum(lengths[n] for n in names) + lengths["word_10"] + WORD_GAP_MS + lengths["digit_2"] \
        + TOKEN_GAP_MS * 6
    assert len(joined) / RATE * 1000 == pytest.approx(expected_ms, abs=2)


def test_missing_clips_are_all_named(clip_dir):
    folder, _ = clip_dir
    (folder / "digit_7.wav").unlink()
    (folder / "den_quay_so.wav").unlink()
    with pytest.raises(ClipError) as error:
        ClipSet(folder).samples(build_phrase("A077", 3))
    assert "digit_7.wav" in str(error.value) and "den_quay_so.wav" in str(error.value)


def test_a_site_template_needs_clips_named_after_its_text(clip_dir):
    folder, _ = clip_dir
    phrase = build_phrase("A001", 1, template="Xin mời số {code}, đến quầy {counter}, xin cảm ơn")
    assert ClipSet(folder).missing(phrase) == ["xin_moi_so.wav", "den_quay.wav", "xin_cam_on.wav"]
    assert slug("Mời công dân có số thứ tự") == "moi_cong_dan_co_so_thu_tu"


def test_clips_in_another_pcm_format_are_converted(clip_dir):
    folder, lengths = clip_dir
    write_tone(folder / "letter_a.wav", 300, rate=44100, channels=2)   # a phone recording
    write_tone(folder / "digit_0.wav", 260, rate=16000, width=1)       # 8-bit, 16 kHz
    lengths.update(letter_a=300, digit_0=260)
    runs = segments(ClipSet(folder).samples(build_phrase("A0", 3)))
    assert [ms for ms, _ in runs] == [lengths["moi_cong_dan_co_so_thu_tu"], 300, 260, lengths["den_quay_so"],
                                      lengths["digit_3"]]


def test_float_wav_is_refused_with_a_conversion_hint(clip_dir):
    folder, _ = clip_dir
    data = struct.pack("<4f", 0.1, 0.2, 0.3, 0.4)
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack(
        "<IHHIIHH", 16, 3, 1, RATE, RATE * 4, 4, 32) + b"data" + struct.pack("<I", len(data))
    (folder / "letter_a.wav").write_bytes(header + data)
    with pytest.raises(ClipError, match="ffmpeg"):
        ClipSet(folder).samples(build_phrase("A1", 1))


def test_a_clip_replaced_on_disk_is_picked_up(clip_dir):
    folder, lengths = clip_dir
    clips = ClipSet(folder)
    clips.samples(build_phrase("A1", 1))
    write_tone(folder / "letter_a.wav", 990)
    path = folder / "letter_a.wav"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert len(clips.clip("letter_a")) == pytest.approx(0.99 * RATE, abs=2)


def test_clip_mode_announcement_uses_the_folder_chime(clip_dir, tmp_path):
    folder, lengths = clip_dir
    write_tone(folder / "chime.wav", 555)
    samples = wavutil.read_wav(Announcement("A1", 1, mode="clips", clips_dir=folder, repeat=1).render(
        tmp_path / "a.wav"))
    assert segments(samples)[0][0] == 555


def test_the_shipped_clip_set_covers_every_call():
    folder = default_clips_dir("vi")
    clips = ClipSet(folder)
    codes = [f"{letter}{n:03d}" for letter in [*"ABCDEGHKLMNPQRSTVX", "Đ"] for n in (0, 5, 15, 21, 105, 999)]
    for code in codes:
        for whole in (False, True):
            for counter in (1, 9, 10, 15, 19, 20, 21, 45, 99):
                phrase = build_phrase(code, counter, whole_numbers=whole)
                assert clips.missing(phrase) == [], (code, counter, whole)
    for letter in VI_LETTERS:
        if letter.isascii() or letter == "Đ":
            assert clips.missing(build_phrase(f"{letter}1", 1)) == []


def test_the_shipped_clips_are_small_and_in_the_speech_format():
    folder = default_clips_dir("vi")
    files = sorted(folder.glob("*.wav"))
    assert len(files) >= 45
    for path in files:
        assert wavutil.wav_info(path)[:3] == (1, 2, RATE), path.name
    assert sum(p.stat().st_size for p in files) < 1_500_000
    listed = {line.split("\t")[0] for line in (folder / "clips.txt").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#")}
    assert listed == {p.name for p in files}


def test_the_generator_writes_a_working_set(tmp_path):
    make_clips(tmp_path / "vi")
    assert {p.stem for p in (tmp_path / "vi").glob("*.wav")} == set(clip_texts("vi")) | {"chime"}
    samples = ClipSet(tmp_path / "vi").samples(build_phrase("B021", 4, whole_numbers=True))
    assert 2.0 < len(samples) / RATE < 10.0
