"""Saving and loading sequence networks as JSON (written atomically by ``tinynet.io.save``).

::

    {"format": "tinynet-sequence-network", "version": 1, "loss": "cross_entropy", "seed": 0,
     "layers": [{"type": "LSTM", "n_in": 45, "n_hidden": 64, "return_sequences": true,
                 "init": "xavier", "forget_bias": 1.0,
                 "weights": {"W_f": [[...], ...], "U_f": [[...]], "b_f": [[...]], ...}},
                {"type": "Dense", "n_in": 64, "n_out": 45, "activation": "softmax",
                 "W": [[...], ...], "b": [...]}]}

Loading checks the format, the version, the layer types, every shape and
that every number is finite before it builds the network; anything wrong is
a ``ModelFileError`` that names it.
"""

import math

from . import jsontext
from .checks import _is_number
from .errors import ModelFileError
from .layers import Dense
from .recurrent import LSTM, RNN

__all__ = ["FORMAT", "to_dict", "from_dict", "load"]

FORMAT = "tinynet-sequence-network"
_LAYER_TYPES = {"RNN": RNN, "LSTM": LSTM}


def to_dict(net):
    """The network as plain JSON-ready data."""
    layers = []
    for layer in net.recurrent:
        layers.append(dict(layer.config(), weights=layer.to_lists()))
    W, b = net.output.get_weights()
    layers.append(dict(net.output.config(), W=W, b=b))
    return {"format": FORMAT, "version": 1, "loss": net.loss, "seed": net.seed, "layers": layers}


def load(path, backend=None):
    """Read a sequence network from a JSON file written by ``save``."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise ModelFileError("cannot read sequence model {}: {}".format(path, error.strerror)) from error
    data = jsontext.parse(raw, path, "a tinynet model file", ModelFileError)
    return from_dict(data, backend, str(path))


def from_dict(data, backend=None, source="model"):
    """Validate ``data`` completely, then build the SequenceNetwork."""
    from .sequence import SequenceNetwork

    def fail(message):
        raise ModelFileError("{}: {}".format(source, message))

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        fail("not a tinynet sequence model (format should be {!r})".format(FORMAT))
    if data.get("version") != 1:
        fail("unknown version {!r}".format(data.get("version")))
    specs = data.get("layers")
    if not isinstance(specs, list) or len(specs) < 2 or not all(isinstance(s, dict) for s in specs):
        fail("'layers' must list the recurrent layers and the Dense output")
    layers = []
    try:
        for number, spec in enumerate(specs[:-1], 1):
            kind = _LAYER_TYPES.get(spec.get("type"))
            if kind is None:
                fail("layer {}: unknown recurrent layer type {!r} (known: RNN, LSTM)".format(
                    number, spec.get("type")))
            options = {k: spec[k] for k in ("return_sequences", "init") if k in spec}
            if kind is RNN and "activation" in spec:
                options["activation"] = spec["activation"]
            if kind is LSTM and "forget_bias" in spec:
                options["forget_bias"] = spec["forget_bias"]
            layer = kind(spec["n_in"], spec["n_hidden"], **options)
            layer.set_weights(_finite(spec["weights"], fail))
            layers.append(layer)
        spec = specs[-1]
        if spec.get("type") != "Dense":
            fail("the last layer must be Dense, got {!r}".format(spec.get("type")))
        out = Dense(spec["n_in"], spec["n_out"], spec["activation"], alpha=spec.get("alpha", 0.01))
        W = _finite({"W": spec["W"]}, fail)["W"]
        b = _finite({"b": [spec["b"]]}, fail)["b"][0]
        out.set_weights(W, b)
        layers.append(out)
        return SequenceNetwork(layers, loss=data.get("loss"), seed=data.get("seed", 0), backend=backend)
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        fail("bad layer description: {}".format(error))


def _finite(weights, fail):
    """``weights`` ({name: list of rows}) if every entry is a finite number."""
    if not isinstance(weights, dict):
        fail("weights must be a mapping of names to matrices")
    for name, rows in weights.items():
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            fail("{} must be a list of rows".format(name))
        for row in rows:
            for x in row:
                if not _is_number(x) or not math.isfinite(x):
                    fail("{} holds {!r}, not a finite number".format(name, x))
    return weights
