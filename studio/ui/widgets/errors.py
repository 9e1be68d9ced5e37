"""Errors as plain messages with the hint beneath and the details in an expander."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from studio.errors import Action, InternalError, StudioError


def sentence(text: str) -> str:
    """Start with a capital, unless the first word is a name (a file, an identifier)."""
    first = text.split(" ", 1)[0]
    if first.isalpha() and first.islower():
        return text[:1].upper() + text[1:]
    return text


def on_screen_hint(error: StudioError) -> str | None:
    """What to do, in the window's words: the fields and buttons to use for the error's
    action; the library's own hint when it names no action this window knows."""
    translate = QCoreApplication.translate  # pyside6-lupdate reads translate(context, text)
    texts = {
        Action.TRUST: translate(
            "ErrorHints",
            "Open it only if it comes from someone you trust; Model Studio asks before it runs "
            "the file's code. Safer: ask for a state dict or .safetensors file.",
        ),
        Action.ARCHITECTURE: translate(
            "ErrorHints",
            "Type the architecture in the Architecture field on the Model tab (a torchvision "
            "name such as resnet18, or package.module:factory), or leave it empty to detect it.",
        ),
        Action.ARCHITECTURE_ARGUMENTS: translate(
            "ErrorHints",
            "Check the Architecture field and the Arguments fields on the Model tab.",
        ),
        Action.INPUT_SHAPE: translate(
            "ErrorHints",
            "Type the model's input shape in the Input shape field on the Model tab, for "
            "example 1,3,224,224.",
        ),
        Action.STATIC_QUANTIZATION: translate(
            "ErrorHints",
            "Choose “static int8 (calibrated)” under Quantization on the Convert tab, or clear "
            "the Calibration field.",
        ),
        Action.OUTPUT_FOLDER: translate(
            "ErrorHints", "Choose another Output folder on the Convert tab and convert again."
        ),
        Action.RECIPE_MODEL: translate(
            "ErrorHints",
            "Open the model on the Model tab first, then save the recipe again on the Convert tab.",
        ),
        Action.CONVERT_FIRST: translate("ErrorHints", "Convert it on the Convert tab first."),
        Action.VIRTUAL_DEVICE: translate(
            "ErrorHints",
            "Benchmark on a virtual device: press Start virtual device on the Devices tab.",
        ),
        Action.DEVICE_LIST: translate(
            "ErrorHints",
            "Check the cable, then press Refresh on the Devices tab to see the connected phones.",
        ),
    }
    return texts.get(error.action, error.hint)


def on_screen_line(error: StudioError) -> str:
    """The message and the on-screen hint on one line, for a status line or a table cell."""
    text = error.message.rstrip(".")
    hint = on_screen_hint(error)
    return f"{text}. {hint.rstrip('.')}." if hint else f"{text}."


class ErrorDialog(QDialog):
    """A non-blocking dialog: message, hint, and a Details button that shows the rest."""

    def __init__(self, error: StudioError, title: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.error = error
        self.setWindowTitle(title or self.tr("Something went wrong"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(icon)
        texts = QVBoxLayout()
        message = (error.message or self.tr("Unknown error")).rstrip(".") + "."
        self.message_label = QLabel(sentence(message))
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.message_label.font()
        font.setBold(True)
        self.message_label.setFont(font)
        texts.addWidget(self.message_label)
        hint = on_screen_hint(error)
        self.hint_label = QLabel(sentence(hint) if hint else "")
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(bool(hint))
        texts.addWidget(self.hint_label)
        top.addLayout(texts, 1)
        layout.addLayout(top)

        details = error.details or ""
        if isinstance(error, InternalError):  # a bug or a lost worker: the log helps
            from studio.logs import log_file

            details = (details + "\n\n" if details else "") + self.tr("Log file: %1").replace(
                "%1", str(log_file())
            )
        self.details_text = QPlainTextEdit(details)
        self.details_text.setReadOnly(True)
        self.details_text.setVisible(False)
        self.details_text.setMinimumHeight(160)
        layout.addWidget(self.details_text)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.details_button = QPushButton(self.tr("Show details"))
        self.details_button.setCheckable(True)
        self.details_button.setEnabled(bool(details))
        self.details_button.toggled.connect(self._toggle_details)
        buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def _toggle_details(self, shown: bool) -> None:
        self.details_text.setVisible(shown)
        self.details_button.setText(self.tr("Hide details") if shown else self.tr("Show details"))
        self.adjustSize()


_open_dialogs: list[ErrorDialog] = []


def show_error(parent: QWidget | None, error: StudioError, title: str | None = None) -> ErrorDialog:
    """Show ``error`` without blocking; the dialog is returned (tests read it)."""
    dialog = ErrorDialog(error, title, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open_dialogs.append(dialog)
    dialog.finished.connect(
        lambda _=0: _open_dialogs.remove(dialog) if dialog in _open_dialogs else None
    )
    dialog.open()
    return dialog


def open_error_dialogs() -> list[ErrorDialog]:
    return list(_open_dialogs)
