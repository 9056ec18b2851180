"""chainmap.store.streamed.StreamedMapping: a reader uses the first keys while the producer is
still on later ones; missing keys, the end of the stream, errors and an early close."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from chainmap.store.streamed import StreamedMapping


def _key(pair: tuple[int, str]) -> int:
    return pair[0]


def _gated(
    batches: list[list[tuple[int, str]]], gates: list[threading.Event]
) -> Iterator[list[tuple[int, str]]]:
    """Each batch only once its gate is set: the producer is held where the test wants."""
    for batch, gate in zip(batches, gates, strict=True):
        assert gate.wait(5)
        yield batch


def test_get_waits_only_until_the_producer_has_passed_the_key() -> None:
    m: StreamedMapping[tuple[int, str]] = StreamedMapping(_key)
    gates = [threading.Event(), threading.Event()]
    producer = threading.Thread(
        target=m.feed, args=(_gated([[(1, "a"), (3, "c")], [(7, "g")]], gates),)
    )
    producer.start()
    gates[0].set()
    # The second batch is held back, yet keys up to 3 are answered, present or not.
    assert m.get(1) == (1, "a")
    assert m.get(2) is None
    assert m[3] == (3, "c")
    assert not gates[1].is_set()
    gates[1].set()
    assert m.get(5) is None and m.get(7) == (7, "g")
    assert m.get(100) is None  # past the end of the stream
    assert sorted(m) == [1, 3, 7] and len(m) == 3 and 3 in m and 4 not in m
    with pytest.raises(KeyError):
        m[4]
    producer.join(5)


def test_an_error_in_the_producer_reaches_the_reader() -> None:
    m: StreamedMapping[tuple[int, str]] = StreamedMapping(_key)

    def failing() -> Iterator[list[tuple[int, str]]]:
        yield [(1, "a")]
        raise ConnectionError("server closed the connection")

    with pytest.raises(ConnectionError):
        m.feed(failing())
    assert m.get(1) == (1, "a")
    with pytest.raises(RuntimeError) as caught:
        m.get(2)
    assert isinstance(caught.value.__cause__, ConnectionError)
    m.close()  # already at the end: returns without raising again


def test_close_stops_the_producer_after_its_current_batch() -> None:
    m: StreamedMapping[tuple[int, str]] = StreamedMapping(_key)
    sent: list[int] = []

    def endless() -> Iterator[list[tuple[int, str]]]:
        i = 0
        while True:
            i += 1
            sent.append(i)
            yield [(i, str(i))]

    first = threading.Event()

    def produce() -> None:
        first.set()
        m.feed(endless())

    producer = threading.Thread(target=produce)
    producer.start()
    assert first.wait(5)
    m.close()
    producer.join(5)
    assert not producer.is_alive()  # an endless producer stopped once the reader closed
    assert sent  # and it had been producing
