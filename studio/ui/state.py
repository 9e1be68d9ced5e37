"""What the application holds, as plain Python that the widgets observe.

No Qt here: the tabs connect to the events of :class:`AppState` and update themselves;
actions change the state through its methods.

Events of :class:`AppState` (callbacks take no arguments; they read the state):

- ``model_opened``: another model was opened (:meth:`AppState.open_model`). Everything
  derived from the previous model is already gone when it fires: artifacts, the
  conversion report, the compatibility reports, the Try-it result. Tabs reset what they
  hold for the previous model (folders, results, runs, choices).
- ``model_changed``: the open model or its description changed (after ``model_opened``
  when a model is opened); tabs fill in what follows from the model.
- ``inputs_changed``: the inputs a conversion is to use changed (the Model tab's inputs
  table was edited).
- ``artifacts_changed``, ``compat_changed``, ``try_result_changed``, ``devices_changed``:
  that part of the state changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studio.artifacts import INSPECT_ONLY_MODEL_FORMATS

if TYPE_CHECKING:
    from studio.compat.profiles import RuntimeProfile
    from studio.convert.report import ArtifactReport, ConversionReport
    from studio.devices.discovery import DeviceEntry
    from studio.jobs.results import CheckResult, Classification, OpenedModel
    from studio.model.inputs import InputSpec

# Formats of converted files, which open to be described, checked and pushed, not run here.
CONVERTED_FORMATS = INSPECT_ONLY_MODEL_FORMATS


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
    report: ArtifactReport | None = None  # what the conversion says of it

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def failed(self) -> bool:
        """Its verification failed: its answers differ from the original model's."""
        return self.verdict == "fail"

    @classmethod
    def from_report(cls, report: ArtifactReport) -> Artifact:
        return cls(
            path=report.path,
            target=report.target,
            size_bytes=report.size_bytes,
            quantize=report.quantize,
            runtime=report.runtime,
            verdict=report.verdict,
            report=report,
        )


@dataclass
class Device:
    """A phone (or a virtual one) as the Devices tab lists it."""

    serial: str
    state: str
    server: str
    name: str
    virtual: bool = False
    entry: DeviceEntry | None = None  # as the scan found it: its facts, or why it is not ready

    @property
    def ready(self) -> bool:
        return self.state == "device"


class AppState:
    def __init__(self) -> None:
        self.model: OpenedModel | None = None  # the open model (the inspect job's result)
        self.model_params: dict = {}  # how it was opened (path, arch, trust, ...)
        # The inputs a conversion is given (see input_rows.inputs_to_use); None: the model's own.
        self.inputs: InputSpec | None = None
        self.inputs_problem = ""  # why the Model tab's inputs table cannot be used, or ""
        self.artifacts: list[Artifact] = []
        self.conversion: ConversionReport | None = None  # the last conversion report
        self.compat: CheckResult | None = None  # the last compatibility reports
        self.try_result: Classification | None = None  # the open model's answer (Try it)
        self.devices: list[Device] = []
        self.device_runtimes: dict[str, list[RuntimeProfile]] = {}  # serial -> its runtimes
        self.model_opened = Event()
        self.model_changed = Event()
        self.inputs_changed = Event()
        self.artifacts_changed = Event()
        self.compat_changed = Event()
        self.try_result_changed = Event()
        self.devices_changed = Event()

    # --- model ---------------------------------------------------------------------------

    @property
    def model_ready(self) -> bool:
        return self.model is not None and self.model.runnable

    @property
    def model_kind(self) -> str:
        """What the open model is to the Model tab: ``none``; ``runnable``; ``converted`` (a
        converted file); ``choose_architecture`` (weights only, candidates to choose from);
        ``unknown_architecture`` (weights only, nothing in the catalogue fits)."""
        model = self.model
        if model is None:
            return "none"
        if model.runnable:
            return "runnable"
        if model.description.format in CONVERTED_FORMATS:
            return "converted"
        if model.description.candidates:
            return "choose_architecture"
        return "unknown_architecture"

    @property
    def model_name(self) -> str | None:
        if not self.model_params.get("path"):
            return None
        return Path(self.model_params["path"]).name

    def open_model(self, model: OpenedModel, params: dict) -> None:
        """``model`` (opened with ``params``) replaces the open model and all that came of it."""
        self.model = model
        self.model_params = dict(params)
        self._model_inputs()
        self.artifacts = []
        self.conversion = None
        self.compat = None
        self.try_result = None
        self.model_opened.emit()
        self.artifacts_changed.emit()
        self.compat_changed.emit()
        self.try_result_changed.emit()
        self.model_changed.emit()

    def set_model(self, model: OpenedModel | None, params: dict) -> None:
        """The same model described again (or none): what came of it stays."""
        self.model = model
        self.model_params = dict(params)
        self._model_inputs()
        self.model_changed.emit()

    def _model_inputs(self) -> None:
        from studio.ui.input_rows import inputs_to_use

        model = self.model
        self.inputs = inputs_to_use(model.input_spec, model) if model is not None else None
        self.inputs_problem = ""

    def set_inputs(self, inputs: InputSpec | None, problem: str = "") -> None:
        """The inputs a conversion is to use (None: the model's own), or why the inputs
        table cannot be used."""
        self.inputs = inputs
        self.inputs_problem = problem
        self.inputs_changed.emit()

    def set_try_result(self, result: Classification | None, model_params: dict) -> None:
        """What the model opened with ``model_params`` made of an image; dropped when another
        model has been opened since."""
        if dict(model_params) != self.model_params:
            return
        self.try_result = result
        self.try_result_changed.emit()

    # --- artifacts -----------------------------------------------------------------------

    def set_conversion(self, report: ConversionReport) -> None:
        self.conversion = report
        fresh = [Artifact.from_report(a) for a in report.artifacts]
        paths = {a.path for a in fresh}
        self.artifacts = fresh + [a for a in self.artifacts if a.path not in paths]
        self.artifacts_changed.emit()

    def add_artifact(self, artifact: Artifact) -> None:
        self.artifacts = [artifact] + [a for a in self.artifacts if a.path != artifact.path]
        self.artifacts_changed.emit()

    def set_compat(self, reports: CheckResult) -> None:
        self.compat = reports
        self.compat_changed.emit()

    # --- devices -------------------------------------------------------------------------

    def set_devices(self, devices: list[Device]) -> None:
        self.devices = devices
        self.devices_changed.emit()

    @property
    def ready_devices(self) -> list[Device]:
        return [d for d in self.devices if d.ready]

    def set_device_runtimes(self, serial: str, profiles: list[RuntimeProfile]) -> None:
        self.device_runtimes[serial] = profiles
        self.devices_changed.emit()
