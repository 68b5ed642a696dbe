"""The errors tinynet raises, so that a user can catch them by kind.

Every error is a ``TinynetError``; each also subclasses the built-in
exception a Python programmer would expect (``ValueError`` for bad values,
``TypeError`` for values of the wrong type), so ``except ValueError`` keeps
working.

=====================  ==========================================================
``ShapeError``         shapes that do not fit: names the layer and both shapes
``DataError``          bad data: empty, ragged rows, NaN/inf, labels out of range
``DataTypeError``      data that is not numbers at all
``ModelFileError``     a model file that is corrupted, hand-edited, too large or unreadable
``ConfigError``        a bad option or setting: a learning rate, a layer size, an
                       unknown activation, loss, optimiser or initialiser, a
                       network too large for the memory budget
``NotBuiltError``      a layer used before it joined a ``Network`` (no weights yet)
``TrainingDiverged``   the loss became NaN or infinite, or grew by orders of
                       magnitude, during ``fit``
``BackendError``       an unknown or unavailable backend, with how to get it
``GraphError``         a computational graph used after ``free()``, or with a cycle
=====================  ==========================================================

``DivergenceWarning`` is the warning ``fit(..., on_divergence="warn")`` gives
instead of stopping when the loss grows by orders of magnitude but stays finite.
The rules are written out in docs/errors.md.
"""

__all__ = [
    "TinynetError", "ShapeError", "DataError", "DataTypeError",
    "ModelFileError", "ConfigError", "NotBuiltError", "TrainingDiverged", "BackendError",
    "GraphError", "DivergenceWarning",
]


class TinynetError(Exception):
    """Base class of every error tinynet raises on purpose."""


class ShapeError(TinynetError, ValueError):
    """Two shapes that must match do not."""


class DataError(TinynetError, ValueError):
    """Training or test data that cannot be used as it is."""


class DataTypeError(TinynetError, TypeError):
    """Data that is not made of numbers."""


class ModelFileError(TinynetError, ValueError):
    """A model file that cannot be loaded; nothing was half-loaded."""


class ConfigError(TinynetError, ValueError):
    """An option or setting that cannot work (``except ValueError`` catches it too)."""


class NotBuiltError(TinynetError, RuntimeError):
    """A layer used before a ``Network`` gave it a backend and weights."""


class TrainingDiverged(TinynetError, ArithmeticError):
    """The loss became NaN or infinite, or grew by orders of magnitude; the
    last good weights were kept.

    ``history`` holds the epochs that finished before it happened.
    """

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


class BackendError(TinynetError, RuntimeError):
    """A backend that is unknown, or known but not usable on this machine, or a
    device that failed while working (see ``Backend.mirror``)."""


class GraphError(TinynetError, RuntimeError):
    """A ``tinynet.graph`` node used after its graph was freed, or a graph with a cycle."""


class DivergenceWarning(UserWarning):
    """The loss grew by orders of magnitude (still finite) and ``fit`` went on,
    as ``on_divergence="warn"`` asks."""
