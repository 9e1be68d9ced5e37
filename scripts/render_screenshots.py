"""Render every tab of the application with real content to PNGs under docs/screenshots/.

Runs the whole flow on the bundled sample model and a virtual phone, on an adb server of
its own (started on a free port and stopped at the end). With a display (``DISPLAY`` set)
the window is a real one on it; without, Qt's offscreen platform renders it:

    python scripts/render_screenshots.py [--out docs/screenshots] [--size 1600x1000]
        [--language zh_CN]

The docs carry two sets: 1600x1000 in docs/screenshots/ and 1366x768 (a small laptop's
screen) in docs/screenshots/1366x768/.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZE = "1600x1000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_events() -> None:
    """What the application's event loop does, widgets deleted later included (which
    processEvents alone leaves: a panel refilled would show its old rows beneath)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        process_events()
        time.sleep(0.02)


def settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        process_events()
        time.sleep(0.01)


def shoot(window, key: str, out: Path, name: str | None = None) -> Path:
    window.go_to(key)
    settle()
    path = out / f"{name or key}.png"
    window.grab().save(str(path))
    print(f"wrote {path}")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--size", default=DEFAULT_SIZE, help="the window's size, WIDTHxHEIGHT")
    parser.add_argument("--language", default="", help="e.g. zh_CN")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.lower().split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="model-studio-shots-"))
    os.environ["MODEL_STUDIO_DATA_DIR"] = str(work / "data")
    os.environ["ANDROID_ADB_SERVER_PORT"] = str(free_port())

    from studio.devices.adb import default_server, kill_server, start_server

    server = start_server(default_server())
    try:
        code = render(out, work, args.language, size)
    finally:
        kill_server(server)
    sys.stdout.flush()
    os._exit(code)  # skip the interpreter's teardown of Qt objects, which PySide may trip on


def render(out: Path, work: Path, language: str, size: tuple[int, int]) -> int:
    from studio.ui.app import create_app

    app = create_app(language)
    from studio.ui.main_window import MainWindow
    from studio.ui.settings import Settings

    window = MainWindow(settings=Settings(work / "settings.ini"))
    window.resize(*size)
    window.show()
    window.fit_into(window.screen().availableGeometry())  # as it opens on this screen
    window.worker.start()
    settle(0.5)
    shoot(window, "model", out, "welcome")
    window.dismiss_welcome()

    model = window.model_tab
    model.open_sample()
    wait_until(lambda: window.state.model_ready, 120, "the sample model")
    model.classify()
    wait_until(lambda: model.classify_job.done, 60, "Try it")
    shoot(window, "model", out)

    convert = window.convert_tab
    for target, box in convert.target_boxes.items():
        box.setChecked(target in ("pte", "ptl", "onnx"))
    convert.quantize_combo.setCurrentIndex(convert.quantize_combo.findData("static"))
    convert.output_edit.setText(str(work / "artifacts"))
    convert.start()
    wait_until(lambda: convert.job.done, 300, "the conversion")
    if convert.job.error:
        print(convert.job.error, file=sys.stderr)
        return 1
    first = convert.results.topLevelItem(0)
    if first is not None:
        first.setExpanded(True)
    shoot(window, "convert", out)

    compat = window.compat_tab
    window.go_to("compat")
    wait_until(lambda: compat.job is not None and compat.job.done, 120, "the check")
    for row in range(compat.grid.rowCount()):
        if compat.grid.item(row, 0).text().endswith(".ptl"):
            columns = compat.runtime_columns()
            for col, (name, _title) in enumerate(columns, start=1):
                if name.startswith("pytorch-lite-v5"):
                    compat.grid.setCurrentCell(row, col)
    shoot(window, "compat", out)

    devices = window.devices_tab
    devices.start_virtual_device()
    wait_until(lambda: devices.virtual_devices, 60, "the virtual device")
    serial = next(iter(devices.virtual_devices))
    wait_until(
        lambda: any(d.serial == serial and d.ready for d in window.state.devices),
        60,
        "the device list",
    )
    devices.select_device(serial)
    devices.push_selected()
    wait_until(lambda: devices.push_task.done, 60, "the push")
    shoot(window, "devices", out)

    latency = window.latency_tab
    window.go_to("latency")
    artifacts = [str(a.path) for a in window.state.artifacts if a.target in ("pte", "onnx")]
    latency.set_checked(latency.artifact_list, artifacts)
    latency.set_checked(latency.device_list, [serial])
    latency.duration_radio.setChecked(True)  # long enough for the telemetry to show a trend
    latency.duration_spin.setValue(8)
    latency.budget_edit.setText("p90=5ms")
    latency.start()
    wait_until(lambda: not latency.running, 300, "the benchmark")
    settle(0.5)
    shoot(window, "latency", out)
    shoot_together(window, serial, artifacts, out)
    if shoot_sensitivity(window, work, out):
        return 1
    window.close()
    app.quit()
    return 0


def shoot_together(window, serial: str, artifacts: list[str], out: Path) -> None:
    """The Latency tab after two artifacts ran together on the virtual phone: a series each
    and, in the summary, how much each slowed down beside the other."""
    latency = window.latency_tab
    window.go_to("latency")
    latency.clear()
    latency.set_checked(latency.artifact_list, artifacts)
    latency.set_checked(latency.device_list, [serial])
    latency.together_check.setChecked(True)
    latency.budget_edit.clear()
    latency.duration_radio.setChecked(True)
    latency.duration_spin.setValue(3)
    latency.start()
    wait_until(lambda: not latency.running, 300, "the benchmark together")
    settle(0.5)
    shoot(window, "latency", out, "latency-together")
    latency.together_check.setChecked(False)
    latency.iterations_radio.setChecked(True)


def shoot_sensitivity(window, work: Path, out: Path) -> bool:
    """The Convert tab after a static int8 conversion that measured each layer group and
    kept the most sensitive in float until verification passed; True when it failed."""
    convert = window.convert_tab
    for target, box in convert.target_boxes.items():
        box.setChecked(target == "pte")
    convert.keep_float_combo.setCurrentIndex(convert.keep_float_combo.findData("auto"))
    convert.output_edit.setText(str(work / "sensitivity"))
    window.go_to("convert")
    convert.start()
    wait_until(lambda: convert.job.done, 600, "the conversion with layer sensitivity")
    if convert.job.error:
        print(convert.job.error, file=sys.stderr)
        return True
    shoot(window, "convert", out, "convert-sensitivity")
    return False


if __name__ == "__main__":
    sys.exit(main())
