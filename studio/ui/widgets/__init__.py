"""Widgets shared by the tabs: error dialog, progress panel, badges."""
