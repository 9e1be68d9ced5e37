"""How long the application takes from process start to its first shown window.

Compared with a bare PySide6 window started the same way, as a ratio (target <= 2.0).
Each start is a fresh process; the time runs from just before the process is spawned
until its window receives its first paint event (both scripts report it the same way). Runs offscreen by
default; the adb server the Devices tab would start is a private one, stopped at the end.

    python benchmarks/ui_startup.py [--repeat 5]

Prints one JSON object as its last line: bare_s, studio_s (medians), ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

# Both report "shown" when their window receives its first paint event.
ON_FIRST_PAINT = r"""
from PySide6.QtCore import QEvent, QObject, QTimer

class FirstPaint(QObject):
    def __init__(self, done):
        super().__init__()
        self.done, self.seen = done, False

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            print("shown", flush=True)
            QTimer.singleShot(0, self.done)
        return False
"""

BARE = (
    ON_FIRST_PAINT
    + r"""
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1180, 800)
watcher = FirstPaint(app.quit)
window.installEventFilter(watcher)
window.show()
app.exec()
"""
)

STUDIO = (
    ON_FIRST_PAINT
    + r"""
from studio.ui.app import create_app
app = create_app("")
from studio.ui.main_window import MainWindow
window = MainWindow()
watcher = FirstPaint(lambda: (window.shutdown(), app.quit()))
window.installEventFilter(watcher)
window.show()
window.worker.start()
app.exec()
"""
)


def time_start(code: str, env: dict) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.wait(timeout=60)
    if line.strip() != "shown":
        raise SystemExit("the window did not show")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["MODEL_STUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="ui-startup-")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        env["ANDROID_ADB_SERVER_PORT"] = str(s.getsockname()[1])
    os.environ["ANDROID_ADB_SERVER_PORT"] = env["ANDROID_ADB_SERVER_PORT"]
    from studio.devices.adb import default_server, kill_server, start_server

    server = start_server(default_server())
    try:
        time_start(BARE, env)  # warm the file cache for both
        time_start(STUDIO, env)
        bare, studio = [], []
        for _ in range(args.repeat):
            bare.append(time_start(BARE, env))
            studio.append(time_start(STUDIO, env))
    finally:
        kill_server(server)
    bare_s, studio_s = statistics.median(bare), statistics.median(studio)
    print(
        json.dumps(
            {
                "bare_s": round(bare_s, 3),
                "studio_s": round(studio_s, 3),
                "ratio": round(studio_s / bare_s, 2),
                "repeat": args.repeat,
                "target": 2.0,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
