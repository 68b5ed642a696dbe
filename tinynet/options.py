"""Checking settings up front, so a bad option fails before any work starts.

Every check here raises ``ConfigError`` (a ``TinynetError`` and a
``ValueError``) with one line that names the option and the value given.

=======================  ====================================================
name                     what it accepts
=======================  ====================================================
``whole_number``         an int (not a bool) in a range: sizes, epochs
``real_number``          a finite int or float in a range: lr, λ, p, α
``check_seed``           a whole number (the seed of every random choice)
``check_size``           a network small enough for ``MEMORY_BUDGET``
``check_fit_options``    all of ``fit``'s options at once
=======================  ====================================================

The memory budget: a network may hold at most ``MEMORY_BUDGET`` bytes
(2 GiB), counted as ``NUMBERS_PER_PARAMETER`` numbers per weight (the weight,
its gradient and two optimiser states) of ``BYTES_PER_NUMBER`` bytes (a
Python float in a list). That is about 16.7 million weights. Raise
``tinynet.options.MEMORY_BUDGET`` to build larger networks.

>>> real_number(0.1, "lr", low=0.0, low_open=True)
0.1
>>> real_number(float("nan"), "lr")
Traceback (most recent call last):
...
tinynet.errors.ConfigError: lr must be a finite number, got nan
"""

import math
from numbers import Integral, Real

from .errors import ConfigError

__all__ = ["MEMORY_BUDGET", "BYTES_PER_NUMBER", "NUMBERS_PER_PARAMETER", "whole_number",
           "real_number", "check_seed", "check_size", "check_fit_options", "ON_DIVERGENCE"]

MEMORY_BUDGET = 2 * 1024 ** 3
BYTES_PER_NUMBER = 32            # a float object (24 bytes) and the list's pointer to it (8)
NUMBERS_PER_PARAMETER = 4        # w, ∂E/∂w and up to two optimiser states (Adam's m and v)

ON_DIVERGENCE = ("stop", "warn")


def _show(value):
    """A short, safe text for a value in a message (never a huge or deep repr)."""
    import reprlib
    return reprlib.repr(value)


def whole_number(value, what, low=1, high=None):
    """``value`` as an int in [low, high], or ConfigError.

    >>> whole_number(2.5, "epochs")
    Traceback (most recent call last):
    ...
    tinynet.errors.ConfigError: epochs must be a whole number of at least 1, got 2.5
    """
    bounds = "of at least {}".format(low) if high is None else "in {}…{}".format(low, high)
    if isinstance(value, bool) or not isinstance(value, Integral) or \
            int(value) < low or (high is not None and int(value) > high):
        raise ConfigError("{} must be a whole number {}, got {}".format(what, bounds, _show(value)))
    return int(value)


def real_number(value, what, low=None, high=None, low_open=False, high_open=False):
    """``value`` as a finite float in the range given, or ConfigError.

    ``low_open``/``high_open`` exclude the bound itself (lr > 0, p < 1).
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ConfigError("{} must be a number, got {}".format(what, _show(value)))
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ConfigError("{} must be a finite number, got {}".format(what, _show(value)))
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise ConfigError("{} must be in {}{}, {}{}, got {}".format(
            what, left, "−∞" if low is None else "{:g}".format(low),
            "∞" if high is None else "{:g}".format(high), right, _show(value)))
    return number


def check_seed(seed):
    """The seed must be a whole number (it names every random stream).

    >>> check_seed(7)
    7
    """
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        raise ConfigError("seed must be a whole number, got {}".format(_show(seed)))
    return int(seed)


def check_size(parameters, what):
    """Raise ConfigError when ``parameters`` weights exceed the memory budget."""
    needed = parameters * NUMBERS_PER_PARAMETER * BYTES_PER_NUMBER
    if needed > MEMORY_BUDGET:
        raise ConfigError(
            "{} would have {:,} weights, about {} of memory, over tinynet's budget of {} "
            "(tinynet.options.MEMORY_BUDGET); use fewer units".format(
                what, parameters, _bytes(needed), _bytes(MEMORY_BUDGET)))


def _bytes(n):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return "{:.0f} {}".format(n, unit) if unit == "bytes" else "{:.1f} {}".format(n, unit)
        n /= 1024
    return str(n)


def check_fit_options(epochs, batch_size, l2, l1, stop_loss, early_stopping, validation_data,
                      shuffle, verbose, log_every, on_divergence, growth):
    """Check every option of ``fit`` before the data go to the backend.

    The learning rate and optimiser are checked where the optimiser is made
    (``tinynet.optim``). Returns nothing; raises ConfigError.
    """
    whole_number(epochs, "epochs")
    if batch_size is not None:
        whole_number(batch_size, "batch_size (a whole number of rows, or None for all)")
    real_number(l2, "l2", low=0.0)
    real_number(l1, "l1", low=0.0)
    if stop_loss is not None:
        real_number(stop_loss, "stop_loss")
    if early_stopping is not None:
        whole_number(early_stopping, "early_stopping (epochs without a better validation loss)")
        if validation_data is None:
            raise ConfigError("early_stopping needs validation_data to watch")
    if validation_data is not None:
        if isinstance(validation_data, (str, bytes, dict)) or not isinstance(validation_data, (tuple, list)) \
                or len(validation_data) != 2:
            raise ConfigError("validation_data must be a pair (X_val, y_val), got {}".format(
                _show(validation_data)))
    if not isinstance(shuffle, bool):
        raise ConfigError("shuffle must be True or False, got {}".format(_show(shuffle)))
    if verbose is not None and not (isinstance(verbose, int) and verbose in (0, 1)):
        raise ConfigError("verbose must be None, 0 or 1, got {}".format(_show(verbose)))
    if log_every is not None:
        whole_number(log_every, "log_every")
    if on_divergence not in ON_DIVERGENCE:
        raise ConfigError("on_divergence must be one of {}, got {}".format(
            ", ".join(map(repr, ON_DIVERGENCE)), _show(on_divergence)))
    real_number(growth, "divergence_growth", low=1.0, low_open=True)
