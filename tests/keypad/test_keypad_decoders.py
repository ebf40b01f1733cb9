"""The wire formats of docs/interfaces.md §6, byte by byte (no serial port needed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keypad_helpers import NASTY_BYTES, VALID_FRAME, without_frames

from hardware.keypad import Press, make_decoder
from hardware.keypad.ascii import AsciiDecoder
from hardware.keypad.framed import FramedDecoder, encode_frame


def feed_chunks(decoder, chunks):
    presses, discarded = [], 0
    for chunk in chunks:
        result = decoder.feed(chunk)
        presses.extend(result.presses)
        discarded += result.discarded_bytes
    return presses, discarded


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:])]


# ---------------------------------------------------------------- ascii

def test_ascii_each_digit_is_one_press_and_separators_are_ignored():
    presses, discarded = feed_chunks(AsciiDecoder(), [b"3\r\n", b"1 2", b"\n9"])
    assert [p.value for p in presses] == [3, 1, 2, 9]
    assert all(p.address is None for p in presses)
    assert discarded == 0


def test_ascii_zero_letters_and_control_bytes_are_discarded_and_counted():
    result = AsciiDecoder().feed(b"0a\x00\xff3\x1b")
    assert result.presses == [Press(3)]
    assert result.discarded_bytes == 5


@settings(max_examples=300)
@given(st.lists(st.tuples(st.binary(max_size=20), st.integers(1, 9)), max_size=20), st.lists(st.integers(0, 500)))
def test_ascii_noise_between_digits_gives_exactly_the_digits(segments, cuts):
    stream, sent = b"", []
    for noise, value in segments:
        stream += noise.translate(None, b"123456789") + str(value).encode()
        sent.append(value)
    presses, discarded = feed_chunks(AsciiDecoder(), split(stream, cuts))
    assert [p.value for p in presses] == sent
    separators = sum(stream.count(b) for b in (b"\r", b"\n", b" "))
    assert discarded == len(stream) - len(sent) - separators


# ---------------------------------------------------------------- framed

def test_framed_frame_gives_address_and_value():
    result = FramedDecoder().feed(bytes([0x01, 0x02, 0x33, 0x07]))
    assert result.presses == [Press(3, 2)]
    assert (result.discarded_bytes, result.discarded_frames) == (0, 0)


def test_framed_frame_split_byte_by_byte_is_one_press():
    decoder = FramedDecoder()
    presses, _ = feed_chunks(decoder, [bytes([b]) for b in encode_frame(9, 1)])
    assert presses == [Press(1, 9)]
    assert decoder.pending() == 0


def test_framed_start_and_end_bytes_are_valid_addresses():
    presses, _ = feed_chunks(FramedDecoder(), [encode_frame(0x01, 2) + encode_frame(0x07, 3) + encode_frame(0x31, 1)])
    assert presses == [Press(2, 0x01), Press(3, 0x07), Press(1, 0x31)]


def test_framed_partial_frame_then_valid_frame_gives_only_the_valid_one():
    decoder = FramedDecoder()
    presses, discarded = feed_chunks(decoder, [b"\x01\x04", encode_frame(4, 2), b"\x01\x04\x33", encode_frame(6, 1)])
    assert presses == [Press(2, 4), Press(1, 6)]
    assert discarded == 5


@pytest.mark.parametrize("frame", [b"\x01\x02\x30\x07", b"\x01\x02\x3a\x07", b"\x01\x02\x33\x08", b"\x02\x02\x33\x07"])
def test_framed_wrong_key_end_or_start_byte_is_discarded(frame):
    result = FramedDecoder().feed(frame)
    assert result.presses == []
    assert result.discarded_bytes == 4


def test_framed_reset_drops_and_counts_an_unfinished_frame():
    decoder = FramedDecoder()
    decoder.feed(b"\x01\x05")
    dropped = decoder.reset()
    assert (dropped.discarded_bytes, dropped.discarded_frames) == (2, 1)
    # the rest of that fragment arriving later must not complete it
    assert decoder.feed(b"\x33\x07").presses == []


@settings(max_examples=500)
@given(st.lists(st.tuples(st.one_of(st.binary(max_size=40), NASTY_BYTES),
                          st.integers(0, 255), st.integers(1, 9)), max_size=15),
       st.one_of(st.binary(max_size=40), NASTY_BYTES), st.lists(st.integers(0, 2000)))
def test_framed_random_bytes_interleaved_with_frames_give_exactly_the_frames(segments, tail, cuts):
    stream, sent = b"", []
    for noise, address, value in segments:
        stream += without_frames(noise) + encode_frame(address, value)
        sent.append(Press(value, address))
    stream += without_frames(tail)
    decoder = FramedDecoder()
    presses, discarded = feed_chunks(decoder, split(stream, cuts))
    assert presses == sent
    # every byte is accounted for: in a press, discarded, or held as an unfinished frame
    assert 4 * len(presses) + discarded + decoder.pending() == len(stream)


@settings(max_examples=300)
@given(st.binary(max_size=400), st.lists(st.integers(0, 400)))
def test_framed_any_bytes_give_presses_only_where_the_bytes_hold_a_frame(data, cuts):
    decoder = FramedDecoder()
    presses, discarded = feed_chunks(decoder, split(data, cuts))
    windows = {Press(data[i + 2] - 0x30, data[i + 1]) for i in range(len(data) - 3)
               if VALID_FRAME.fullmatch(data[i:i + 4])}
    assert set(presses) <= windows
    assert 4 * len(presses) + discarded + decoder.pending() == len(data)


def test_make_decoder_knows_both_protocols_and_refuses_others():
    assert make_decoder("ascii").protocol == "ascii"
    assert make_decoder("framed").protocol == "framed"
    with pytest.raises(ValueError):
        make_decoder("modbus")
