"""A scripted session in the real window under the current X display: does it survive?

The application runs as a child process (``gui_soak.py --child``), so that a crash shows
as its exit status and stderr. The child opens the main window with its real worker,
opens the sample model, converts it to ExecuTorch (.pte), starts a virtual phone, runs
``--runs`` latency benchmarks one after another with the Latency tab's Start button,
then starts another conversion and presses Ctrl+Q while it runs. Widgets are found by
type and text (or objectName) where the tabs name them differently. The adb server is a
private one, stopped at the end; settings and logs go to a temporary folder.

    Xvfb :77 -screen 0 1366x768x24 & DISPLAY=:77 openbox &
    DISPLAY=:77 python benchmarks/gui_soak.py [--runs 20] [--iterations 200] [--shots DIR]

Prints one JSON object as its last line: exit_code, runs_done (of runs_wanted), seconds,
conversion_s, runs_s, converting_at_quit, quit_s (Ctrl+Q to the end of the process),
worker_left_running, fatal_python_error (the "Fatal Python error" line of stderr, if
any), errors (dialogs that opened), screen and window sizes; stderr_tail when the
child did not end cleanly.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

STEP_TIMEOUT_S = 300.0


# --- the parent: runs the window as a child and reports -------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parent(args: argparse.Namespace) -> int:
    if not os.environ.get("DISPLAY"):
        print(json.dumps({"error": "no DISPLAY: start an X server (see the docstring)"}))
        return 2
    root = Path(tempfile.mkdtemp(prefix="gui-soak-"))
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(
        ANDROID_ADB_SERVER_PORT=str(free_port()),
        MODEL_STUDIO_DATA_DIR=str(root / "data"),
        MODEL_STUDIO_LOG_DIR=str(root / "logs"),
    )
    os.environ["ANDROID_ADB_SERVER_PORT"] = env["ANDROID_ADB_SERVER_PORT"]
    from studio.devices.adb import default_server, kill_server, start_server

    server = start_server(default_server())
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--work", str(root)]
    command += ["--runs", str(args.runs), "--iterations", str(args.iterations)]
    if args.shots:
        command += ["--shots", str(Path(args.shots).resolve())]
    started = time.monotonic()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=args.timeout
        )
        exit_code, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        exit_code = "timeout"
        stdout = (exc.stdout or b"").decode(errors="replace")
        stderr = (exc.stderr or b"").decode(errors="replace")
    finally:
        kill_server(server)
    ended = time.monotonic()
    facts: dict = {}
    for line in stdout.splitlines():
        if line.startswith("{"):
            facts.update(json.loads(line))
    fatal = next((ln for ln in stderr.splitlines() if "Fatal Python error" in ln), None)
    quit_at = facts.pop("quit_sent_at", None)
    worker = facts.pop("worker_pid", None)
    if worker:  # the window's worker must end with it (a zombie is ended, not alive)
        stat = Path(f"/proc/{worker}/stat")
        facts["worker_left_running"] = stat.exists() and stat.read_text().split()[2] != "Z"
    doc = {
        "display": os.environ["DISPLAY"],
        "exit_code": exit_code,
        "runs_done": facts.pop("runs_done", 0),
        "runs_wanted": args.runs,
        "seconds": round(ended - started, 1),
        "quit_s": round(ended - quit_at, 2) if quit_at else None,
        "fatal_python_error": fatal,
        **facts,
    }
    if exit_code != 0 or fatal or "driver_error" in facts:
        doc["stderr_tail"] = stderr[-4000:]
    print(json.dumps(doc))
    return 0 if exit_code == 0 and not fatal and doc["runs_done"] == args.runs else 1


# --- the child: the window, driven through its widgets --------------------------------------


def report(**facts) -> None:
    """One line of facts for the parent (the last value of each key wins)."""
    print(json.dumps(facts), flush=True)


def wait_until(condition, what: str, timeout: float = STEP_TIMEOUT_S) -> None:
    from PySide6.QtTest import QTest

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        QTest.qWait(20)


def find(parent, kind, pattern: str = "", attr: str | None = None):
    """The child widget of type ``kind``: the attribute ``attr`` if the parent still has
    one of that type, else the first whose objectName or text matches ``pattern``."""
    widget = getattr(parent, attr, None) if attr else None
    if isinstance(widget, kind):
        return widget
    regex = re.compile(pattern, re.IGNORECASE)
    for child in parent.findChildren(kind):
        text = child.text() if hasattr(child, "text") else ""
        if regex.search(child.objectName()) or regex.search(text):
            return child
    raise LookupError(f"no {kind.__name__} matching {pattern!r} in {type(parent).__name__}")


def click(button) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    wait_until(button.isEnabled, f"{button.text()!r} to be enabled")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def close_dialogs(errors: list) -> None:
    """Close any dialog that popped up (an error), noting its text."""
    from PySide6.QtWidgets import QApplication, QDialog, QLabel

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            texts = [label.text() for label in widget.findChildren(QLabel) if label.text()]
            errors.append(" | ".join(texts)[:300])
            widget.reject()


def list_keys(list_widget) -> set[str]:
    from PySide6.QtCore import Qt

    items = (list_widget.item(i) for i in range(list_widget.count()))
    return {str(item.data(Qt.ItemDataRole.UserRole) or item.text()) for item in items}


def tick_only(list_widget, keys: set[str]) -> None:
    """Tick the items of a checkable list whose key is in ``keys``; untick the others."""
    from PySide6.QtCore import Qt

    for i in range(list_widget.count()):
        item = list_widget.item(i)
        on = str(item.data(Qt.ItemDataRole.UserRole) or item.text()) in keys
        item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def choose_targets(convert_tab, targets: set[str]) -> None:
    from PySide6.QtWidgets import QCheckBox

    for box in convert_tab.findChildren(QCheckBox):
        suffix = re.search(r"\(\.(\w+)\)", box.text())
        if suffix:
            box.setChecked(suffix.group(1) in targets)


def set_output_folder(convert_tab, folder: Path) -> None:
    """The Convert tab's output folder field, found by its form label."""
    from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit

    field = getattr(convert_tab, "output_edit", None)
    if not isinstance(field, QLineEdit):
        for form in convert_tab.findChildren(QFormLayout):
            for row in range(form.rowCount()):
                label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                if (
                    label
                    and isinstance(label.widget(), QLabel)
                    and "output" in (label.widget().text().lower())
                ):
                    box = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
                    edits = (
                        box.widget().findChildren(QLineEdit)
                        if box.widget()
                        else [box.layout().itemAt(0).widget()]
                    )
                    field = edits[0]
    field.setText(str(folder))


def pte_artifacts(window) -> list[str]:
    return [str(a.path) for a in window.state.artifacts if str(a.path).endswith(".pte")]


def new_runs(latency_tab, before: list) -> list:
    """The runs a Start added (a run replaces an earlier one of the same device and file)."""
    return [run for run in latency_tab.runs if all(run is not old for old in before)]


def shoot(window, shots: Path | None, name: str) -> None:
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(shots / f"{name}.png"))


def drive(window, args: argparse.Namespace) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QListWidget, QPushButton, QSpinBox

    work, shots = Path(args.work), Path(args.shots) if args.shots else None
    errors: list[str] = []
    wait_until(lambda: window.isVisible() and window.windowHandle().isExposed(), "the window")
    screen = window.screen().availableGeometry()
    report(
        screen=f"{screen.width()}x{screen.height()}",
        window=f"{window.frameGeometry().width()}x{window.frameGeometry().height()}",
        qt_platform=QGuiApplication.platformName(),
    )

    # The sample model, converted to .pte.
    click(find(window.model_tab, QPushButton, r"sample", "sample_button"))
    wait_until(lambda: window.state.model_ready, "the sample model to open")
    window.go_to("convert")
    convert = window.convert_tab
    choose_targets(convert, {"pte"})
    set_output_folder(convert, work / "artifacts")
    started = time.monotonic()
    click(find(convert, QPushButton, r"^convert$", "convert_button"))
    wait_until(lambda: pte_artifacts(window), "the .pte conversion")
    report(conversion_s=round(time.monotonic() - started, 1))
    close_dialogs(errors)

    # A virtual phone, from the Devices tab.
    window.go_to("devices")
    devices = window.devices_tab
    click(find(devices, QPushButton, r"start.*virtual", "virtual_button"))
    wait_until(lambda: any(d.ready for d in window.state.devices), "the virtual phone")

    # The latency runs, one after another.
    window.go_to("latency")
    latency = window.latency_tab
    wait_until(lambda: latency.isVisible(), "the Latency tab")
    artifact = pte_artifacts(window)[0]
    lists = latency.findChildren(QListWidget)
    serials = {d.serial for d in window.state.devices if d.ready}
    wait_until(lambda: any(list_keys(w) & serials for w in lists), "the phone in the list", 60)
    for widget in lists:  # one lists the devices, one the artifacts
        tick_only(widget, serials if list_keys(widget) & serials else {artifact})
    spins = latency.findChildren(QSpinBox)
    iterations = getattr(latency, "iterations_spin", None) or max(spins, key=lambda s: s.maximum())
    iterations.setValue(args.iterations)
    warmup = getattr(latency, "warmup_spin", None)
    if isinstance(warmup, QSpinBox):
        warmup.setValue(5)
    start_button = find(latency, QPushButton, r"^start$", "start_button")
    runs_started = time.monotonic()
    good = 0
    for index in range(args.runs):
        before = list(latency.runs)
        click(start_button)
        wait_until(lambda b=before: new_runs(latency, b), f"latency run {index + 1} to start")
        (run,) = new_runs(latency, before)
        wait_until(lambda r=run: r.result is not None, f"latency run {index + 1}")
        wait_until(lambda: not latency.running, "the Latency tab to be idle")
        good += run.result.error is None
        close_dialogs(errors)
        report(runs_done=good, runs_s=round(time.monotonic() - runs_started, 1))
    shoot(window, shots, "latency")

    # Ctrl+Q while a conversion runs.
    window.go_to("convert")
    choose_targets(convert, {"pte", "ptl"})
    set_output_folder(convert, work / "artifacts-2")
    click(find(convert, QPushButton, r"^convert$", "convert_button"))
    wait_until(lambda: window.status_busy.isVisible(), "the second conversion to run", 60)
    QTest.qWait(1500)
    window.activateWindow()
    wait_until(window.isActiveWindow, "the window to be active", 10)
    report(
        errors=errors,
        converting_at_quit=not convert.job.done,
        worker_pid=window.worker.pid,
        quit_sent_at=time.monotonic(),
    )
    QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def child(args: argparse.Namespace) -> int:
    """The application as ``model-studio`` starts it, with the driver on its event loop."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from studio.ui.app import create_app, run_gui
    from studio.ui.main_window import MainWindow

    def run() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        try:
            drive(windows[0], args)
        except Exception:
            report(driver_error=traceback.format_exc(limit=-6))
            windows[0].close()

    create_app("")  # the one run_gui uses, so that the driver can wait on its loop
    QTimer.singleShot(0, run)
    code = run_gui()
    report(event_loop_exit_code=code)
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="latency runs (default 20)")
    parser.add_argument("--iterations", type=int, default=200, help="inferences per run")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for the session")
    parser.add_argument("--shots", help="save a picture of the window there after the runs")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    sys.exit(main())
