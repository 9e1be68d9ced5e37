"""What the application remembers between runs: recent files, folders, layout, language."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from studio.paths import data_dir

MAX_RECENT = 8


class Settings:
    def __init__(self, path: Path | None = None):
        path = path or data_dir() / "settings.ini"
        self.q = QSettings(str(path), QSettings.Format.IniFormat)

    def recent_files(self) -> list[str]:
        value = self.q.value("recent/files", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if v]

    def add_recent(self, path: str | Path) -> None:
        """Remember ``path`` first, as an absolute path: a relative one would depend on the
        folder the program is started from."""
        path = str(Path(path).expanduser().absolute())
        files = [path] + [f for f in self.recent_files() if f != path]
        self.q.setValue("recent/files", files[:MAX_RECENT])

    def folder(self, kind: str) -> str:
        return str(self.q.value(f"folders/{kind}", "") or "")

    def set_folder(self, kind: str, path: str | Path) -> None:
        path = Path(path).expanduser().absolute()
        self.q.setValue(f"folders/{kind}", str(path if path.is_dir() else path.parent))

    @property
    def first_run(self) -> bool:
        return self.q.value("app/welcomed", "false") not in ("true", True)

    def mark_welcomed(self) -> None:
        self.q.setValue("app/welcomed", True)

    @property
    def language(self) -> str:
        return str(self.q.value("app/language", "") or "")

    def set_language(self, code: str) -> None:
        self.q.setValue("app/language", code)

    def value(self, key: str, default=None):
        return self.q.value(key, default)

    def set_value(self, key: str, value) -> None:
        self.q.setValue(key, value)

    def sync(self) -> None:
        self.q.sync()
