"""tessera.core.deferred: work a bulk write lets wait (decision 0034)."""

from __future__ import annotations

import pytest

from tessera.core.deferred import defer, deferred


def test_outside_a_block_nothing_is_deferred():
    assert defer(print, 1) is False


def test_each_key_is_flushed_once_in_the_order_first_seen_when_the_block_ends():
    flushed = []
    with deferred():
        with deferred():  # a nested block joins the outer one
            assert defer(flushed.append, 3) is True
        defer(flushed.append, 1)
        defer(flushed.append, 3)
        assert flushed == []
    assert flushed == [[3, 1]]


def test_nothing_is_flushed_after_an_error():
    flushed = []
    with pytest.raises(RuntimeError), deferred():
        defer(flushed.append, 1)
        raise RuntimeError
    assert flushed == []
    assert defer(flushed.append, 2) is False
