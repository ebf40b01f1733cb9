"""Real audio: espeak-ng WAV files, the chime, the assembled announcement (checked with ``wave``)."""

from __future__ import annotations

import array
import sys
import threading
import wave
from types import SimpleNamespace

import pytest

from hardware.speech import wavutil
from hardware.speech.announcer import CHIME_GAP_MS, REPEAT_GAP_MS, TAIL_MS, Announcement, AnnouncementSettings
from hardware.speech.chime import chime_samples, write_chime
from hardware.speech.errors import PhraseError, SpeechUnavailable
from hardware.speech.phrases import build_phrase
from hardware.speech.synth import Synthesizer, _muted_saved_line

PHRASE = build_phrase("A015", 3).text


def read(path) -> tuple[wave._wave_params, array.array]:
    with wave.open(str(path), "rb") as wav:
        return wav.getparams(), wavutil.from_bytes(wav.readframes(wav.getnframes()))


def rms(samples) -> float:
    return (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5


def dominant_hz(samples, rate=wavutil.RATE) -> float:
    """Frequency from zero crossings: enough to tell E5 from C5."""
    crossings = sum(1 for a, b in zip(samples, samples[1:]) if (a < 0) != (b < 0))
    return crossings / 2 / (len(samples) / rate)


def test_espeak_writes_a_vietnamese_phrase_of_plausible_length(tmp_path):
    params, samples = read(Synthesizer().synthesize(PHRASE, tmp_path / "p.wav"))
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    assert 1.5 <= params.nframes / params.framerate <= 8.0
    assert rms(samples) > 1000  # speech, not silence


def test_english_voice_works_too(tmp_path):
    params, _ = read(Synthesizer(voice="en").synthesize(build_phrase("A015", 3, lang="en").text, tmp_path / "e.wav"))
    assert 1.5 <= params.nframes / params.framerate <= 8.0


def test_synthesis_prints_nothing_on_stdout(tmp_path, capfd):
    Synthesizer().synthesize(PHRASE, tmp_path / "p.wav")
    out, _err = capfd.readouterr()
    assert out == ""


def test_only_pyttsx3s_saved_line_is_muted(capsys):
    with _muted_saved_line("/x/y.wav"):
        print("Audio saved to /x/y.wav")
        print('{"json": true}')
        print("Audio saved to /other.wav")
    assert capsys.readouterr().out == '{"json": true}\nAudio saved to /other.wav\n'


def test_a_slower_rate_gives_a_longer_file(tmp_path):
    slow = wavutil.wav_info(Synthesizer(rate=110).synthesize(PHRASE, tmp_path / "s.wav"))[3]
    fast = wavutil.wav_info(Synthesizer(rate=220).synthesize(PHRASE, tmp_path / "f.wav"))[3]
    assert slow > fast * 1.4


def test_jobs_from_worker_threads_each_get_their_own_rate_and_voice(tmp_path):
    """A fresh engine per job (a cached pyttsx3 engine misapplied rate/voice), and settings applied
    before pyttsx3's cancel can drop them (1 job in 80 came out at the default speed)."""
    jobs = [("vi", 110), ("en", 220), ("vi", 220), ("vi-vn-x-south", 150)] * 12
    reference = {job: wavutil.wav_info(Synthesizer(voice=job[0], rate=job[1]).synthesize(PHRASE, tmp_path / "r.wav"))[3]
                 for job in set(jobs)}
    results: dict[int, float] = {}

    def work(i: int, voice: str, rate: int) -> None:
        path = Synthesizer(voice=voice, rate=rate).synthesize(PHRASE, tmp_path / f"t{i}.wav")
        results[i] = wavutil.wav_info(path)[3]

    threads = [threading.Thread(target=work, args=(i, *job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == len(jobs)
    for i, job in enumerate(jobs):
        assert results[i] == pytest.approx(reference[job], rel=0.03), job


def test_a_long_text_is_completely_written_when_synthesize_returns(tmp_path):
    """pyttsx3's runAndWait returns ~10 ms after starting espeak-ng's asynchronous synthesis."""
    params, _ = read(Synthesizer().synthesize(" ".join([PHRASE] * 6), tmp_path / "long.wav"))
    assert params.nframes / params.framerate > 25


def test_unknown_voice_is_reported_as_unavailable(tmp_path):
    with pytest.raises(SpeechUnavailable, match="not installed"):
        Synthesizer(voice="xx-nonexistent").synthesize(PHRASE, tmp_path / "x.wav")


def test_missing_pyttsx3_is_reported_as_unavailable(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyttsx3.engine", None)  # what an uninstalled package looks like
    with pytest.raises(SpeechUnavailable, match="pyttsx3"):
        Synthesizer().synthesize(PHRASE, tmp_path / "x.wav")


def test_empty_text_is_refused(tmp_path):
    with pytest.raises(PhraseError):
        Synthesizer().synthesize("   ", tmp_path / "x.wav")


@pytest.mark.parametrize("kwargs", [{"rate": 20}, {"rate": 1000}, {"volume": -1}])
def test_out_of_range_voice_settings_are_refused(kwargs):
    with pytest.raises(PhraseError):
        Synthesizer(**kwargs)


def test_chime_is_two_tones_in_the_speech_format(tmp_path):
    params, samples = read(write_chime(tmp_path / "c.wav"))
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    seconds = params.nframes / params.framerate
    assert 1.0 <= seconds <= 2.0
    assert max(abs(s) for s in samples) <= 0.55 * 32767          # not louder than the voice
    assert abs(samples[0]) < 200 and abs(samples[-1]) < 200     # no click at either end
    first = dominant_hz(samples[int(0.05 * 22050):int(0.35 * 22050)])
    second = dominant_hz(samples[int(0.6 * 22050):int(0.9 * 22050)])
    assert first == pytest.approx(659.25, rel=0.05)
    assert second == pytest.approx(523.25, rel=0.05)


def test_announcement_is_chime_then_the_phrase_repeated(tmp_path):
    chime_s = len(chime_samples()) / 22050
    one = wavutil.wav_info(Announcement("A015", 3, repeat=1).render(tmp_path / "1.wav"))[3]
    two = wavutil.wav_info(Announcement("A015", 3, repeat=2).render(tmp_path / "2.wav"))[3]
    phrase_s = one - chime_s - (CHIME_GAP_MS + TAIL_MS) / 1000
    assert 1.5 <= phrase_s <= 8.0
    # espeak-ng output length varies by a few tens of ms between runs
    assert two == pytest.approx(one + phrase_s + REPEAT_GAP_MS / 1000, abs=0.06)
    params, samples = read(tmp_path / "2.wav")
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    assert samples[:len(chime_samples())] == chime_samples()
    assert not list(tmp_path.glob(".*part"))  # written atomically


def test_chime_only_announcement_when_speech_is_off(tmp_path):
    seconds = wavutil.wav_info(Announcement("A015", 3).render(tmp_path / "c.wav", speech=False))[3]
    assert seconds == pytest.approx(len(chime_samples()) / 22050 + TAIL_MS / 1000, abs=0.01)


def test_render_without_a_path_makes_a_temporary_file():
    path = Announcement("B002", 2, repeat=1).render()
    try:
        assert path.is_file() and path.suffix == ".wav"
    finally:
        path.unlink()


@pytest.mark.parametrize("kwargs", [{"repeat": 0}, {"repeat": 6}, {"mode": "mp3"}, {"lang": "fr"}])
def test_bad_announcement_settings_are_refused(kwargs):
    with pytest.raises(PhraseError):
        Announcement("A001", 1, **kwargs)


def test_settings_come_from_the_site():
    site = SimpleNamespace(announcement_template="Xin mời số {code} tới quầy {counter}",
                           announcement_template_en="Number {code} to desk {counter}", announcement_repeat=3)
    settings = AnnouncementSettings.from_site(site)
    vi = settings.announcement("A001", 2)
    en = settings.announcement("A001", 2, lang="en")
    assert (vi.repeat, vi.phrase().text) == (3, "Xin mời số a, không, không, một tới quầy hai")
    assert en.phrase().text == "Number A, zero, zero, one to desk two"
    assert AnnouncementSettings.from_site(None).repeat == 2


def test_a_broken_site_template_is_refused_when_loaded():
    with pytest.raises(PhraseError):
        AnnouncementSettings.from_site(SimpleNamespace(announcement_template="Mời {ten}"))
