"""A mapping filled, in key order, by another thread while its reader already uses it.

The meeting pack's history digest is the one big read that is mostly the database's work:
PostgreSQL hands the rows over in lead order as it computes them. :class:`StreamedMapping`
lets the pack start on the first leads while the server still works on the last: a
producer thread :meth:`~StreamedMapping.feed`\\ s it batches of values in ascending key
order; a reader's ``get(k)`` waits only until the producer has passed ``k``. Iterating,
``len`` and ``in`` wait for the whole stream.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Generic, TypeVar

V = TypeVar("V")

_END = object()


class StreamedMapping(Mapping[int, V], Generic[V]):
    """Values keyed by int, arriving in ascending key order (see the module docstring)."""

    def __init__(self, key: Callable[[V], int]) -> None:
        self._key = key
        self._inbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._data: dict[int, V] = {}
        self._high: int | None = None  # the highest key received so far
        self._done = False
        self._stop = threading.Event()

    # --- the producer's side ------------------------------------------------------------

    def feed(self, batches: Iterable[Sequence[V]]) -> None:
        """Pass on ``batches`` (each in ascending key order, each after the one before) and
        mark the end, in the producer's thread. An exception is handed to the reader, and
        raised here as well. Stops early once :meth:`close` has been called."""
        try:
            for batch in batches:
                if self._stop.is_set():
                    break
                if batch:
                    self._inbox.put(batch)
        except BaseException as exc:
            self._inbox.put(exc)
            raise
        finally:
            self._inbox.put(_END)

    # --- the reader's side --------------------------------------------------------------

    def _pull(self) -> None:
        item = self._inbox.get()
        if item is _END:
            self._done = True
            return
        if isinstance(item, BaseException):
            self._done = True
            raise RuntimeError("the stream feeding this mapping failed") from item
        batch: Sequence[V] = item  # type: ignore[assignment]
        key = self._key
        data = self._data
        for value in batch:
            data[key(value)] = value
        self._high = key(batch[-1])

    def _drain(self) -> None:
        while not self._done:
            self._pull()

    def get(self, k: int, default: V | None = None) -> V | None:  # type: ignore[override]
        while not self._done and (self._high is None or k > self._high):
            self._pull()
        return self._data.get(k, default)

    def __getitem__(self, k: int) -> V:
        value = self.get(k)
        if value is None:
            raise KeyError(k)
        return value

    def __iter__(self) -> Iterator[int]:
        self._drain()
        return iter(self._data)

    def __len__(self) -> int:
        self._drain()
        return len(self._data)

    def close(self) -> None:
        """Tell the producer to stop (it ends after the batch it is on) and wait for the end
        of the stream; an error the producer met is not raised again here."""
        self._stop.set()
        while not self._done:
            with contextlib.suppress(RuntimeError):
                self._pull()
