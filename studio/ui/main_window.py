"""The main window: five tabs in the order of the work, menus, status bar, drops."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QRect, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio import __version__
from studio.jobs.results import Versions
from studio.ui.settings import Settings
from studio.ui.state import AppState
from studio.ui.widgets.names import device_label
from studio.ui.worker_client import WorkerClient

log = logging.getLogger("studio.ui")

TAB_KEYS = ("model", "convert", "compat", "devices", "latency")
# Tabs built on first use: key -> (module, class), and what they catch up on when built.
LAZY_TABS = {
    "convert": ("studio.ui.tabs.convert_tab", "ConvertTab"),
    "compat": ("studio.ui.tabs.compat_tab", "CompatTab"),
    "devices": ("studio.ui.tabs.devices_tab", "DevicesTab"),
    "latency": ("studio.ui.tabs.latency_tab", "LatencyTab"),
}
LAZY_SYNC = {
    "convert": ("model_changed", "artifacts_changed"),
    "compat": ("devices_changed",),
    "devices": ("artifacts_changed",),
    "latency": ("refresh_choices",),
}
LANGUAGES = (("", "English"), ("zh_CN", "简体中文"))
# The window's size on first start, when the screen has room for it.
DEFAULT_SIZE = (1180, 800)
# Room for the window's title bar and borders, which the window manager adds around it.
FRAME_ALLOWANCE = (16, 40)


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, worker: WorkerClient | None = None):
        super().__init__()
        self.settings = settings or Settings()
        self.state = AppState()
        self._owns_worker = worker is None
        self.worker = worker or WorkerClient(self)
        self.worker.crashed.connect(self._worker_crashed)
        self.last_error = None
        self.about_box: QMessageBox | None = None
        self.setWindowTitle(self.tr("Model Studio"))
        self.setAcceptDrops(True)

        from studio.ui.tabs.model_tab import ModelTab

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 0)
        self.welcome = self._welcome_banner()
        outer.addWidget(self.welcome)
        self.tabs = QTabWidget()
        self.model_tab = ModelTab(self)
        # The other tabs are built when first needed (they import numpy and pyqtgraph), so
        # the window opens sooner; they start disabled, except Devices (see below).
        self._built: dict[str, QWidget] = {}
        self._pages: dict[str, QWidget] = {}
        for key in LAZY_TABS:
            page = QWidget()
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self._pages[key] = page
        self.tabs.addTab(self.model_tab, self.tr("1 · Model"))
        self.tabs.addTab(self._pages["convert"], self.tr("2 · Convert"))
        self.tabs.addTab(self._pages["compat"], self.tr("3 · Compatibility"))
        self.tabs.addTab(self._pages["devices"], self.tr("4 · Devices"))
        self.tabs.addTab(self._pages["latency"], self.tr("5 · Latency"))
        self.tabs.currentChanged.connect(self._tab_changed)
        outer.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.status_busy = QLabel(self.tr("Working…"))
        self.status_busy.setVisible(False)
        self.statusBar().addWidget(self.status_busy)
        self.worker.busy_changed.connect(self.status_busy.setVisible)
        self.status_model = QLabel()
        self.status_artifacts = QLabel()
        self.status_devices = QLabel()
        for label in (self.status_model, self.status_artifacts, self.status_devices):
            label.setContentsMargins(6, 0, 6, 0)
            self.statusBar().addPermanentWidget(label)

        self._build_menus()
        for event in (
            self.state.model_changed,
            self.state.artifacts_changed,
            self.state.devices_changed,
            self.state.compat_changed,
        ):
            event.connect(self.refresh)
        self.state.model_changed.connect(self.model_tab.update_state)
        # a model of one's own opened: the welcome's offer of the sample has been answered
        self.state.model_opened.connect(self.dismiss_welcome)
        for event, key, method in (
            (self.state.model_changed, "convert", "model_changed"),
            (self.state.artifacts_changed, "convert", "artifacts_changed"),
            (self.state.artifacts_changed, "compat", "artifacts_changed"),
            (self.state.devices_changed, "compat", "devices_changed"),
            (self.state.artifacts_changed, "devices", "artifacts_changed"),
            (self.state.artifacts_changed, "latency", "refresh_choices"),
            (self.state.devices_changed, "latency", "refresh_choices"),
        ):
            event.connect(lambda *_a, k=key, m=method: self._if_built(k, m))
        self.refresh()
        self._restore_layout()
        # The Devices tab looks for phones from the start (the status bar shows them); it is
        # built once the window has been painted.
        self._closing = False
        self._painted = False
        QTimer.singleShot(1000, self, self._build_devices_tab)  # in case it is never painted

    # --- building ------------------------------------------------------------------------

    def _welcome_banner(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("welcome")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(frame)
        text = QLabel(
            self.tr(
                "<b>Welcome to Model Studio.</b> New here? Try the whole flow with the bundled "
                "sample model (it reads handwritten digits) and a virtual phone on this computer."
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text, 1)
        self.try_sample_button = QPushButton(self.tr("Try it with the sample"))
        self.try_sample_button.clicked.connect(self.try_sample)
        layout.addWidget(self.try_sample_button)
        close = QPushButton(self.tr("Dismiss"))
        close.clicked.connect(self.dismiss_welcome)
        layout.addWidget(close)
        frame.setVisible(self.settings.first_run)
        return frame

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.open_action = QAction(self.tr("&Open model…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._open_from_menu)
        file_menu.addAction(self.open_action)
        sample = QAction(self.tr("Open the &sample model"), self)
        sample.triggered.connect(self.open_sample)
        file_menu.addAction(sample)
        self.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view = self.menuBar().addMenu(self.tr("&View"))
        for index, key in enumerate(TAB_KEYS):
            action = QAction(self.tabs.tabText(index), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, k=key: self.go_to(k))
            view.addAction(action)
        view.addSeparator()
        language_menu = view.addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        current = self.settings.language
        for code, name in LANGUAGES:
            action = QAction(name, self, checkable=True)
            action.setChecked(code == current)
            action.triggered.connect(lambda _=False, c=code: self.set_language(c))
            group.addAction(action)
            language_menu.addAction(action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About Model Studio"), self)
        about.setShortcut(QKeySequence.StandardKey.HelpContents)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def tab(self, key: str) -> QWidget:
        """The tab ``key`` (convert, compat, latency), built on first use."""
        tab = self._built.get(key)
        if tab is None:
            module, name = LAZY_TABS[key]
            tab = getattr(importlib.import_module(module), name)(self)
            self._pages[key].layout().addWidget(tab)
            tab.show()  # now, not on the next turn of the event loop
            self._built[key] = tab
            for method in LAZY_SYNC[key]:  # catch up with what happened before
                getattr(tab, method)()
        return tab

    @property
    def convert_tab(self):
        return self.tab("convert")

    @property
    def compat_tab(self):
        return self.tab("compat")

    @property
    def devices_tab(self):
        return self.tab("devices")

    @property
    def latency_tab(self):
        return self.tab("latency")

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True  # shown: now the rest
            QTimer.singleShot(0, self, self._build_devices_tab)
        return super().event(event)

    def _build_devices_tab(self) -> None:
        if not self._closing:
            self.tab("devices")

    def _if_built(self, key: str, method: str) -> None:
        tab = self._built.get(key)
        if tab is not None:
            getattr(tab, method)()

    def _tab_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        for key, lazy_page in self._pages.items():
            if page is lazy_page:
                self.tab(key)

    # --- actions -------------------------------------------------------------------------

    def go_to(self, key: str) -> None:
        index = TAB_KEYS.index(key)
        if self.tabs.isTabEnabled(index):
            self.tabs.setCurrentIndex(index)

    def show_error(self, error, title: str | None = None):  # a StudioError
        from studio.ui.widgets.errors import show_error

        self.last_error = show_error(self, error, title)
        return self.last_error

    def open_model(self, model: str | dict):
        """Open a model on the Model tab: a path, or how to open it (``path``, ``arch``,
        ``arch_args``, ``arch_kwargs``, ``input_shape``). Returns the opening job, whose
        ``succeeded`` comes after ``AppState.model_opened``."""
        self.go_to("model")
        params = {"path": str(model)} if isinstance(model, (str, Path)) else dict(model)
        return self.model_tab.open_model(params)

    def open_sample(self) -> None:
        self.go_to("model")
        self.model_tab.open_sample()

    def _open_from_menu(self) -> None:
        self.go_to("model")
        self.model_tab.browse()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        for path in files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_model(p))
        if not files:
            self.recent_menu.addAction(self.tr("(none yet)")).setEnabled(False)

    def try_sample(self) -> None:
        self.dismiss_welcome()
        self.open_sample()
        self.devices_tab.start_virtual_device()

    def dismiss_welcome(self) -> None:
        self.welcome.setVisible(False)
        self.settings.mark_welcomed()

    def set_language(self, code: str) -> None:
        self.settings.set_language(code)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Language"),
            self.tr("The language changes when Model Studio starts next time."),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.open()

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("About Model Studio"))
        box.setText(self.tr("<b>Model Studio %1</b>").replace("%1", __version__))
        box.setInformativeText(self.tr("Asking the worker for the toolchain versions…"))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.about_box = box
        job = self.worker.submit("versions")

        def show(versions: Versions) -> None:
            lines = [
                f"{name}: {versions.libraries.get(name) or self.tr('not installed')}"
                for name in ("torch", "executorch", "onnxruntime", "onnx", "torchvision", "python")
            ]
            lines.append(f"adb: {versions.adb or self.tr('not available')}")
            box.setInformativeText("\n".join(lines))

        job.succeeded.connect(show)
        job.failed.connect(lambda error: box.setInformativeText(error.message))
        box.open()

    def _worker_crashed(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)  # the message says what became of it

    # --- status --------------------------------------------------------------------------

    def refresh(self) -> None:
        state = self.state
        self.status_model.setText(
            self.tr("Model: %1").replace("%1", state.model_name)
            if state.model_name
            else self.tr("No model")
        )
        if state.artifacts:
            names = ", ".join(a.name for a in state.artifacts[:3])
            more = len(state.artifacts) - 3
            self.status_artifacts.setText(
                self.tr("Artifacts: %1").replace("%1", names + (f" +{more}" if more > 0 else ""))
            )
        else:
            self.status_artifacts.setText(self.tr("No artifacts"))
        ready = state.ready_devices
        self.status_devices.setText(
            self.tr("Devices: %1").replace("%1", ", ".join(device_label(d) for d in ready))
            if ready
            else self.tr("No device")
        )
        self.tabs.setTabEnabled(1, state.model_ready)
        self.tabs.setTabEnabled(2, bool(state.artifacts))
        self.tabs.setTabEnabled(4, bool(state.artifacts) and bool(ready))
        tips = {
            1: self.tr("Open a model that runs here first (Model tab)."),
            2: self.tr("Convert the model first (Convert tab)."),
            4: self.tr("Needs an artifact and a connected device."),
        }
        for index, tip in tips.items():
            self.tabs.setTabToolTip(index, "" if self.tabs.isTabEnabled(index) else tip)

    # --- window --------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(*DEFAULT_SIZE)
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            self.fit_into(screen.availableGeometry())
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def fit_into(self, available: QRect) -> None:
        """Shrink and move the window so that it and its frame lie inside ``available`` (the
        screen less its task bars): the status bar and each tab's buttons stay on screen."""
        room_w = available.width() - FRAME_ALLOWANCE[0]
        room_h = available.height() - FRAME_ALLOWANCE[1]
        size = self.size()
        if (
            size.width() <= room_w
            and size.height() <= room_h
            and available.contains(self.frameGeometry())
        ):
            return
        width, height = min(size.width(), room_w), min(size.height(), room_h)
        self.resize(width, height)
        x = available.x() + max(0, (room_w - width) // 2)
        y = available.y() + max(0, (room_h - height) // 2)
        self.move(x, y)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_model(files[0])

    def shutdown(self) -> None:
        """Stop everything this window started: streams, virtual devices, the worker."""
        self._closing = True
        self.settings.set_value("window/geometry", self.saveGeometry())
        self.settings.set_value("window/state", self.saveState())
        self.settings.sync()
        if "latency" in self._built:
            self._built["latency"].shutdown()
        if "devices" in self._built:
            self._built["devices"].shutdown()
        if self._owns_worker:
            self.worker.stop()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
