"""Loading and describing models.

Importing this package is cheap: torch is imported only when a model is loaded,
so Qt-side code can use :mod:`studio.model.inputs` without pulling in torch.
"""

from studio.model.loaded import Candidate, LoadedModel

__all__ = ["Candidate", "LoadedModel", "load_model", "require_module"]


def __getattr__(name: str):
    if name in ("load_model", "require_module"):
        from studio.model import loader

        return getattr(loader, name)
    raise AttributeError(name)
