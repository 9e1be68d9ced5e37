"""Does the window stay responsive while it works? (targets: stall <= 50 ms, no sample lost)

Two phases in one real main window (offscreen):

1. a conversion of the sample model (pte and ptl, static int8, verified) runs in the
   worker process while a 5 ms timer on the UI thread records the longest gap between
   its ticks (the longest event-loop stall);
2. 2,000 latency samples per second stream into the Latency tab through the same
   callback a device benchmark uses, from a background thread, in batches as the agent
   sends them; the stall is recorded the same way, and at the end the samples the tab
   holds are compared with those sent.

    python benchmarks/ui_responsiveness.py [--stream-seconds 5] [--rate 2000]

Prints one JSON object as its last line: max_stall_ms (the worse phase),
conversion_stall_ms, stream_stall_ms, samples_sent, samples_lost; and for context
idle_stall_ms (the same meter while the window idles: the machine's own scheduling
jitter, which on a loaded machine can exceed the target by itself), the time the
Latency tab spends per redraw (refresh_ms_*) and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

TICK_MS = 5
BATCH = 20  # rows per samples event (the agent batches its samples too)


class StallMeter:
    """Longest gap between ticks of a 5 ms timer on the UI thread, beyond the interval."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.worst_ms = 0.0
        self._last = None

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.worst_ms = max(self.worst_ms, (now - self._last) * 1e3 - TICK_MS)
        self._last = now

    def start(self) -> None:
        self.worst_ms, self._last = 0.0, None
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return round(self.worst_ms, 1)


def spin_until(condition, timeout: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(10)
    deadline = time.monotonic() + timeout

    def check():
        if condition() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    if not condition():
        raise SystemExit("timed out")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stream-seconds", type=float, default=5.0)
    parser.add_argument("--rate", type=int, default=2000, help="samples per second")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="ui-responsiveness-"))
    os.environ["MODEL_STUDIO_DATA_DIR"] = str(work / "data")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        os.environ["ANDROID_ADB_SERVER_PORT"] = str(s.getsockname()[1])
    from studio.devices.adb import default_server, kill_server, start_server

    server = start_server(default_server())
    try:
        doc = measure(work, args.stream_seconds, args.rate)
    finally:
        kill_server(server)
    print(json.dumps(doc))
    sys.stdout.flush()
    os._exit(0)  # skip the interpreter's teardown of Qt objects


def measure(work: Path, seconds: float, rate: int) -> dict:
    import numpy as np

    from studio.agent.results import BenchEvent
    from studio.ui.app import create_app
    from studio.ui.latency_run import LatencyRun
    from studio.ui.main_window import MainWindow
    from studio.ui.settings import Settings

    app = create_app("")
    window = MainWindow(settings=Settings(work / "settings.ini"))
    window.resize(1280, 860)
    window.show()
    window.worker.start()
    meter = StallMeter()

    # 0. The machine's own jitter: the same meter while the window idles.
    meter.start()
    idle_until = time.monotonic() + 3.0
    spin_until(lambda: time.monotonic() > idle_until, 10)
    idle_stall = meter.stop()

    # 1. A conversion in the worker.
    window.model_tab.open_sample()
    spin_until(lambda: window.state.model_ready, 180)
    convert = window.convert_tab
    window.go_to("convert")
    for target, box in convert.target_boxes.items():
        box.setChecked(target in ("pte", "ptl"))
    convert.quantize_combo.setCurrentIndex(convert.quantize_combo.findData("static"))
    convert.output_edit.setText(str(work / "artifacts"))
    meter.start()
    started = time.perf_counter()
    convert.start()
    spin_until(lambda: convert.job.done, 600)
    conversion_s = time.perf_counter() - started
    conversion_stall = meter.stop()
    if convert.job.error:
        raise SystemExit(f"the conversion failed: {convert.job.error}")

    # 2. 2,000 samples a second into the Latency tab.
    latency = window.latency_tab
    window.tabs.setTabEnabled(4, True)
    window.tabs.setCurrentIndex(4)
    run = latency.model.add(LatencyRun("stream", "a stream", str(work / "artifacts" / "model.pte")))
    callback = run.on_event
    spin_until(lambda: False if time.sleep(0.01) else latency.isVisible(), 10)
    settle_until = time.monotonic() + 1.0  # the tab's first paint is not part of the stream
    spin_until(lambda: time.monotonic() > settle_until, 5)
    total = int(seconds * rate)
    sent = [0]

    def feed() -> None:
        rng = np.random.default_rng(0)
        interval = BATCH / rate
        next_time = time.perf_counter()
        index = 0
        while index < total:
            count = min(BATCH, total - index)
            rows = np.empty((count, 3))
            rows[:, 0] = np.arange(index, index + count)
            rows[:, 1] = rng.gamma(4.0, 250.0, count)  # µs, like a small model's latencies
            rows[:, 2] = time.monotonic_ns() / 1e3
            callback(BenchEvent("stream", "samples", rows=rows))
            index += count
            sent[0] = index
            next_time += interval
            delay = next_time - time.perf_counter()
            if delay > 0:
                time.sleep(delay)

    refresh_ms = []
    original_refresh = latency.refresh

    def timed_refresh() -> None:
        began = time.perf_counter()
        original_refresh()
        refresh_ms.append((time.perf_counter() - began) * 1e3)

    latency.refresh_timer.timeout.disconnect()
    latency.refresh_timer.timeout.connect(timed_refresh)
    feeder = threading.Thread(target=feed, daemon=True)
    latency.refresh_timer.start()
    meter.start()
    started = time.perf_counter()
    feeder.start()
    spin_until(lambda: not feeder.is_alive(), seconds * 4 + 30)
    feed_s = time.perf_counter() - started
    spin_until(lambda: run.received == sent[0], 10)  # the last batch drawn
    stream_stall = meter.stop()
    latency.refresh_timer.stop()
    plotted = latency.curves[run.key][0].yData
    window.shutdown()
    app.processEvents()
    return {
        "max_stall_ms": max(conversion_stall, stream_stall),
        "conversion_stall_ms": conversion_stall,
        "conversion_s": round(conversion_s, 1),
        "stream_stall_ms": stream_stall,
        "stream_rate": round(sent[0] / feed_s),
        "samples_sent": sent[0],
        "samples_received": run.received,
        "samples_lost": sent[0] - run.received,
        "series_points": len(plotted),
        "refresh_ms_max": round(max(refresh_ms), 1),
        "refresh_ms_median": round(sorted(refresh_ms)[len(refresh_ms) // 2], 1),
        "refresh_ms_p99": round(sorted(refresh_ms)[int(len(refresh_ms) * 0.99)], 1),
        "idle_stall_ms": idle_stall,
        "load_average": round(os.getloadavg()[0], 2),
        "target_stall_ms": 50,
    }


if __name__ == "__main__":
    sys.exit(main())
