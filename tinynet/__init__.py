"""tinynet: neural networks a student can read, run and trust."""

from .backend import available_backends, backend_name, get_backend, use

__version__ = "0.1.0"
__all__ = ["use", "backend_name", "available_backends", "get_backend"]
