"""Saving and loading networks as JSON: readable, safe, and never half-written.

The file is plain JSON (never pickle, so loading a file cannot run code)::

    {"format": "tinynet-network", "version": 1, "loss": "cross_entropy", "seed": 0,
     "layers": [{"type": "Dense", "n_in": 256, "n_out": 64, "activation": "sigmoid",
                 "W": [[...], ...], "b": [...]}, {"type": "Dropout", "p": 0.2}, ...]}

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
from .errors import ModelFileError
from .layers import Dense, Dropout
from .losses import LOSSES

__all__ = ["save", "load", "write_json", "to_dict", "from_dict", "FORMAT", "VERSION"]

FORMAT = "tinynet-network"
VERSION = 1
#: The other models' files, read by tinynet.unsupervised.files.
OTHER_FORMATS = ("tinynet-autoencoder", "tinynet-stacked-autoencoder", "tinynet-rbm", "tinynet-dbn")


def to_dict(net):
    """The network as plain JSON-ready data (weights as lists of floats)."""
    layers = []
    for layer in net.layers:
        entry = layer.config()
        if isinstance(layer, Dense):
            W, b = layer.get_weights()
            entry["W"], entry["b"] = W, b
        layers.append(entry)
    return {"format": FORMAT, "version": VERSION, "loss": net.loss, "seed": net.seed, "layers": layers}


def save(net, path):
    """Write ``net`` to ``path`` as JSON, atomically (temporary file + rename)."""
    write_json(to_dict(net), path)


def write_json(data, path):
    """Write JSON-ready ``data`` to ``path``, atomically (temporary file + rename)."""
    text = json.dumps(data, allow_nan=False)
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

    if isinstance(data, dict) and data.get("format") in OTHER_FORMATS:   # autoencoders, RBMs, DBNs
        from .unsupervised.files import from_dict as other_from_dict
        return other_from_dict(data, backend, source)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        fail("not a tinynet model file (expected \"format\": \"{}\")".format(FORMAT))
    if data.get("version") != VERSION:
        fail("format version {!r} is not supported (this tinynet reads version {})".format(
            data.get("version"), VERSION))
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
        else:
            fail("{} has unknown type {!r}".format(where, spec.get("type")))
    seed = data.get("seed", 0)
    try:
        return Network(layers, loss=data["loss"], seed=seed, backend=backend)
    except ValueError as error:
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
