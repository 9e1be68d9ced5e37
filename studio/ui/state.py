"""What the application holds, as plain Python that the widgets observe.

No Qt here: the tabs connect to the events of :class:`AppState` and update themselves;
actions change the state through its methods.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


class Event:
    """A list of callbacks called with the event's arguments."""

    def __init__(self) -> None:
        self._callbacks: list[Callable] = []

    def connect(self, callback: Callable) -> None:
        self._callbacks.append(callback)

    def emit(self, *args) -> None:
        for callback in list(self._callbacks):
            callback(*args)


@dataclass
class Artifact:
    """A converted model file, with what its conversion report says about it."""

    path: Path
    target: str
    size_bytes: int
    quantize: str = "none"
    runtime: str = ""
    verdict: str | None = None  # pass | warn | fail | None (unverified)
    report: dict = field(default_factory=dict)  # ArtifactReport.to_dict()

    @property
    def name(self) -> str:
        return self.path.name

    @classmethod
    def from_report(cls, doc: dict) -> Artifact:
        verification = doc.get("verification") or {}
        return cls(
            path=Path(doc["path"]),
            target=doc["target"],
            size_bytes=int(doc.get("size_bytes") or 0),
            quantize=doc.get("quantize", "none"),
            runtime=doc.get("runtime", ""),
            verdict=verification.get("verdict"),
            report=doc,
        )


@dataclass
class Device:
    """A phone (or a virtual one) as the Devices tab lists it."""

    serial: str
    state: str
    server: str
    name: str
    virtual: bool = False
    entry: dict = field(default_factory=dict)  # DeviceEntry.to_dict()

    @property
    def ready(self) -> bool:
        return self.state == "device"


class AppState:
    def __init__(self) -> None:
        self.model: dict | None = None  # the description of the open model (inspect's result)
        self.model_params: dict = {}  # how it was opened (path, arch, trust, ...)
        self.artifacts: list[Artifact] = []
        self.conversion: dict | None = None  # the last conversion report
        self.compat: dict | None = None  # the last compatibility reports
        self.devices: list[Device] = []
        self.device_runtimes: dict[str, list[dict]] = {}  # serial -> runtime profiles
        self.model_changed = Event()
        self.artifacts_changed = Event()
        self.compat_changed = Event()
        self.devices_changed = Event()

    # --- model ---------------------------------------------------------------------------

    @property
    def model_ready(self) -> bool:
        return bool(self.model and self.model.get("runnable"))

    @property
    def model_name(self) -> str | None:
        if not self.model_params.get("path"):
            return None
        return Path(self.model_params["path"]).name

    def set_model(self, description: dict | None, params: dict) -> None:
        self.model = description
        self.model_params = dict(params)
        self.model_changed.emit()

    # --- artifacts -----------------------------------------------------------------------

    def set_conversion(self, report: dict) -> None:
        self.conversion = report
        fresh = [Artifact.from_report(a) for a in report.get("artifacts", [])]
        paths = {a.path for a in fresh}
        self.artifacts = fresh + [a for a in self.artifacts if a.path not in paths]
        self.artifacts_changed.emit()

    def add_artifact(self, artifact: Artifact) -> None:
        self.artifacts = [artifact] + [a for a in self.artifacts if a.path != artifact.path]
        self.artifacts_changed.emit()

    def set_compat(self, reports: dict) -> None:
        self.compat = reports
        self.compat_changed.emit()

    # --- devices -------------------------------------------------------------------------

    def set_devices(self, devices: list[Device]) -> None:
        self.devices = devices
        self.devices_changed.emit()

    @property
    def ready_devices(self) -> list[Device]:
        return [d for d in self.devices if d.ready]

    def set_device_runtimes(self, serial: str, profiles: list[dict]) -> None:
        self.device_runtimes[serial] = profiles
        self.devices_changed.emit()
