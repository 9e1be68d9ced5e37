"""The Devices tab: phones on adb servers, Wi-Fi and remote servers, virtual phones, push."""

from __future__ import annotations

import logging
from pathlib import PureWindowsPath
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.errors import Cancelled, InputError, StudioError, as_studio_error
from studio.ui.state import Device
from studio.ui.threads import run_task
from studio.ui.widgets.badges import verdict_color, verdict_label
from studio.ui.widgets.failed import failed_explanation, failed_note
from studio.ui.widgets.names import device_label
from studio.ui.widgets.progress import ProgressPanel
from studio.ui.widgets.steps import guide_label, next_step_button

if TYPE_CHECKING:
    from studio.devices.discovery import DeviceEntry, ScanResult
    from studio.devices.transfer import PushResult

log = logging.getLogger("studio.ui")


def scan_devices(remote_servers: list[str]) -> ScanResult:
    """Every device on the local and remote servers, with its facts when it is ready."""
    from studio.devices.discovery import scan

    return scan(remote_servers)


def facts_line(entry: DeviceEntry | None) -> str:
    """What a ready device is, on one line, or why its facts could not be read."""
    if entry is None:
        return ""
    return entry.facts.summary() if entry.facts else entry.facts_error or ""


def start_virtual(profile: str):
    from studio.devices.virtual import VirtualDevice

    device = VirtualDevice(profile=profile)
    device.start()
    return device


def push_files(paths: list[str], serial: str, server: str, progress, cancel) -> list[PushResult]:
    from studio.devices.transfer import push

    results = []
    for path in paths:
        cancel.check()
        results.append(push(path, serial, server=server, progress=progress, cancel=cancel))
    return results


def file_name(path: str) -> str:
    """The last part of a path written on Windows or elsewhere (both separators)."""
    return PureWindowsPath(path).name


def virtual_profiles() -> list[str]:
    from studio.devices.virtual import profile_names

    return profile_names()


class _WatcherBridge(QObject):
    """Carries DeviceWatcher callbacks (a background thread) to the UI thread."""

    changed = Signal(object)


class DevicesTab(QWidget):
    def __init__(self, app, parent=None):
        super().__init__(parent)
        self.app = app
        self.virtual_devices: dict[str, object] = {}  # serial -> VirtualDevice
        self.watchers: list = []
        self.scan_task = None
        self.push_task = None
        self.virtual_task = None
        self.connect_task = None
        self.confirm_box: QMessageBox | None = None
        self.last_push: list[dict] = []
        self._rescan_pending = False
        self._closed = False
        self.bridge = _WatcherBridge(self)
        self.bridge.changed.connect(lambda _change: self.schedule_scan())
        self.rescan_timer = QTimer(self)
        self.rescan_timer.setSingleShot(True)
        self.rescan_timer.setInterval(300)
        self.rescan_timer.timeout.connect(self.scan)

        layout = QVBoxLayout(self)
        self.guide = guide_label(
            layout,
            self.tr(
                "Step 4: connect a phone with USB debugging on, or over Wi-Fi, or start a virtual "
                "phone on this computer. Then push the artifacts to it."
            ),
        )
        splitter = QSplitter(Qt.Orientation.Horizontal)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        list_box = QGroupBox(self.tr("Devices"))
        list_layout = QVBoxLayout(list_box)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [self.tr("Device"), self.tr("Serial"), self.tr("State"), self.tr("adb server")]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemSelectionChanged.connect(self.selection_changed)
        list_layout.addWidget(self.tree, 1)
        self.facts_label = QLabel()
        self.facts_label.setWordWrap(True)
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        list_layout.addWidget(self.facts_label)
        self.servers_label = QLabel()
        self.servers_label.setWordWrap(True)
        list_layout.addWidget(self.servers_label)
        row = QHBoxLayout()
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Look for devices again (F5)"))
        self.refresh_button.clicked.connect(self.scan)
        QShortcut(QKeySequence("F5"), self, self.scan)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        self.stop_virtual_button = QPushButton(self.tr("Stop virtual device"))
        self.stop_virtual_button.clicked.connect(self.stop_selected_virtual)
        self.stop_virtual_button.setEnabled(False)
        row.addWidget(self.stop_virtual_button)
        list_layout.addLayout(row)
        left_layout.addWidget(list_box, 1)

        add_box = QGroupBox(self.tr("Add a device"))
        add = QFormLayout(add_box)
        wifi_row = QHBoxLayout()
        self.wifi_edit = QLineEdit()
        self.wifi_edit.setPlaceholderText(self.tr("phone address, e.g. 192.168.1.20:5555"))
        wifi_row.addWidget(self.wifi_edit, 1)
        self.wifi_button = QPushButton(self.tr("Connect"))
        self.wifi_button.clicked.connect(self.connect_wifi)
        wifi_row.addWidget(self.wifi_button)
        add.addRow(self.tr("Wi-Fi:"), wifi_row)
        server_row = QHBoxLayout()
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText(self.tr("a device lab's adb server, HOST:PORT"))
        server_row.addWidget(self.server_edit, 1)
        self.server_button = QPushButton(self.tr("Add server"))
        self.server_button.clicked.connect(self.add_server)
        server_row.addWidget(self.server_button)
        add.addRow(self.tr("Remote adb:"), server_row)
        virtual_row = QHBoxLayout()
        self.profile_combo = QComboBox()
        self.profile_combo.addItem("pixel-7", "pixel-7")
        virtual_row.addWidget(self.profile_combo, 1)
        self.virtual_button = QPushButton(self.tr("Start virtual device"))
        self.virtual_button.clicked.connect(self.start_virtual_device)
        virtual_row.addWidget(self.virtual_button)
        add.addRow(self.tr("No phone?"), virtual_row)
        left_layout.addWidget(add_box)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        push_box = QGroupBox(self.tr("Push artifacts to the selected device"))
        push_layout = QVBoxLayout(push_box)
        self.artifact_list = QListWidget()
        push_layout.addWidget(self.artifact_list, 1)
        self.push_button = QPushButton(self.tr("Push"))
        self.push_button.clicked.connect(self.push_selected)
        push_layout.addWidget(self.push_button, 0, Qt.AlignmentFlag.AlignRight)
        self.progress = ProgressPanel()
        self.progress.cancel_requested.connect(self.cancel_push)
        push_layout.addWidget(self.progress)
        self.push_result = QLabel()
        self.push_result.setWordWrap(True)
        self.push_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        push_layout.addWidget(self.push_result)
        right_layout.addWidget(push_box, 1)
        self.next_button = next_step_button(
            right_layout, self.tr("Next: measure latency →"), lambda: self.app.go_to("latency")
        )
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        self.remote_servers: list[str] = list(self.app.settings.value("devices/servers", []) or [])
        if isinstance(self.remote_servers, str):
            self.remote_servers = [self.remote_servers]
        self.update_buttons()
        QTimer.singleShot(0, self._fill_profiles)
        QTimer.singleShot(0, self.start_watching)

    def _fill_profiles(self) -> None:
        """The virtual device profiles, listed once the window is up."""
        try:
            names = virtual_profiles()
        except Exception:  # profiles are bundled files; a broken install still opens the window
            log.warning("no virtual device profiles", exc_info=True)
            return
        self.profile_combo.clear()
        for name in names:
            self.profile_combo.addItem(name, name)
        self.profile_combo.setCurrentIndex(max(0, self.profile_combo.findData("pixel-7")))

    # --- discovery -----------------------------------------------------------------------

    def start_watching(self) -> None:
        """Watch the local adb server (started if needed) and list what is there."""

        def watch(servers: list[str]):
            from studio.devices.adb import default_server
            from studio.devices.discovery import DeviceWatcher

            watchers = []
            for server in [default_server().address, *servers]:
                try:
                    watchers.append(DeviceWatcher(self.bridge.changed.emit, server).start())
                except Exception as exc:  # an unreachable server is shown by the scan
                    log.info("cannot watch %s: %s", server, exc)
            return watchers

        task = run_task("watch devices", watch, list(self.remote_servers))
        task.succeeded.connect(self._watching)
        self.watch_task = task
        self.scan()

    def _watching(self, watchers: list) -> None:
        if self._closed:  # the window closed while the watchers started
            for watcher in watchers:
                watcher.stop()
            return
        self.watchers.extend(watchers)

    def schedule_scan(self) -> None:
        if not self._closed:
            self.rescan_timer.start()

    def scan(self) -> None:
        if self._closed:
            return
        if self.scan_task is not None and not self.scan_task.done:
            self._rescan_pending = True
            return
        self.refresh_button.setEnabled(False)
        self.scan_task = run_task("scan devices", scan_devices, list(self.remote_servers))
        self.scan_task.succeeded.connect(self._scanned)
        self.scan_task.failed.connect(self._scan_failed)
        self.scan_task.finished.connect(self._scan_finished)

    def _scan_finished(self) -> None:
        self.refresh_button.setEnabled(True)
        if self._rescan_pending:
            self._rescan_pending = False
            self.scan()

    def _scanned(self, result: ScanResult) -> None:
        devices = [
            Device(
                serial=entry.serial,
                state=entry.state,
                server=entry.server,
                name=entry.name,
                # started here or by another program: its facts say so (getprop)
                virtual=entry.serial in self.virtual_devices
                or bool(entry.facts and entry.facts.virtual),
                entry=entry,
            )
            for entry in result.devices
        ]
        problems = [f"{s.address}: {s.error}" for s in result.servers if not s.ok]
        self.servers_label.setText("\n".join(problems))
        self.servers_label.setStyleSheet("color: #c62828;" if problems else "")
        self.app.state.set_devices(devices)
        self.show_devices()

    def _scan_failed(self, error: StudioError) -> None:
        self.servers_label.setText(error.message)

    def show_devices(self) -> None:
        selected = self.selected_device()
        selected_serial = selected.serial if selected else None
        self.tree.clear()
        for device in self.app.state.devices:
            name = device_label(device)
            item = QTreeWidgetItem([name, device.serial, device.state, device.server])
            item.setData(0, Qt.ItemDataRole.UserRole, device.serial)
            guidance = device.entry.guidance if device.entry else None
            if guidance:
                item.setToolTip(0, guidance)
                item.setForeground(2, QBrush(QColor("#c62828")))
            self.tree.addTopLevelItem(item)
            if device.serial == selected_serial or (selected_serial is None and device.ready):
                item.setSelected(True)
                selected_serial = device.serial
        if not self.app.state.devices:
            self.facts_label.setText(
                self.tr(
                    "No device found. Plug in a phone with USB debugging on (Settings → "
                    "Developer options), connect one over Wi-Fi, or start a virtual device."
                )
            )
        self.selection_changed()

    def selected_device(self) -> Device | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        serial = items[0].data(0, Qt.ItemDataRole.UserRole)
        return next((d for d in self.app.state.devices if d.serial == serial), None)

    def select_device(self, serial: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) == serial)

    def selection_changed(self) -> None:
        device = self.selected_device()
        if device is None:
            if self.app.state.devices:
                self.facts_label.setText(self.tr("Select a device to see what it is."))
        elif not device.ready:
            self.facts_label.setText(
                self.tr("This device cannot be used yet — %1").replace(
                    "%1", (device.entry and device.entry.guidance) or device.state
                )
            )
        else:
            self.facts_label.setText(facts_line(device.entry))
        self.update_buttons()

    # --- adding devices ------------------------------------------------------------------

    def connect_wifi(self) -> None:
        address = self.wifi_edit.text().strip()
        if not address:
            self.app.show_error(
                InputError(
                    self.tr("Type the phone's address first"),
                    hint=self.tr("It is shown under Wireless debugging on the phone."),
                )
            )
            return
        from studio.devices.adb import connect_device

        self.wifi_button.setEnabled(False)
        self.connect_task = run_task("connect", connect_device, address)
        self.connect_task.failed.connect(
            lambda error: self.app.show_error(error, self.tr("The phone could not be connected"))
        )
        self.connect_task.finished.connect(lambda: self.wifi_button.setEnabled(True))
        self.connect_task.finished.connect(self.scan)  # connected, or no longer listed

    def add_server(self) -> None:
        text = self.server_edit.text().strip()
        if not text:
            self.app.show_error(
                InputError(
                    self.tr("Type the adb server's address first"),
                    hint=self.tr("For example lab-pc.local:5037"),
                )
            )
            return
        try:
            from studio.devices.adb import parse_server

            server = parse_server(text)
        except Exception as exc:
            self.app.show_error(as_studio_error(exc), self.tr("Not an adb server address"))
            return
        if server.address not in self.remote_servers:
            self.remote_servers.append(server.address)
            self.app.settings.set_value("devices/servers", self.remote_servers)
        self.server_edit.clear()
        self.scan()

    def start_virtual_device(self) -> None:
        if self.virtual_task is not None and not self.virtual_task.done:
            return
        profile = self.profile_combo.currentData() or "pixel-7"
        self.virtual_button.setEnabled(False)
        self.guide.setText(self.tr("Starting a virtual %1…").replace("%1", profile))
        self.virtual_task = run_task("virtual device", start_virtual, profile)
        self.virtual_task.succeeded.connect(self._virtual_started)
        self.virtual_task.failed.connect(
            lambda error: self.app.show_error(error, self.tr("The virtual device did not start"))
        )
        self.virtual_task.finished.connect(lambda: self.virtual_button.setEnabled(True))

    def _virtual_started(self, device) -> None:
        self.virtual_devices[device.serial] = device
        self.guide.setText(
            self.tr(
                "A virtual phone runs as %1. Push an artifact to it, then measure latency."
            ).replace("%1", device.serial)
        )
        self.scan()

    def stop_selected_virtual(self) -> None:
        device = self.selected_device()
        if device is None or device.serial not in self.virtual_devices:
            return
        virtual = self.virtual_devices.pop(device.serial)
        task = run_task("stop virtual device", virtual.stop)
        task.finished.connect(self.scan)

    # --- pushing -------------------------------------------------------------------------

    def artifacts_changed(self) -> None:
        """List the artifacts: ones listed before keep their tick, new ones are ticked; one
        that failed verification is never ticked for the person."""
        before = {
            self.artifact_list.item(i).data(Qt.ItemDataRole.UserRole): (
                self.artifact_list.item(i).checkState() == Qt.CheckState.Checked
            )
            for i in range(self.artifact_list.count())
        }
        self.artifact_list.clear()
        for artifact in self.app.state.artifacts:
            item = QListWidgetItem(artifact.name)
            item.setData(Qt.ItemDataRole.UserRole, str(artifact.path))
            item.setToolTip(str(artifact.path))
            if artifact.failed:
                item.setText(f"{artifact.name} — {verdict_label('fail')} {failed_note()}")
                item.setForeground(QBrush(verdict_color("fail")))
                item.setToolTip(failed_explanation(artifact.name))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = before.get(str(artifact.path), True) and not artifact.failed
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.artifact_list.addItem(item)
        self.update_buttons()

    def checked_artifacts(self) -> list[str]:
        return [
            self.artifact_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.artifact_list.count())
            if self.artifact_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def update_buttons(self) -> None:
        device = self.selected_device()
        pushing = self.push_task is not None and not self.push_task.done
        self.push_button.setEnabled(
            bool(device and device.ready and self.app.state.artifacts) and not pushing
        )
        self.stop_virtual_button.setEnabled(bool(device and device.serial in self.virtual_devices))
        self.next_button.setEnabled(bool(self.app.state.ready_devices and self.app.state.artifacts))

    def push_selected(self) -> None:
        device = self.selected_device()
        paths = self.checked_artifacts()
        if device is None or not device.ready:
            self.app.show_error(InputError(self.tr("Select a connected device first")))
            return
        if not paths:
            self.app.show_error(InputError(self.tr("Tick at least one artifact to push")))
            return
        failed = [a for a in self.app.state.artifacts if a.failed and str(a.path) in paths]
        if failed:
            self.confirm_failed_push(failed, lambda: self.start_push(device, paths))
            return
        self.start_push(device, paths)

    def confirm_failed_push(self, failed: list, push) -> None:
        """Ask before pushing artifacts that failed verification; ``push`` if confirmed."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Push an artifact that failed verification?"))
        box.setText(
            self.tr("%1 failed verification: an app using it would give wrong results.").replace(
                "%1", ", ".join(a.name for a in failed)
            )
        )
        box.setInformativeText(
            " ".join(failed_explanation(a.name) for a in failed[:1])
            + " "
            + self.tr("Or untick it in the list and press Push.")
        )
        anyway = box.addButton(self.tr("Push anyway"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: box.clickedButton() is anyway and push())
        self.confirm_box = box
        box.open()

    def start_push(self, device: Device, paths: list[str]) -> None:
        self.progress.start()
        self.push_result.clear()
        self.push_task = run_task("push", push_files, paths, device.serial, device.server)
        self.push_task.progress.connect(self.progress.update_event)
        self.push_task.succeeded.connect(self._pushed)
        self.push_task.failed.connect(self._push_failed)
        self.push_task.finished.connect(self.update_buttons)
        self.update_buttons()

    def cancel_push(self) -> None:
        if self.push_task is not None:
            self.push_task.cancel()

    def _pushed(self, results: list[PushResult]) -> None:
        self.last_push = results
        self.progress.finish(self.tr("Pushed and verified."))
        lines = [
            self.tr("✔ %1 → %2 (SHA-256 %3… matches, %4 MB/s)")
            .replace("%1", file_name(r.local_path))
            .replace("%2", r.remote_path)
            .replace("%3", r.sha256[:12])
            .replace("%4", f"{r.mb_per_s:.1f}")
            for r in results
        ]
        self.push_result.setText("\n".join(lines))

    def _push_failed(self, error: StudioError) -> None:
        if isinstance(error, Cancelled):
            self.progress.finish(self.tr("Cancelled; nothing half-copied was left on the phone."))
            return
        self.progress.finish(self.tr("The push failed."))
        self.app.show_error(error, self.tr("The push failed"))

    def shutdown(self) -> None:
        self._closed = True
        self.rescan_timer.stop()
        for watcher in self.watchers:
            watcher.stop()
        self.watchers.clear()
        for device in self.virtual_devices.values():
            try:
                device.stop()
            except Exception:
                log.info("virtual device did not stop cleanly", exc_info=True)
        self.virtual_devices.clear()
