"""Finding the band a score falls in, and checking that bands cover a score range."""

from __future__ import annotations

from .model import Band, BandSet


def find_band(bands: BandSet, score: float) -> Band | None:
    """The band whose lower bound is the highest one not above the score.

    Lower bounds only, so that a prorated score such as 9.5 lands in the band that
    starts at 5 rather than falling between 5-9 and 10-14.
    """
    ranges = bands.ranges
    if score < ranges[0].min or score > ranges[-1].max:
        return None
    found = ranges[0]
    for band in ranges:
        if band.min <= score:
            found = band
    return found


def coverage_problem(bands: BandSet, low: int, high: int) -> str | None:
    """None if the bands run from low to high without gaps or overlaps, else why not."""
    ranges = bands.ranges
    if not ranges:
        return "must have at least one band"
    if ranges[0].min != low or ranges[-1].max != high:
        return f"must run from {low} to {high}, not {ranges[0].min} to {ranges[-1].max}"
    codes = [band.code for band in ranges]
    if len(set(codes)) != len(codes):
        return "band codes must be unique"
    for band in ranges:
        if band.min > band.max:
            return f"band {band.code} has min above max"
    for previous, band in zip(ranges, ranges[1:], strict=False):
        if band.min != previous.max + 1:
            return f"band {band.code} must start at {previous.max + 1} (no gaps or overlaps)"
    return None
