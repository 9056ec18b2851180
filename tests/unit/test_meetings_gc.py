"""chainmap.meetings.cyclic_gc_paused: the collector is off while any pack is being built or
rendered, back on when the last one ends, and someone else's gc.disable() is respected."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from chainmap.meetings import cyclic_gc_paused


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_resumed_after_even_on_error() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("rendering failed")
    assert gc.isenabled()


def test_overlapping_pauses_in_threads_resume_only_when_the_last_ends() -> None:
    """Two requests' packs overlap: the first to finish must not turn the collector back on
    under the second."""
    gc.enable()
    first_in, first_out, second_done = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with cyclic_gc_paused():
            first_in.set()
            first_out.wait(5)
        seen["after first ended, second still inside"] = gc.isenabled()
        second_done.set()

    t = threading.Thread(target=first)
    t.start()
    assert first_in.wait(5)
    with cyclic_gc_paused():
        first_out.set()
        assert second_done.wait(5)
        seen["second still inside"] = gc.isenabled()
    t.join(5)
    assert seen == {"after first ended, second still inside": False, "second still inside": False}
    assert gc.isenabled()


def test_a_collector_disabled_by_someone_else_stays_disabled() -> None:
    gc.disable()
    with cyclic_gc_paused(), cyclic_gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
