"""Errors a user can cause, as values with a plain message and a hint.

Every failure a user can provoke (a bad file, a wrong architecture, an unplugged
phone, a full disk) raises a subclass of :class:`StudioError`. The command line
prints ``message`` and ``hint`` without a traceback and exits with ``exit_code``;
the GUI shows them with the details in an expander.

An error crosses a process boundary (the worker, the agent) as :meth:`StudioError.to_dict`
and comes back as the same class with :meth:`StudioError.from_dict`.
"""

from __future__ import annotations

# Exit codes of the command-line contract.
EXIT_OK = 0
EXIT_VERDICT = 1
EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 3
EXIT_INTERNAL = 4


class Action:
    """What the user does about an error, named where it is raised.

    ``hint`` says it in the command line's words (``--arch NAME``); a front end with its
    own controls shows its own words for the action instead (the GUI names its fields and
    buttons, see ``studio.ui.widgets.errors.on_screen_hint``).
    """

    TRUST = "trust"  # confirm that the file's code may run
    ARCHITECTURE = "architecture"  # name the model's architecture
    ARCHITECTURE_ARGUMENTS = "architecture-arguments"  # the architecture's arguments
    INPUT_SHAPE = "input-shape"  # give the model's input shape
    STATIC_QUANTIZATION = "static-quantization"  # calibration data needs static quantization
    OUTPUT_FOLDER = "output-folder"  # choose another output folder
    RECIPE_MODEL = "recipe-model"  # a recipe that names no model
    CONVERT_FIRST = "convert-first"  # a checkpoint where a converted model is needed
    VIRTUAL_DEVICE = "virtual-device"  # benchmark on a virtual device instead
    DEVICE_LIST = "device-list"  # see which phones are connected


class StudioError(Exception):
    """Base of all errors meant for the user."""

    exit_code = EXIT_BAD_INPUT
    action: str | None = None  # an Action: what to do, for front ends with their own words

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        details: str | None = None,
        action: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details
        if action is not None:
            self.action = action

    def one_line(self) -> str:
        """The message and hint on one line, as the CLI prints it."""
        text = self.message.rstrip(".")
        if self.hint:
            return f"{text}. {self.hint.rstrip('.')}."
        return f"{text}."

    def to_dict(self) -> dict:
        return {
            "type": type(self).__name__,
            # the classes it derives from, so that a side that lacks the class itself
            # (defined in a module it never imports) rebuilds the nearest one it knows
            "bases": [k.__name__ for k in type(self).__mro__[1:] if issubclass(k, StudioError)],
            "message": self.message,
            "hint": self.hint,
            "details": self.details,
            "action": self.action,
            "exit_code": self.exit_code,
        }

    @staticmethod
    def from_dict(doc: dict) -> StudioError:
        """The error that :meth:`to_dict` wrote, as its own class; an unknown kind is internal."""
        kinds = _kinds()
        known = [kinds[n] for n in doc.get("bases") or [] if n in kinds and n != "StudioError"]
        kind = kinds.get(doc.get("type")) or next(iter(known), InternalError)
        error = kind.__new__(kind)
        StudioError.__init__(
            error,
            str(doc.get("message") or ""),
            doc.get("hint"),
            doc.get("details"),
            doc.get("action"),
        )
        return error

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


def _kinds() -> dict[str, type[StudioError]]:
    """Every StudioError class defined so far, by name."""
    found, todo = {}, [StudioError]
    while todo:
        kind = todo.pop()
        found[kind.__name__] = kind
        todo.extend(kind.__subclasses__())
    return found


def as_studio_error(exc: BaseException) -> StudioError:
    """A StudioError as it is, anything else as an internal error that names the exception."""
    if isinstance(exc, StudioError):
        return exc
    name = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if isinstance(exc, Exception):
        return InternalError(
            f"internal error ({name})",
            hint="the details below and the log say where it happened",
        )
    # SystemExit, KeyboardInterrupt: code the job ran tried to end the program
    return InternalError(
        f"the job was stopped: code it ran tried to end the program ({name})",
        hint="a trusted architecture file or a library it uses called sys.exit or was "
        "interrupted; the model work goes on",
    )


class InputError(StudioError):
    """Bad input: a file, an argument, a recipe."""


class ModelFileError(InputError):
    """A model file that cannot be read: empty, truncated, corrupt, unknown format."""


class TrustRequired(InputError):
    """Loading would run code from the file; the user has not said they trust it."""

    action = Action.TRUST


class ArchitectureError(InputError):
    """The architecture cannot be found, built, or does not match the weights."""


class RecipeError(InputError):
    """A conversion recipe that is invalid or asks for something impossible."""


class ConversionError(InputError):
    """A model that a toolchain cannot convert to the requested target."""


class ProfileError(InputError):
    """A runtime profile that is missing or malformed, or a runtime name the studio lacks."""


class DiskFullError(InputError):
    """The disk a result is written to has no space left; nothing was published."""

    def __init__(self, folder, hint: str | None = None, details: str | None = None):
        super().__init__(
            f"the disk of {folder} is full: nothing was written",
            hint=hint or "free some space there, or choose another output folder, and try again",
            details=details,
        )


class DeviceError(StudioError):
    """A phone or adb server that cannot be reached or does not do what was asked."""

    exit_code = EXIT_UNREACHABLE


class AgentError(DeviceError):
    """The on-device agent is unreachable, refused us, or died."""


class Cancelled(StudioError):
    """The user cancelled the work. Nothing half-done was left behind."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str = "Cancelled", hint: str | None = None, details=None):
        super().__init__(message, hint, details)


class InternalError(StudioError):
    """A bug in the studio or a crash in a native library."""

    exit_code = EXIT_INTERNAL


class WorkerLost(InternalError):
    """The process running model work ended or stopped responding; a new one was started."""
