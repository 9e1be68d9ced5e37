"""The inputs table: one row per model input (name, shape, data type), rows added and
removed, each cell checked as it is typed (:mod:`studio.ui.input_rows`) with the reason
shown beside a refused one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from studio.model import input_choice
from studio.model.inputs import InputSpec
from studio.ui.input_rows import (
    DTYPE,
    DTYPE_CHOICES,
    NAME,
    SHAPE,
    InputRow,
    InputsCheck,
    check_rows,
    rows_of,
)

REFUSED_STYLE = "border: 1px solid #c62828; background: #fdecea;"
ROW_HEIGHT = 30


class InputsEditor(QWidget):
    """Edit a model's inputs. ``edited`` fires when the person changes them (not when
    :meth:`show_inputs` fills them in)."""

    edited = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._filling = False
        self._problem = ""
        self.user_edited = False  # changed by hand since last filled in
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Shape"), self.tr("Type")])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SHAPE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DTYPE, QHeaderView.ResizeMode.Fixed)
        widest = QComboBox()  # the column fits the type combo, whose widest item shows whole
        widest.addItems(DTYPE_CHOICES)
        self.table.setColumnWidth(DTYPE, widest.sizeHint().width() + 8)
        header.setToolTip(
            self.tr(
                "One row per input of the model, in the order its forward takes them. "
                "Shape: the size of each dimension, batch first, like 1,3,224,224 for one "
                "colour image or 1,128 for 128 tokens. Type: float32 for images and audio, "
                "int64 for token ids and attention masks."
            )
        )
        row.addWidget(self.table, 1)
        buttons = QVBoxLayout()
        self.add_button = QPushButton(self.tr("Add input"))
        self.add_button.setToolTip(self.tr("Add a row for another input of the model"))
        self.add_button.clicked.connect(self.add_clicked)
        buttons.addWidget(self.add_button)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Remove the selected input"))
        self.remove_button.clicked.connect(self.remove_clicked)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        layout.addLayout(row)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.note)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.setVisible(False)
        layout.addWidget(self.problem_label)
        self._fit_height()
        self.show_inputs(None, "")

    # --- rows ---------------------------------------------------------------------------

    def rows(self) -> list[InputRow]:
        return [
            InputRow(
                self.name_edit(i).text(),
                self.shape_edit(i).text(),
                self.dtype_combo(i).currentText(),
            )
            for i in range(self.table.rowCount())
        ]

    def name_edit(self, row: int) -> QLineEdit:
        return self.table.cellWidget(row, NAME)

    def shape_edit(self, row: int) -> QLineEdit:
        return self.table.cellWidget(row, SHAPE)

    def dtype_combo(self, row: int) -> QComboBox:
        return self.table.cellWidget(row, DTYPE)

    def _add_row(self, row: InputRow) -> None:
        i = self.table.rowCount()
        self.table.insertRow(i)
        name = QLineEdit(row.name)
        name.setPlaceholderText(self.tr("from the model"))
        name.setToolTip(self.tr("The input's name; left empty, it is taken from the model."))
        shape = QLineEdit(row.shape)
        shape.setPlaceholderText(self.tr("e.g. 1,3,224,224"))
        shape.setToolTip(self.tr("The size of each dimension, batch first, separated by commas"))
        dtype = QComboBox()
        dtype.addItems(DTYPE_CHOICES)
        dtype.setCurrentText(row.dtype)
        dtype.setToolTip(
            self.tr(
                "The input's data type: float32 for images and audio, int64 for token ids "
                "and attention masks"
            )
        )
        for edit in (name, shape):
            edit.setFrame(False)
            edit.textChanged.connect(self._changed)
        dtype.currentIndexChanged.connect(self._changed)
        self.table.setCellWidget(i, NAME, name)
        self.table.setCellWidget(i, SHAPE, shape)
        self.table.setCellWidget(i, DTYPE, dtype)

    def _fit_height(self) -> None:
        """Room for the rows shown, up to three (then the table scrolls)."""
        rows = min(max(self.table.rowCount(), 1), 3)
        self.table.setFixedHeight(
            self.table.horizontalHeader().sizeHint().height() + rows * ROW_HEIGHT + 4
        )

    # --- filling in and editing ---------------------------------------------------------

    def show_inputs(self, spec: InputSpec | None, source: str) -> None:
        """Show ``spec``, the inputs of the open model, and where they came from."""
        self._filling = True
        try:
            self.table.setRowCount(0)
            for row in rows_of(spec):
                self._add_row(row)
        finally:
            self._filling = False
        self.user_edited = False
        self._fit_height()
        self.note.setText(self._source_text(source))
        self.check()

    def _source_text(self, source: str) -> str:
        return {
            input_choice.GIVEN: self.tr("The inputs you gave."),
            input_choice.FILE: self.tr("Filled in from what the model file records."),
            input_choice.CATALOGUE: self.tr(
                "Filled in from the architecture's usual input (the built-in catalogue)."
            ),
            input_choice.FORWARD: self.tr(
                "Guessed from the model's code (its forward's parameters and embedding "
                "tables): check the shapes, then press Open to describe the model with them."
            ),
            input_choice.ASSUMED: self.tr(
                "Nothing in the file says its input: this is the usual image input. Change it "
                "if the model takes another, then press Open."
            ),
            "": self.tr(
                "Filled in from the model when it opens; or give each input's name, shape and "
                "type here before pressing Open."
            ),
        }.get(source, "")

    def _changed(self, *_args) -> None:
        if self._filling:
            return
        self.user_edited = True
        self.note.setText(self.tr("Changed: press Open to describe the model with these inputs."))
        self.check()
        self.edited.emit()

    def add_clicked(self) -> None:
        self._add_row(InputRow("", "", "float32"))
        self._fit_height()
        self.table.selectRow(self.table.rowCount() - 1)
        self.shape_edit(self.table.rowCount() - 1).setFocus()
        self._changed()

    def remove_clicked(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row < 0:
            return
        self.table.removeRow(row)
        self._fit_height()
        self._changed()

    # --- checking -----------------------------------------------------------------------

    def check(self) -> InputsCheck:
        """Check the rows; mark each refused cell and say why."""
        result = check_rows(self.rows())
        columns = {NAME: self.tr("name"), SHAPE: self.tr("shape"), DTYPE: self.tr("type")}
        for i in range(self.table.rowCount()):
            for column in (NAME, SHAPE, DTYPE):
                widget = self.table.cellWidget(i, column)
                reason = result.problems.get((i, column))
                widget.setStyleSheet(REFUSED_STYLE if reason else "")
                widget.setProperty("refused", reason or "")
        first = result.first_problem
        self._problem = ""
        if first is not None:
            row, column, reason = first
            self._problem = (
                self.tr("Input %1, %2: %3")
                .replace("%1", str(row + 1))
                .replace("%2", columns[column])
                .replace("%3", reason)
            )
        self.problem_label.setText(self._problem)
        self.problem_label.setVisible(bool(self._problem))
        self.remove_button.setEnabled(self.table.rowCount() > 0)
        return result

    def problem_text(self) -> str:
        """The first refused cell's reason as the Convert tab shows it, or ''."""
        return self._problem
