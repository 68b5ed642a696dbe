"""Saving and loading networks as JSON: readable, safe, and never half-written.

The file is plain JSON (never pickle, so loading a file cannot run code)::

    {"format": "tinynet-network", "version": 2, "loss": "cross_entropy", "seed": 0,
     "layers": [{"type": "Dense", "n_in": 256, "n_out": 64, "activation": "sigmoid",
                 "init": "xavier", "alpha": 0.01, "W": [[...], ...], "b": [...]},
                {"type": "Dropout", "p": 0.2}, ...],
     "preprocessing": {"type": "Standardizer", "mean": [...], "std": [...]},
     "class_names": ["0", "1", ...]}

``preprocessing`` and ``class_names`` are there only when the network has
them (``net.preprocess``, ``net.class_names``); ``predict`` applies the saved
Standardizer, so a loaded model takes the same raw inputs as the original.

Saving writes a temporary file ``.tinynet-<host>-<pid>-….tmp`` beside the
target and renames it over the target only when it is complete, so a crash
mid-save leaves the old file. A temporary file left by a save that was
killed (its process is gone) is removed by the next save to that folder. The
saved file gets the permissions of any new file (0644 under the usual umask
022), or keeps those of the file it replaces.

Loading reads at most ``MAX_BYTES`` (100 MiB, or ``max_bytes``), then checks
everything (format, version, types, shapes, finite numbers, known names)
and builds the network only when the whole file is good; every problem is a
``ModelFileError`` naming the file and what is wrong.

Version 2 added the image layers (Conv2D with its W and b, MaxPool2D,
AvgPool2D, Flatten); files of version 1 (Dense and Dropout only) still load.
"""

import errno
import json
import math
import os
import socket
import stat
import tempfile
import time
import zlib

from .activations import ACTIVATIONS
from .conv import Conv2D, Flatten
from .errors import ConfigError, DataError, ModelFileError, TinynetError
from .initializers import INITIALIZERS
from . import jsontext
from .layers import Dense, Dropout
from .losses import LOSSES
from .options import check_seed, whole_number
from .pooling import AvgPool2D, MaxPool2D

__all__ = ["save", "load", "write_json", "to_dict", "from_dict", "FORMAT", "VERSION", "MAX_BYTES"]

FORMAT = "tinynet-network"
VERSION = 2
#: The versions this tinynet reads.
READABLE = (1, 2)
MAX_BYTES = 100 * 1024 * 1024
#: The other models' files, read by tinynet.unsupervised.files.
OTHER_FORMATS = ("tinynet-autoencoder", "tinynet-stacked-autoencoder", "tinynet-rbm", "tinynet-dbn")

_TEMP_PREFIX, _TEMP_SUFFIX = ".tinynet-", ".tmp"
_LEGACY_TEMP_AGE_S = 3600          # a temporary file without host and pid: removed after an hour


# === Saving =================================================================

def to_dict(net):
    """The network as plain JSON-ready data (weights as lists of floats)."""
    if hasattr(net, "to_dict"):              # a SequenceNetwork describes itself
        return net.to_dict()
    from .divergence import weights_finite
    if not weights_finite(net):
        raise DataError("cannot save this network: a weight or bias is NaN or infinite")
    layers = []
    for layer in net.layers:
        entry = layer.config()
        if hasattr(layer, "get_weights"):          # Dense, Conv2D
            W, b = layer.get_weights()
            entry["W"], entry["b"] = W, b
        layers.append(entry)
    data = {"format": FORMAT, "version": VERSION, "loss": net.loss, "seed": check_seed(net.seed),
            "layers": layers}
    preprocessing = _preprocessing_entry(net)
    if preprocessing is not None:
        data["preprocessing"] = preprocessing
    if net.class_names is not None:
        names = _class_names(net.class_names, net.n_out)
        if names is None:
            raise ConfigError("net.class_names must be a list of strings, one per class")
        data["class_names"] = names
    return data


def _preprocessing_entry(net):
    from .datasets.preprocessing import Standardizer
    scaler = net.preprocess
    if scaler is None:
        return None
    if not isinstance(scaler, Standardizer) or scaler.mean is None:
        raise ConfigError("net.preprocess must be a fitted Standardizer to be saved, got {!r}".format(scaler))
    if len(scaler.mean) != net.n_in:
        raise ConfigError("net.preprocess was fitted on {} columns but the network takes {} inputs".format(
            len(scaler.mean), net.n_in))
    return {"type": "Standardizer", "mean": [float(m) for m in scaler.mean],
            "std": [float(s) for s in scaler.std]}


def save(net, path):
    """Write ``net`` to ``path`` as JSON, atomically (temporary file + rename)."""
    write_json(to_dict(net), path)


def write_json(data, path):
    """Write JSON-ready ``data`` to ``path``, atomically (temporary file + rename)."""
    text = json.dumps(data, allow_nan=False)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file name for the model", str(path))
    folder = os.path.dirname(os.path.abspath(path))
    remove_stale_temporaries(folder)
    handle, temporary = tempfile.mkstemp(prefix=_temp_prefix(), suffix=_TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _temp_prefix():
    """``.tinynet-<host>-<pid>-``: who is writing, so a later save can tell a stale file."""
    host = "{:08x}".format(zlib.crc32(socket.gethostname().encode("utf-8", "replace")))
    return "{}{}-{}-".format(_TEMP_PREFIX, host, os.getpid())


def _mode_for(path):
    """The permissions of the file being replaced, else 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def remove_stale_temporaries(folder):
    """Remove ``.tinynet-*.tmp`` files of saves that were killed; return how many.

    A temporary file is stale when it was written on this machine by a
    process that no longer exists (or, for an older name without host and
    pid, when it is more than an hour old). Files of saves still running
    are left alone.
    """
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    host = _temp_prefix().split("-")[1]
    removed = 0
    for name in names:
        if not (name.startswith(_TEMP_PREFIX) and name.endswith(_TEMP_SUFFIX)):
            continue
        path = os.path.join(folder, name)
        parts = name[len(_TEMP_PREFIX):].split("-")
        if len(parts) >= 3 and len(parts[0]) == 8 and parts[1].isdigit():
            stale = parts[0] == host and int(parts[1]) != os.getpid() and not _process_alive(int(parts[1]))
        else:
            try:
                stale = time.time() - os.stat(path).st_mtime > _LEGACY_TEMP_AGE_S
            except OSError:
                stale = False
        if stale:
            try:
                os.remove(path)
                removed += 1
            except OSError:
                pass
    return removed


def _process_alive(pid):
    if os.name != "posix":
        return True                    # no safe test here: keep the file
    try:
        os.kill(pid, 0)                # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True                    # it exists (another user's process)
    return True


# === Loading ================================================================

def load(path, backend=None, max_bytes=None):
    """Read a network saved by ``save``; raise ModelFileError saying what is wrong."""
    limit = MAX_BYTES if max_bytes is None else whole_number(max_bytes, "max_bytes")
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise ModelFileError("a model file name must be a str or path, got {}".format(type(path).__name__))
    try:
        with open(path, "rb") as stream:
            raw = stream.read(limit + 1)           # never more than the limit (think /dev/zero)
    except OSError as error:
        raise ModelFileError("cannot read model file {}: {}".format(path, error.strerror or error)) from error
    if len(raw) > limit:
        raise ModelFileError("{} is larger than {:,} bytes, the most a model file may have; pass "
                             "max_bytes= to Network.load to read a larger one".format(path, limit))
    data = jsontext.parse(raw, path, "a tinynet model file", ModelFileError)
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
    version = data.get("version")
    if type(version) is not int or version not in READABLE:
        fail("format version {} is not supported (this tinynet reads versions {})".format(
            _short(version), ", ".join(map(str, READABLE))))
    loss = data.get("loss")
    if not isinstance(loss, str) or loss not in LOSSES:
        fail("unknown loss {}".format(_short(loss)))
    seed = data.get("seed", 0)
    if type(seed) is not int:
        fail("seed must be a whole number, got {}".format(_short(seed)))
    specs = data.get("layers")
    if not isinstance(specs, list) or not specs:
        fail("\"layers\" must be a non-empty list")
    layers = []
    for number, spec in enumerate(specs, 1):
        where = "layer {}".format(number)
        if not isinstance(spec, dict):
            fail("{} is not an object".format(where))
        kind = spec.get("type")
        if kind == "Dense":
            layer = _dense(spec, where, fail)
            layer._pending = (spec["W"], [spec["b"]])        # used when the network is built
            layers.append(layer)
        elif kind == "Dropout":
            p = spec.get("p")
            if not _number(p) or not 0 <= p < 1:
                fail("{}: dropout p must be a number in [0, 1), got {}".format(where, _short(p)))
            layers.append(Dropout(p))
        elif isinstance(kind, str) and kind in _IMAGE_LAYERS and version >= 2:
            layers.append(_image_layer(spec, where, fail))
        else:
            fail("{} has unknown type {}".format(where, _short(kind)))
    try:
        net = Network(layers, loss=loss, seed=seed, backend=backend)
    except (ValueError, TinynetError) as error:
        fail(str(error))
    if "preprocessing" in data:
        net.preprocess = _standardizer(data["preprocessing"], net.n_in, fail)
    if "class_names" in data:
        net.class_names = _class_names(data["class_names"], net.n_out)
        if net.class_names is None:
            fail("class_names must be a list of strings, one per class")
    return net


def _short(value):
    import reprlib
    return reprlib.repr(value)


def _number(x):
    """A finite JSON number (not a bool; an int too large for a float is not one)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:
        return False


def _numbers(values, count):
    return isinstance(values, list) and len(values) == count and all(_number(x) for x in values)


def _dense(spec, where, fail):
    n_in, n_out, activation = spec.get("n_in"), spec.get("n_out"), spec.get("activation")
    for key, value in (("n_in", n_in), ("n_out", n_out)):
        if type(value) is not int or value < 1:
            fail("{}: {} must be a positive whole number, got {}".format(where, key, _short(value)))
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        fail("{}: unknown activation {}".format(where, _short(activation)))
    W, b = spec.get("W"), spec.get("b")
    if not isinstance(W, list) or len(W) != n_out:
        fail("{}: W must be a list of {} rows (n_out)".format(where, n_out))
    for k, row in enumerate(W):
        if not isinstance(row, list) or len(row) != n_in:
            fail("{}: W[{}] must have {} numbers (n_in)".format(where, k, n_in))
        if not all(_number(w) for w in row):
            fail("{}: W[{}] holds something that is not a finite number".format(where, k))
    if not _numbers(b, n_out):
        fail("{}: b must be a list of {} finite numbers".format(where, n_out))
    alpha = spec.get("alpha", 0.01)
    if not _number(alpha):
        fail("{}: alpha must be a finite number, got {}".format(where, _short(alpha)))
    init = spec.get("init")
    if init is not None and (not isinstance(init, str) or init not in INITIALIZERS):
        fail("{}: unknown init {} (known: {})".format(where, _short(init), ", ".join(INITIALIZERS)))
    try:
        return Dense(n_in, n_out, activation, init=init, alpha=alpha)
    except (ValueError, TinynetError) as error:
        fail("{}: {}".format(where, error))


def _standardizer(spec, n_in, fail):
    from .datasets.preprocessing import Standardizer
    if not isinstance(spec, dict) or spec.get("type") != "Standardizer":
        fail("\"preprocessing\" must be {\"type\": \"Standardizer\", \"mean\": [...], \"std\": [...]}")
    mean, std = spec.get("mean"), spec.get("std")
    if not _numbers(mean, n_in) or not _numbers(std, n_in) or not all(s > 0 for s in std):
        fail("the Standardizer needs {} finite means and {} positive finite standard deviations".format(
            n_in, n_in))
    scaler = Standardizer()
    scaler.mean, scaler.std = [float(m) for m in mean], [float(s) for s in std]
    return scaler


def _class_names(names, n_out):
    """``names`` as a list of one string per class, or None when it is not that."""
    count = 2 if n_out == 1 else n_out             # one logistic output has two classes
    if isinstance(names, (list, tuple)) and len(names) == count and all(isinstance(n, str) for n in names):
        return list(names)
    return None



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
    activation = options.get("activation", "relu")
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        fail("{}: unknown activation {}".format(where, _short(activation)))
    for key, value in options.items():
        if key in ("activation", "init"):
            continue
        values = value if key == "input_shape" and isinstance(value, list) else [value]
        if not all(_number(v) for v in values):
            fail("{}: {} must be a number (or a list of them), got {}".format(where, key, _short(value)))
    if not isinstance(options.get("init", ""), str):
        options.pop("init")
    try:
        layer = _IMAGE_LAYERS[kind](**options)
    except (TypeError, ValueError, TinynetError) as error:
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
