"""Translations: compiled ``.qm`` files under resources/translations/."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from studio.paths import resource

log = logging.getLogger("studio.ui")

_installed: list[QTranslator] = []


def translations_dir():
    return resource("translations")


def install_translation(app: QApplication, language: str | None) -> str:
    """Install the studio's (and Qt's own) translation for ``language``; '' or 'en' for English.

    Returns the language installed ('' for English).
    """
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if not language:
        language = QLocale.system().name()
    if language.startswith("en") or language == "C":
        return ""
    studio = QTranslator(app)
    if not studio.load(f"model_studio_{language}", str(translations_dir())):
        log.info("no translation for %s", language)
        return ""
    app.installTranslator(studio)
    _installed.append(studio)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return language
