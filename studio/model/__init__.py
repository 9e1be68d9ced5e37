"""Loading and describing models.

Importing this package is cheap: torch is imported only when a model is loaded,
so Qt-side code can use :mod:`studio.model.inputs` without pulling in torch, and
:mod:`studio.model.sample` without numpy either.
"""

__all__ = ["Candidate", "LoadedModel", "load_model", "require_module"]


def __getattr__(name: str):
    if name in ("load_model", "require_module"):
        from studio.model import loader

        return getattr(loader, name)
    if name in ("Candidate", "LoadedModel"):
        from studio.model import loaded

        return getattr(loaded, name)
    raise AttributeError(name)
