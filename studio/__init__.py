"""Model Studio: from a PyTorch checkpoint to a measured model on an Android phone."""

__version__ = "0.1.0"
