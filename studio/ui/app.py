"""Start the desktop application."""

from __future__ import annotations

import sys

from studio import __version__


def create_app(language: str | None = None):
    """The QApplication, styled and translated (an existing one is reused)."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from studio.paths import resource
    from studio.ui.i18n import install_translation
    from studio.ui.settings import Settings
    from studio.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Model Studio")
    app.setOrganizationName("model-studio")
    app.setApplicationVersion(__version__)
    icon = resource("icons", "model-studio.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    apply_theme(app)
    install_translation(app, language if language is not None else Settings().language)
    return app


def run_gui(model: str | None = None, language: str | None = None) -> int:
    """Open the window; a Qt that cannot show it or would crash it is said in one line
    (:class:`studio.ui.qt_health.QtUnusable`, or exit code 2 from inside Qt's start)."""
    from studio.ui import qt_health

    with qt_health.platform_or_exit():
        app = create_app(language)
    qt_health.check_painting()
    from studio.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    window.worker.start()
    if model:
        window.open_model(model)
    return app.exec()
