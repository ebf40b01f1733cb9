"""Time buckets for medians and p90 over long report ranges (docs/rollup.md, "Medians and p90").

A median is not a sum, so a rollup cannot add up per-day medians; it adds up
per-bucket counts instead and reads the rank from the summed histogram.  The
buckets are 10 s wide below 2 h, 5 min up to 12 h, 1 h above (and one bucket
for negative times, which only a wrong clock produces).  The estimate of a
rank is the midpoint of the bucket holding it, clamped to the exact maximum,
so it is off by at most half a bucket: 5 s below 2 h, 2.5 min below 12 h.
"""

from __future__ import annotations

from collections.abc import Iterable

#: (upper bound s, bucket width s, first bucket index) of each band; above the last: 1 h buckets
_FINE_S, _FINE_W = 7200, 10
_MID_S, _MID_W = 43200, 300
_COARSE_W = 3600
_MID_FIRST = _FINE_S // _FINE_W                       # 720
_COARSE_FIRST = _MID_FIRST + (_MID_S - _FINE_S) // _MID_W  # 840

#: the largest error of an estimate below 2 h (what docs/reports.md promises)
FINE_ERROR_S = _FINE_W / 2


def bucket_sql(value: str, floor_int) -> str:
    """SQL for the bucket index of ``value`` (seconds); ``floor_int`` is the engine's whole-part function."""
    return (f"(CASE WHEN {value} < 0 THEN -1 "
            f"WHEN {value} < {_FINE_S} THEN {floor_int(f'({value}) / {_FINE_W}')} "
            f"WHEN {value} < {_MID_S} THEN {_MID_FIRST} + {floor_int(f'(({value}) - {_FINE_S}) / {_MID_W}')} "
            f"ELSE {_COARSE_FIRST} + {floor_int(f'(({value}) - {_MID_S}) / {_COARSE_W}')} END)")


def bucket_of(value: float) -> int:
    """The bucket index of ``value``, as ``bucket_sql`` computes it (for tests and checks)."""
    if value < 0:
        return -1
    if value < _FINE_S:
        return int(value // _FINE_W)
    if value < _MID_S:
        return _MID_FIRST + int((value - _FINE_S) // _MID_W)
    return _COARSE_FIRST + int((value - _MID_S) // _COARSE_W)


def midpoint(bucket: int) -> float:
    """The value reported for a rank that falls in ``bucket``."""
    if bucket < 0:
        return 0.0
    if bucket < _MID_FIRST:
        return bucket * _FINE_W + _FINE_W / 2
    if bucket < _COARSE_FIRST:
        return _FINE_S + (bucket - _MID_FIRST) * _MID_W + _MID_W / 2
    return _MID_S + (bucket - _COARSE_FIRST) * _COARSE_W + _COARSE_W / 2


def median_and_p90(counts: Iterable[tuple[int, int]], maximum: float | None) -> tuple[float | None, float | None]:
    """(median, p90) from (bucket, n) pairs, with the ranks of db/reports.py.

    Median = mean of ranks (n+1)//2 and (n+2)//2, p90 = rank (9n+9)//10 (nearest
    rank), each read as its bucket's midpoint and never above ``maximum``.
    """
    pairs = sorted((int(b), int(n)) for b, n in counts if n)
    total = sum(n for _, n in pairs)
    if not total:
        return None, None
    wanted = sorted({(total + 1) // 2, (total + 2) // 2, (9 * total + 9) // 10})
    found: dict[int, float] = {}
    seen = 0
    position = 0
    for bucket, n in pairs:
        seen += n
        while position < len(wanted) and wanted[position] <= seen:
            value = midpoint(bucket)
            found[wanted[position]] = min(value, maximum) if maximum is not None else value
            position += 1
    median = (found[(total + 1) // 2] + found[(total + 2) // 2]) / 2
    return median, found[(9 * total + 9) // 10]
