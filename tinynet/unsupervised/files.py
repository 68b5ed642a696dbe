"""Saving and loading autoencoders, RBMs and DBNs: JSON, validated, written atomically.

The files use the machinery of ``tinynet.io`` (a temporary file renamed over
the target once complete; everything checked before anything is built), with
a "format" of their own::

    {"format": "tinynet-rbm", "version": 1, "n_visible": 256, "n_hidden": 100, "seed": 0,
     "counter": 4650, "W": [[...], ...], "b": [...], "c": [...]}
    {"format": "tinynet-dbn", "version": 1, "seed": 0, "rbms": [{...an RBM...}, ...]}
    {"format": "tinynet-autoencoder", "version": 1, "n_in": 256, "n_code": 64,
     "encoder": "sigmoid", "decoder": "sigmoid", "loss": "logistic", "tied": false,
     "sparsity": {"kind": "kl", "rho": 0.05, "beta": 3.0} or null,
     "noise": "mask" or null, "noise_level": 0.25, "seed": 0,
     "W1": [[...]], "b1": [...], "W2": [[...]] (absent when tied), "b2": [...]}
    {"format": "tinynet-stacked-autoencoder", "version": 1, "autoencoders": [{...}, ...]}

``tinynet.io.load`` reads any of them (and networks); ``RBM.load`` and the
others also check that the file holds their kind.
"""

from .. import io
from ..activations import ACTIVATIONS
from ..errors import ModelFileError

__all__ = ["FORMATS", "save", "load", "to_dict", "from_dict"]

VERSION = 1
FORMATS = {"tinynet-autoencoder": "Autoencoder", "tinynet-stacked-autoencoder": "StackedAutoencoder",
           "tinynet-rbm": "RBM", "tinynet-dbn": "DBN"}


# === Writing ================================================================

def to_dict(model):
    """The model as JSON-ready data."""
    from .autoencoder import Autoencoder
    from .stacked import StackedAutoencoder
    from .dbn import DBN
    from .rbm import RBM
    if isinstance(model, RBM):
        W, b, c = model.get_weights()
        return {"format": "tinynet-rbm", "version": VERSION, "n_visible": model.n_visible,
                "n_hidden": model.n_hidden, "seed": model.seed, "counter": model.counter,
                "W": W, "b": b, "c": c}
    if isinstance(model, DBN):
        return {"format": "tinynet-dbn", "version": VERSION, "seed": model.seed,
                "rbms": [to_dict(rbm) for rbm in model.rbms]}
    if isinstance(model, StackedAutoencoder):
        return {"format": "tinynet-stacked-autoencoder", "version": VERSION,
                "autoencoders": [to_dict(ae) for ae in model.autoencoders]}
    if isinstance(model, Autoencoder):
        net, sparsity = model.net, model.sparsity
        W1, b1 = model.encoder.get_weights()
        W2, b2 = model.decoder.get_weights()
        data = {"format": "tinynet-autoencoder", "version": VERSION, "n_in": model.n_in,
                "n_code": model.n_code, "encoder": model.encoder.activation,
                "decoder": model.decoder.activation, "loss": model.loss, "tied": model.tied,
                "sparsity": None if sparsity is None else {
                    "kind": sparsity.kind, "rho": sparsity.rho, "beta": sparsity.beta},
                "noise": net.noise, "noise_level": net.noise_level, "seed": model.seed,
                "W1": W1, "b1": b1, "b2": b2}
        if not model.tied:
            data["W2"] = W2
        return data
    raise TypeError("cannot save a {} here".format(type(model).__name__))


def save(model, path):
    """Write ``model`` to ``path`` as JSON, atomically (``tinynet.io.write_json``)."""
    io.write_json(to_dict(model), path)


# === Reading ================================================================

def load(path, backend=None, expect=None):
    """Read a model file; ``expect``, a class, makes a file of another kind an error."""
    model = io.load(path, backend)
    if expect is not None and not isinstance(model, expect):
        raise ModelFileError("{} holds a {}, not a {}".format(path, type(model).__name__,
                                                              expect.__name__))
    return model


def from_dict(data, backend=None, source="model"):
    """Validate ``data`` completely, then build the model it describes."""
    def fail(message):
        raise ModelFileError("{}: {}".format(source, message))

    kind = data.get("format")
    if kind not in FORMATS:
        fail("not a tinynet model file of a known kind (format {!r})".format(kind))
    if data.get("version") != VERSION:
        fail("{} version {!r} is not supported (this tinynet reads version {})".format(
            kind, data.get("version"), VERSION))
    if kind == "tinynet-rbm":
        _check_rbm(data, "", fail)
        return _build_rbm(data, backend)
    if kind == "tinynet-dbn":
        rbms = _check_stack(data, "rbms", "RBM", _check_rbm, "n_visible", "n_hidden",
                            "RBM {} has {} visible units but RBM {} has {} hidden units", fail)
        from .dbn import DBN
        dbn = DBN([rbms[0]["n_visible"]] + [entry["n_hidden"] for entry in rbms],
                  seed=_seed(data), backend=backend)
        dbn.rbms = [_build_rbm(entry, backend) for entry in rbms]
        return dbn
    if kind == "tinynet-autoencoder":
        _check_autoencoder(data, "", fail)
        return _build_autoencoder(data, backend)
    entries = _check_stack(data, "autoencoders", "autoencoder", _check_autoencoder, "n_in", "n_code",
                           "autoencoder {} has {} inputs but autoencoder {} makes codes of {}", fail)
    from .stacked import StackedAutoencoder
    stack = StackedAutoencoder([entries[0]["n_in"]] + [entry["n_code"] for entry in entries],
                               backend=backend)
    stack.autoencoders = [_build_autoencoder(entry, backend) for entry in entries]
    return stack


def _check_stack(data, key, part, check, n_in, n_out, mismatch, fail):
    """data[key]: a non-empty list of parts, each valid (``check``), each
    taking what the one before gives (its ``n_in`` field equal to the previous
    part's ``n_out``; else ``mismatch`` with both numbers).  Returns the list."""
    parts = data.get(key)
    if not isinstance(parts, list) or not parts:
        fail("\"{}\" must be a non-empty list".format(key))
    for number, entry in enumerate(parts, 1):
        check(entry, "{} {}: ".format(part, number), fail)
        if number > 1 and entry[n_in] != parts[number - 2][n_out]:
            fail(mismatch.format(number, entry[n_in], number - 1, parts[number - 2][n_out]))
    return parts


def _seed(data):
    seed = data.get("seed", 0)
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else 0


def _size(data, key, where, fail):
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        fail("{}{} must be a positive whole number, got {!r}".format(where, key, value))
    return value


def _matrix(value, rows, cols, what, fail):
    if not isinstance(value, list) or len(value) != rows:
        fail("{} must be a list of {} rows".format(what, rows))
    for k, row in enumerate(value):
        if not isinstance(row, list) or len(row) != cols:
            fail("{}[{}] must have {} numbers".format(what, k, cols))
        if not all(io._number(x) for x in row):
            fail("{}[{}] holds something that is not a finite number".format(what, k))


def _vector(value, n, what, fail):
    if not isinstance(value, list) or len(value) != n or not all(io._number(x) for x in value):
        fail("{} must be a list of {} finite numbers".format(what, n))


def _check_rbm(data, where, fail):
    if not isinstance(data, dict):
        fail("{}not an object".format(where))
    n_v, n_h = _size(data, "n_visible", where, fail), _size(data, "n_hidden", where, fail)
    _matrix(data.get("W"), n_h, n_v, where + "W", fail)
    _vector(data.get("b"), n_v, where + "b", fail)
    _vector(data.get("c"), n_h, where + "c", fail)
    counter = data.get("counter", 0)
    if not isinstance(counter, int) or isinstance(counter, bool) or counter < 0:
        fail("{}counter must be a whole number of at least 0".format(where))


def _build_rbm(data, backend):
    from .rbm import RBM
    rbm = RBM(data["n_visible"], data["n_hidden"], seed=_seed(data), backend=backend)
    rbm.set_weights(data["W"], data["b"], data["c"])
    rbm.counter = data.get("counter", 0)
    return rbm


def _check_autoencoder(data, where, fail):
    if not isinstance(data, dict):
        fail("{}not an object".format(where))
    n_in, n_code = _size(data, "n_in", where, fail), _size(data, "n_code", where, fail)
    for key in ("encoder", "decoder"):
        if data.get(key) not in ACTIVATIONS:
            fail("{}unknown {} activation {!r}".format(where, key, data.get(key)))
    if data.get("loss") not in ("logistic", "squared_error"):
        fail("{}an autoencoder's loss is 'logistic' or 'squared_error', not {!r}".format(
            where, data.get("loss")))
    if not isinstance(data.get("tied"), bool):
        fail("{}tied must be true or false".format(where))
    sparsity = data.get("sparsity")
    if sparsity is not None:
        if (not isinstance(sparsity, dict) or sparsity.get("kind") not in ("kl", "l1")
                or not io._number(sparsity.get("rho")) or not io._number(sparsity.get("beta"))
                or sparsity["beta"] < 0
                or (sparsity["kind"] == "kl" and not 0 < sparsity["rho"] < 1)):
            fail("{}sparsity must be null or {{\"kind\": \"kl\"|\"l1\", \"rho\": in (0, 1), "
                 "\"beta\": at least 0}}".format(where))
    if data.get("noise") not in (None, "mask", "gaussian"):
        fail("{}noise must be null, \"mask\" or \"gaussian\"".format(where))
    level = data.get("noise_level", 0.0)
    if not io._number(level) or level < 0 or (data.get("noise") == "mask" and level >= 1):
        fail("{}noise_level must be a number at least 0 (below 1 for masking)".format(where))
    _matrix(data.get("W1"), n_code, n_in, where + "W1", fail)
    _vector(data.get("b1"), n_code, where + "b1", fail)
    if not data["tied"]:
        _matrix(data.get("W2"), n_in, n_code, where + "W2", fail)
    _vector(data.get("b2"), n_in, where + "b2", fail)


def _build_autoencoder(data, backend):
    from .autoencoder import Autoencoder
    sparsity = data.get("sparsity") or {}
    ae = Autoencoder(data["n_in"], data["n_code"], encoder=data["encoder"], decoder=data["decoder"],
                     loss=data["loss"], tied=data["tied"], sparsity=sparsity.get("kind"),
                     rho=sparsity.get("rho", 0.05), beta=sparsity.get("beta", 3.0),
                     noise=data.get("noise"), noise_level=data.get("noise_level", 0.25),
                     seed=_seed(data), backend=backend)
    ae.encoder.set_weights(data["W1"], data["b1"])
    if data["tied"]:
        ae.decoder.set_bias(data["b2"])
    else:
        ae.decoder.set_weights(data["W2"], data["b2"])
    return ae
