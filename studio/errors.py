"""Errors a user can cause, as values with a plain message and a hint.

Every failure a user can provoke (a bad file, a wrong architecture, an unplugged
phone, a full disk) raises a subclass of :class:`StudioError`. The command line
prints ``message`` and ``hint`` without a traceback and exits with ``exit_code``;
the GUI shows them with the details in an expander.
"""

from __future__ import annotations

# Exit codes of the command-line contract.
EXIT_OK = 0
EXIT_VERDICT = 1
EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 3
EXIT_INTERNAL = 4


class StudioError(Exception):
    """Base of all errors meant for the user."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, hint: str | None = None, details: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def one_line(self) -> str:
        """The message and hint on one line, as the CLI prints it."""
        text = self.message.rstrip(".")
        if self.hint:
            return f"{text}. {self.hint.rstrip('.')}."
        return f"{text}."

    def to_dict(self) -> dict:
        return {
            "type": type(self).__name__,
            "message": self.message,
            "hint": self.hint,
            "details": self.details,
            "exit_code": self.exit_code,
        }


class InputError(StudioError):
    """Bad input: a file, an argument, a recipe."""


class ModelFileError(InputError):
    """A model file that cannot be read: empty, truncated, corrupt, unknown format."""


class TrustRequired(InputError):
    """Loading would run code from the file; the user has not said they trust it."""


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
