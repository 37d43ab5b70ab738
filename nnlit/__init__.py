"""nnlit: a neural network whose gradients are derived, checked and tangled from a book."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nnlit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
