"""What keeps the agent's own work off the timed path of a run.

Between the two clock reads of a sample there is only the runner's ``infer``. Around
them the timed thread does no I/O and allocates nothing the collector tracks: it writes
two integers into preallocated arrays (:class:`SampleBuffer`) and publishes how many
samples are complete. A :class:`Sender` thread turns published samples into ``samples``
frames and sends them (and the ``heartbeat`` when there is nothing to send), in frames of
at most :data:`FRAME_ROWS` rows, so that it never holds the interpreter's lock for long:
a timed thread whose ``infer`` released the lock needs it back before its second clock
read. Python's cyclic garbage collector is frozen and paused while any run measures
(:func:`collector_paused`): a collection stops every thread, the timed one included.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from array import array
from collections.abc import Callable

import numpy as np

from studio.agent import protocol

BLOCK_ROWS = 1 << 16  # samples per preallocated block (1 MiB: two int64 per sample)
# rows per samples frame: encoding one holds the interpreter's lock (~0.1 ms for 128
# rows), which a timed thread coming back from ``infer`` may have to wait for
FRAME_ROWS = 128
FLUSH_SECONDS = 0.05
HEARTBEAT_SECONDS = 0.5

_collector_lock = threading.Lock()
_collector_users = 0
_collector_was_enabled = False


@contextlib.contextmanager
def collector_paused():
    """Freeze the objects alive now and pause the cyclic collector, for the process.

    Runs of several connections overlap: the first to start pauses it, the last to end
    restores it as it was (enabled or not).
    """
    global _collector_users, _collector_was_enabled
    with _collector_lock:
        if _collector_users == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
            gc.freeze()
        _collector_users += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_users -= 1
            if _collector_users == 0:
                gc.unfreeze()
                if _collector_was_enabled:
                    gc.enable()


class SampleBuffer:
    """Start and end clock readings (ns) in preallocated blocks; one writer, one reader.

    The writer (the timed thread) fills ``block`` at ``pos`` and calls :meth:`publish`
    after each sample; a full block is replaced by :meth:`next_block`, which allocates
    the next one between samples, never between clock reads.
    """

    def __init__(self, block_rows: int | None = None):
        self.block_rows = block_rows or BLOCK_ROWS
        self.blocks: list[tuple[array, array]] = []
        self.count = 0  # samples complete and readable; written by the timed thread only
        self.next_block()

    def next_block(self) -> tuple[array, array]:
        zeros = bytes(8 * self.block_rows)
        block = (array("q", zeros), array("q", zeros))
        self.blocks.append(block)
        return block

    def rows(self, first: int, last: int) -> list[list]:
        """Samples ``first`` up to ``last`` as [index, latency_us, t_us] rows."""
        size = self.block_rows
        out: list[list] = []
        while first < last:
            starts, ends = self.blocks[first // size]
            lo = first % size
            hi = min(size, lo + last - first)
            s = np.frombuffer(starts, dtype=np.int64)[lo:hi]
            e = np.frombuffer(ends, dtype=np.int64)[lo:hi]
            latency = np.round((e - s) / 1000.0, 3).tolist()
            indexes = range(first, first + hi - lo)
            out += map(list, zip(indexes, latency, (s // 1000).tolist(), strict=True))
            first += hi - lo
        return out

    def latencies_us(self) -> np.ndarray:
        """Every complete sample's latency in µs."""
        count, size = self.count, self.block_rows
        if not count:
            return np.zeros(0)
        parts = []
        for number, (starts, ends) in enumerate(self.blocks):
            used = min(size, count - number * size)
            if used <= 0:
                break
            s = np.frombuffer(starts, dtype=np.int64, count=used)
            e = np.frombuffer(ends, dtype=np.int64, count=used)
            parts.append((e - s) / 1000.0)
        return np.concatenate(parts)


class Sender(threading.Thread):
    """Sends a run's published samples every :data:`FLUSH_SECONDS`, and heartbeats.

    ``send(doc)`` raising OSError (the client is gone) ends the sender, sets ``gone`` and
    ``stop`` (the run's stop event).
    :meth:`finish` sends what is left and returns once everything is sent.
    """

    def __init__(
        self,
        buffer: SampleBuffer,
        send: Callable[[dict], None],
        clock_us: Callable[[], int],
        stop: threading.Event | None = None,
    ):
        super().__init__(daemon=True, name="agent-sender")
        self.stop = stop
        self.buffer = buffer
        self.send = send
        self.clock_us = clock_us
        self.sent = 0
        self.gone = threading.Event()
        self._done = threading.Event()
        self._last_send = time.monotonic()

    def run(self) -> None:
        try:
            while not self._done.wait(FLUSH_SECONDS):
                if not self._flush() and time.monotonic() - self._last_send >= HEARTBEAT_SECONDS:
                    self._send(
                        {
                            "type": protocol.HEARTBEAT,
                            "t_us": self.clock_us(),
                            "count": self.buffer.count,
                        }
                    )
            self._flush()
        except OSError:
            self.gone.set()
            if self.stop is not None:  # nobody reads the run any more
                self.stop.set()

    def _send(self, doc: dict) -> None:
        self.send(doc)
        self._last_send = time.monotonic()

    def _flush(self) -> bool:
        """Send every sample published so far; whether there were any."""
        published = self.buffer.count
        if published == self.sent:
            return False
        while self.sent < published:
            last = min(published, self.sent + FRAME_ROWS)
            rows = self.buffer.rows(self.sent, last)
            self._send({"type": protocol.SAMPLES, "start": self.sent, "samples": rows})
            self.sent = last
        return True

    def finish(self) -> bool:
        """Send the rest and stop; False when the client is gone."""
        self._done.set()
        self.join()
        return not self.gone.is_set()
