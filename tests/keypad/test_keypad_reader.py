"""The reader on real serial lines: pty pairs, socat, TCP; unplugging; clean stop."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
import serial
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from keypad_helpers import NASTY_BYTES, FakeKeypad, wait_for, without_frames

from errors import Kind
from hardware.keypad import CONNECTED, ERROR, STOPPED, WAITING, KeypadError, KeypadReader, StaticDirectory
from hardware.keypad.framed import encode_frame
from services.keypad_ratings import rating_reader

LEVELS = {1, 2, 3}


def reader_for(path: str, collector, states=None, **options) -> KeypadReader:
    options.setdefault("directory", StaticDirectory(LEVELS, {1: 1, 17: 2, 0xFE: 99}))
    options.setdefault("protocol", "ascii")
    if options["protocol"] == "ascii":
        options.setdefault("counter", 2)
    return KeypadReader(path, on_press=collector, on_state=states, **options)


@pytest.fixture
def running(keypad, collector, states):
    """A started reader on the fake keypad; stopped after the test."""
    readers: list[KeypadReader] = []

    def start(**options) -> KeypadReader:
        reader = reader_for(keypad.path, collector, states, **options).start()
        readers.append(reader)
        wait_for(lambda: reader.state == CONNECTED)
        return reader

    yield start
    for reader in readers:
        reader.stop()


# ---------------------------------------------------------------- both formats

def test_ascii_digits_on_the_line_become_presses_for_the_configured_counter(running, keypad, collector):
    reader = running(protocol="ascii", counter=2)
    before = time.time()
    keypad.send(b"3\r\n")
    keypad.send(b"1 x")
    wait_for(lambda: len(collector.calls) == 2)
    assert collector.pairs() == [(2, 3), (2, 1)]
    assert all(before <= pressed_at <= time.time() for _, _, pressed_at in collector.calls)
    wait_for(lambda: reader.stats()["discarded_bytes"] == 1)


#: address 0xFE -> counter 99: sent last, its press proves every byte before it was processed
SENTINEL = encode_frame(0xFE, 1)


def test_framed_frames_go_to_the_counter_of_their_address(running, keypad, collector):
    reader = running(protocol="framed")
    keypad.send(encode_frame(1, 3) + b"\x00\xff" + encode_frame(17, 2))
    keypad.send(encode_frame(9, 1))            # no counter has address 9
    keypad.send(encode_frame(1, 7))            # 7 is not a configured level
    keypad.send(encode_frame(17, 1))
    wait_for(lambda: len(collector.calls) == 3)
    assert collector.pairs() == [(1, 3), (2, 2), (2, 1)]
    stats = wait_for(lambda: (s := reader.stats())["unknown_address"] == 1 and s["invalid_value"] == 1 and s)
    assert stats["presses"] == 5 and stats["recorded"] == 3 and stats["discarded_bytes"] == 2


def test_frame_split_across_writes_is_one_press(running, keypad, collector):
    running(protocol="framed")
    frame = encode_frame(1, 2)
    keypad.send(frame[:1])
    time.sleep(0.05)
    keypad.send(frame[1:3])
    time.sleep(0.05)
    keypad.send(frame[3:])
    wait_for(lambda: collector.pairs() == [(1, 2)])


def test_fragment_left_idle_is_not_completed_by_later_bytes(running, keypad, collector):
    reader = running(protocol="framed", frame_timeout_s=0.3)
    keypad.send(b"\x01\x01\x33")               # a box cut off mid-frame
    time.sleep(0.8)
    keypad.send(b"\x07" + encode_frame(1, 1))
    keypad.send(SENTINEL)                      # recorded only once everything before it was read
    wait_for(lambda: collector.pairs()[-1:] == [(99, 1)])
    assert collector.pairs() == [(1, 1), (99, 1)]
    assert reader.stats()["discarded_bytes"] == 4


@pytest.fixture
def framed_reader(running):
    """One reader for all hypothesis examples of a test (examples are told apart by SENTINEL)."""
    return running(protocol="framed")




@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(st.tuples(st.one_of(st.binary(max_size=60), NASTY_BYTES),
                                   st.sampled_from([1, 17]), st.integers(1, 3)), max_size=8),
       tail=st.one_of(st.binary(max_size=60), NASTY_BYTES))
def test_random_bytes_with_frames_over_a_pty_record_exactly_the_frames(framed_reader, keypad, collector,
                                                                       segments, tail):
    with collector.lock:
        collector.calls.clear()
    stream, sent = b"", []
    for noise, address, value in segments:
        stream += without_frames(noise) + encode_frame(address, value)
        sent.append(({1: 1, 17: 2}[address], value))
    keypad.send(stream + without_frames(tail) + SENTINEL)
    wait_for(lambda: collector.pairs()[-1:] == [(99, 1)])
    assert collector.pairs()[:-1] == sent


# ---------------------------------------------------------------- the port comes and goes

def test_unplug_and_replug_reconnects_within_2_s_and_keeps_recording(sqlite_site_db, keypad, states):
    from db.models import Rating

    reader = rating_reader(keypad.path, protocol="ascii", counter=1, on_state=states).start()
    try:
        wait_for(lambda: reader.state == CONNECTED)
        keypad.send(b"3")
        wait_for(lambda: Rating.select().count() == 1)
        keypad.unplug()
        wait_for(lambda: reader.state == WAITING)
        time.sleep(1.0)
        keypad.plug()
        replugged = time.monotonic()
        wait_for(lambda: reader.state == CONNECTED, timeout=5)
        assert time.monotonic() - replugged < 2.5      # tries again every 2 s
        keypad.send(b"1")
        wait_for(lambda: Rating.select().count() == 2)
        assert [r.value for r in Rating.select().order_by(Rating.id)] == [3, 1]
        assert reader.stats()["reconnects"] == 1
    finally:
        reader.stop()
    assert states.states == [CONNECTED, WAITING, CONNECTED, STOPPED]


def test_port_absent_at_start_is_waited_for(tmp_path, collector, states):
    reader = reader_for(str(tmp_path / "keypad"), collector, states, reopen_s=0.2).start()
    try:
        wait_for(lambda: states.last == WAITING)
        assert "No such file" in reader.detail
        pad = FakeKeypad(tmp_path)
        wait_for(lambda: reader.state == CONNECTED)
        pad.send(b"2")
        wait_for(lambda: collector.pairs() == [(2, 2)])
        pad.close()
    finally:
        reader.stop()
    assert states.states[:2] == [WAITING, CONNECTED]


def test_port_held_by_another_program_is_an_error_until_released(keypad, collector, states):
    other = serial.Serial(keypad.path, exclusive=True)
    reader = reader_for(keypad.path, collector, states, reopen_s=0.2).start()
    try:
        wait_for(lambda: states.last == ERROR)
        assert "lock" in reader.detail.lower()
        other.close()
        wait_for(lambda: reader.state == CONNECTED)
        keypad.send(b"1")
        wait_for(lambda: collector.pairs() == [(2, 1)])
    finally:
        reader.stop()
        other.close()


@pytest.mark.skipif(shutil.which("socat") is None, reason="socat not installed")
def test_socat_link_removed_and_recreated_is_reopened(tmp_path, collector, states):
    port, box = tmp_path / "ttyKEYPAD", tmp_path / "ttyBOX"

    def start_socat() -> subprocess.Popen:
        proc = subprocess.Popen(["socat", f"pty,raw,echo=0,link={port}", f"pty,raw,echo=0,link={box}"],
                                stderr=subprocess.DEVNULL)
        wait_for(lambda: port.exists() and box.exists())
        return proc

    socat = start_socat()
    reader = reader_for(str(port), collector, states, protocol="framed").start()
    try:
        wait_for(lambda: reader.state == CONNECTED)
        with serial.Serial(str(box)) as line:
            line.write(encode_frame(17, 3))
            wait_for(lambda: collector.pairs() == [(2, 3)])
        socat.send_signal(signal.SIGTERM)
        socat.wait(5)
        wait_for(lambda: reader.state == WAITING)
        socat = start_socat()
        wait_for(lambda: reader.state == CONNECTED, timeout=5)
        with serial.Serial(str(box)) as line:
            line.write(encode_frame(1, 1))
            wait_for(lambda: collector.pairs() == [(2, 3), (1, 1)])
    finally:
        reader.stop()
        socat.terminate()
        socat.wait(5)


def test_socket_url_reconnects_when_the_converter_comes_back(collector, states):
    server = socket.create_server(("127.0.0.1", 0))
    host, port = server.getsockname()
    reader = reader_for(f"socket://{host}:{port}", collector, states, protocol="framed", reopen_s=0.2).start()
    try:
        conn, _ = server.accept()
        wait_for(lambda: reader.state == CONNECTED)  # pyserial drops what arrives while it opens
        conn.sendall(encode_frame(1, 2))
        wait_for(lambda: collector.pairs() == [(1, 2)])
        conn.close()                                        # converter rebooted
        wait_for(lambda: reader.state == WAITING)
        conn, _ = server.accept()
        wait_for(lambda: reader.state == CONNECTED)
        conn.sendall(encode_frame(17, 3))
        wait_for(lambda: collector.pairs() == [(1, 2), (2, 3)])
        conn.close()
    finally:
        reader.stop()
        server.close()


def test_stop_joins_both_threads_quickly(running, keypad, collector):
    reader = running()
    started = time.monotonic()
    reader.stop()
    assert time.monotonic() - started < 1.0
    assert not reader.is_running() and reader.state == STOPPED
    assert not [t for t in threading.enumerate() if t.name.startswith("keypad-") and keypad.path in t.name]


def test_ascii_reader_needs_a_counter(keypad, collector):
    with pytest.raises(KeypadError) as info:
        KeypadReader(keypad.path, protocol="ascii", on_press=collector)
    assert info.value.kind is Kind.DEVICE_INPUT and info.value.exit_code == 2 and isinstance(info.value, ValueError)
