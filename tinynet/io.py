"""Saving and loading networks as JSON: readable, safe, and never half-written.

The file is plain JSON (never pickle, so loading a file cannot run code)::

    {"format": "tinynet-network", "version": 2, "loss": "cross_entropy", "seed": 0,
     "layers": [{"type": "Dense", "n_in": 256, "n_out": 64, "activation": "sigmoid",
                 "W": [[...], ...], "b": [...]}, {"type": "Dropout", "p": 0.2}, ...]}

Version 2 added the image layers (Conv2D with its W and b, MaxPool2D,
AvgPool2D, Flatten); files of version 1 (Dense and Dropout only) still load.

Saving writes a temporary file beside the target and renames it over the
target only when it is complete, so a crash mid-save leaves the old file.
Loading checks everything first (format, version, types, shapes, finite
numbers) and builds the network only when the whole file is good.
"""

import json
import math
import os
import tempfile

from .activations import ACTIVATIONS
from .conv import Conv2D, Flatten
from .errors import ModelFileError
from .layers import Dense, Dropout
from .losses import LOSSES
from .pooling import AvgPool2D, MaxPool2D

__all__ = ["save", "load", "to_dict", "from_dict", "FORMAT", "VERSION"]

FORMAT = "tinynet-network"
VERSION = 2
#: The versions this tinynet reads.
READABLE = (1, 2)


def to_dict(net):
    """The network as plain JSON-ready data (weights as lists of floats)."""
    layers = []
    for layer in net.layers:
        entry = layer.config()
        if hasattr(layer, "get_weights"):          # Dense, Conv2D
            W, b = layer.get_weights()
            entry["W"], entry["b"] = W, b
        layers.append(entry)
    return {"format": FORMAT, "version": VERSION, "loss": net.loss, "seed": net.seed, "layers": layers}


def save(net, path):
    """Write ``net`` to ``path`` as JSON, atomically (temporary file + rename)."""
    text = json.dumps(to_dict(net), allow_nan=False)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".tinynet-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load(path, backend=None):
    """Read a network saved by ``save``; raise ModelFileError saying what is wrong."""
    try:
        with open(path, encoding="utf-8") as stream:
            data = json.load(stream)
    except OSError as error:
        raise ModelFileError("cannot read model file {}: {}".format(path, error.strerror)) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise ModelFileError("{} is not a tinynet model file: it is not valid JSON ({})".format(
            path, error)) from error
    return from_dict(data, backend, source=path)


def from_dict(data, backend=None, source="model"):
    """Validate ``data`` completely, then build the network."""
    from .network import Network

    def fail(message):
        raise ModelFileError("{}: {}".format(source, message))

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        fail("not a tinynet model file (expected \"format\": \"{}\")".format(FORMAT))
    if data.get("version") not in READABLE or isinstance(data.get("version"), bool):
        fail("format version {!r} is not supported (this tinynet reads versions {})".format(
            data.get("version"), ", ".join(map(str, READABLE))))
    if data.get("loss") not in LOSSES:
        fail("unknown loss {!r}".format(data.get("loss")))
    specs = data.get("layers")
    if not isinstance(specs, list) or not specs:
        fail("\"layers\" must be a non-empty list")
    layers = []
    for number, spec in enumerate(specs, 1):
        where = "layer {}".format(number)
        if not isinstance(spec, dict):
            fail("{} is not an object".format(where))
        if spec.get("type") == "Dense":
            layer = _dense(spec, where, fail)
            layer._pending = (spec["W"], [spec["b"]])        # used when the network is built
            layers.append(layer)
        elif spec.get("type") == "Dropout":
            p = spec.get("p")
            if not _number(p) or not 0 <= p < 1:
                fail("{}: dropout p must be a number in [0, 1), got {!r}".format(where, p))
            layers.append(Dropout(p))
        elif spec.get("type") in _IMAGE_LAYERS and data["version"] >= 2:
            layers.append(_image_layer(spec, where, fail))
        else:
            fail("{} has unknown type {!r}".format(where, spec.get("type")))
    seed = data.get("seed", 0)
    try:
        return Network(layers, loss=data["loss"], seed=seed, backend=backend)
    except (ValueError, TypeError) as error:
        fail(str(error))


def _number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _dense(spec, where, fail):
    n_in, n_out, activation = spec.get("n_in"), spec.get("n_out"), spec.get("activation")
    for key, value in (("n_in", n_in), ("n_out", n_out)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            fail("{}: {} must be a positive whole number, got {!r}".format(where, key, value))
    if activation not in ACTIVATIONS:
        fail("{}: unknown activation {!r}".format(where, activation))
    W, b = spec.get("W"), spec.get("b")
    if not isinstance(W, list) or len(W) != n_out:
        fail("{}: W must be a list of {} rows (n_out)".format(where, n_out))
    for k, row in enumerate(W):
        if not isinstance(row, list) or len(row) != n_in:
            fail("{}: W[{}] must have {} numbers (n_in)".format(where, k, n_in))
        if not all(_number(w) for w in row):
            fail("{}: W[{}] holds something that is not a finite number".format(where, k))
    if not isinstance(b, list) or len(b) != n_out or not all(_number(x) for x in b):
        fail("{}: b must be a list of {} finite numbers".format(where, n_out))
    alpha = spec.get("alpha", 0.01)
    if not _number(alpha):
        fail("{}: alpha must be a number".format(where))
    init = spec.get("init")
    return Dense(n_in, n_out, activation, init=init if isinstance(init, str) else None, alpha=alpha)


_IMAGE_LAYERS = {"Conv2D": Conv2D, "MaxPool2D": MaxPool2D, "AvgPool2D": AvgPool2D, "Flatten": Flatten}
_IMAGE_OPTIONS = {
    "Conv2D": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "activation", "init",
               "alpha", "input_shape"),
    "MaxPool2D": ("size", "stride", "input_shape"),
    "AvgPool2D": ("size", "stride", "input_shape"),
    "Flatten": ("input_shape",),
}


def _image_layer(spec, where, fail):
    """A Conv2D, pooling or Flatten layer from its entry (version 2), its weights checked."""
    kind = spec["type"]
    options = {key: spec[key] for key in _IMAGE_OPTIONS[kind] if key in spec}
    if options.get("activation", "relu") not in ACTIVATIONS:
        fail("{}: unknown activation {!r}".format(where, options["activation"]))
    for key, value in options.items():
        if key in ("activation", "init"):
            continue
        values = value if key == "input_shape" and isinstance(value, list) else [value]
        if not all(_number(v) for v in values):
            fail("{}: {} must be a number (or a list of them), got {!r}".format(where, key, value))
    if not isinstance(options.get("init", ""), str):
        options.pop("init")
    try:
        layer = _IMAGE_LAYERS[kind](**options)
    except (TypeError, ValueError) as error:
        fail("{}: {}".format(where, error))
    if kind == "Conv2D":
        W, b = spec.get("W"), spec.get("b")
        rows, cols = layer.out_channels, layer.fan_in
        if not isinstance(W, list) or len(W) != rows or not all(
                isinstance(row, list) and len(row) == cols and all(_number(w) for w in row) for row in W):
            fail("{}: W must be {} rows (filters) of {} finite numbers (C·k·k)".format(where, rows, cols))
        if not isinstance(b, list) or len(b) != rows or not all(_number(x) for x in b):
            fail("{}: b must be a list of {} finite numbers".format(where, rows))
        layer._pending = (W, [b])
    return layer
