"""``onestop announce``: a WAV file or the speakers, one JSON document on stdout, one line on refusal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hardware.speech import wavutil

ROOT = Path(__file__).resolve().parents[2]


def announce(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the CLI with no database configured unless ``env``/``--db`` names one.

    XDG_DATA_HOME points nowhere so that an embedded default database left by
    a demo on this machine cannot change the template under test.
    """
    environment = {k: v for k, v in os.environ.items() if k != "ONESTOP_DB"}
    environment.update({"XDG_DATA_HOME": "/nonexistent/onestop-test-data", **(env or {})})
    return subprocess.run([sys.executable, "-m", "cli.main", "announce", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_announce_writes_a_wav_and_prints_one_json_document(tmp_path):
    out = tmp_path / "a.wav"
    done = announce("A015", "--counter", "3", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    document = json.loads(done.stdout)        # exactly one document: nothing else on stdout
    assert done.stdout.count("\n") == 1
    assert document["text"] == "Mời công dân có số thứ tự a, không, một, năm đến quầy số ba"
    assert document["file"] == str(out) and document["played"] is False
    channels, width, rate, seconds = wavutil.wav_info(out)
    assert (channels, width, rate) == (1, 2, 22050)
    assert 6 < seconds < 20 and document["duration_s"] == pytest.approx(seconds, abs=0.01)


def test_announce_in_english_with_whole_numbers_from_clips(tmp_path):
    done = announce("B105", "--counter", "21", "--whole-numbers", "--out", str(tmp_path / "b.wav"))
    assert json.loads(done.stdout)["text"] == (
        "Mời công dân có số thứ tự bê, một trăm linh năm đến quầy số hai mươi mốt")
    done = announce("B105", "--counter", "2", "--lang", "en", "--out", str(tmp_path / "e.wav"))
    assert json.loads(done.stdout)["text"] == "Ticket B, one, zero, five, please go to counter two"
    done = announce("B105", "--counter", "2", "--mode", "clips", "--repeat", "1", "--out", str(tmp_path / "c.wav"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["repeat"] == 1


@pytest.mark.parametrize("args, code", [
    (["A015", "--counter", "0"], 2),
    (["A€15", "--counter", "1"], 2),
    (["A015", "--counter", "1", "--repeat", "9"], 2),
    (["A015", "--counter", "1", "--mode", "clips", "--clips", "/nonexistent/folder"], 2),
    (["A015", "--counter", "1", "--voice", "xx-none"], 3),
])
def test_refusals_are_one_line_on_stderr_with_the_contract_exit_code(tmp_path, args, code):
    done = announce(*args, "--out", str(tmp_path / "x.wav"))
    assert done.returncode == code
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_malformed_command_line_exits_2(tmp_path):
    assert announce("A015", "--counter", "x", "--out", str(tmp_path / "x.wav")).returncode == 2  # argparse usage


def test_missing_clips_are_named(tmp_path):
    (tmp_path / "clips").mkdir()
    done = announce("A015", "--counter", "1", "--clips", str(tmp_path / "clips"),  # --clips implies clip mode
                    "--out", str(tmp_path / "x.wav"))
    assert done.returncode == 2
    assert "letter_a.wav" in done.stderr and "moi_cong_dan_co_so_thu_tu.wav" in done.stderr


def test_playing_without_speakers_says_so_clearly():
    done = announce("A015", "--counter", "3", "--repeat", "1")
    if done.returncode == 0:  # a machine with a sound card
        assert json.loads(done.stdout)["played"] is True
        return
    assert done.returncode == 3
    assert json.loads(done.stdout)["played"] is False
    assert len(done.stderr.strip().splitlines()) == 1
    assert "--out" in done.stderr


def test_the_site_template_and_repeat_come_from_the_database(tmp_path):
    example = (ROOT / "db" / "example_site.toml").read_text(encoding="utf-8")
    site = re.sub(r"\[announcements\].*?(?=\n\[|\Z)",
                  '[announcements]\ntemplate = "Xin mời số {code} tới quầy {counter}"\n'
                  'template_en = "Number {code} to desk {counter}"\nrepeat = 1\n', example, flags=re.S)
    (tmp_path / "site.toml").write_text(site, encoding="utf-8")
    url = f"sqlite:///{(tmp_path / 'onestop.db').as_posix()}"
    init = subprocess.run([sys.executable, "-m", "cli.main", "--db", url, "init", "--site",
                           str(tmp_path / "site.toml")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, f"onestop init failed: {init.stderr.strip()}"
    done = announce("A015", "--counter", "3", "--db", url, "--out", str(tmp_path / "a.wav"))
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["text"] == "Xin mời số a, không, một, năm tới quầy ba" and document["repeat"] == 1
    done = announce("A015", "--counter", "3", "--lang", "en", "--out", str(tmp_path / "e.wav"),
                    env={"ONESTOP_DB": url})
    assert json.loads(done.stdout)["text"] == "Number A, zero, one, five to desk three"
