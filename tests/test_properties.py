"""Property-based tests: generated model files, data and options get tinynet's
own error or a correct result, never a foreign exception, a hang or a silent NaN.

The number of generated cases depends on the hypothesis profile: "dev" (the
default, a few hundred, for local runs) or "ci" (selected by CI=true: at
least 10,000 model files and 5,000 inputs). Runs are derandomized, so a
given profile always tries the same cases.
"""

import json
import math
import os
import warnings

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is not installed (pip install -e .[test])")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tinynet import (Dense, Dropout, History, Network, TinynetError,  # noqa: E402
                     TrainingDiverged, get_backend)
from tinynet.activations import ACTIVATIONS  # noqa: E402
from tinynet.divergence import weights_finite  # noqa: E402

CI = os.environ.get("CI", "").lower() == "true"
settings.register_profile("dev", max_examples=200, deadline=None, derandomize=True, database=None,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("ci", max_examples=2000, deadline=None, derandomize=True, database=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile("ci" if CI else "dev")


def examples(ci, dev):
    """How many cases a test generates under the current profile."""
    return settings(max_examples=ci if CI else dev)


BACKEND = get_backend(os.environ.get("TINYNET_BACKEND", "python"))
FLOAT32 = getattr(BACKEND, "dtype", "float64") == "float32"
DEEP = "\x00deep\x00"          # replaced by a JSON list nested thousands deep


# === Model files ============================================================

def _numbers(count):
    return st.lists(st.floats(-3, 3, allow_nan=False), min_size=count, max_size=count)


@st.composite
def model_dicts(draw):
    """A valid model file's data: 1-3 Dense layers (Dropout between), any loss."""
    loss = draw(st.sampled_from(["squared_error", "mse", "cross_entropy", "logistic"]))
    widths = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    if loss == "logistic":
        widths[-1] = 1
    output = {"cross_entropy": "softmax", "logistic": "sigmoid"}.get(
        loss, draw(st.sampled_from([a for a in ACTIVATIONS if a != "softmax"])))
    layers = []
    for k, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        last = k == len(widths) - 2
        activation = output if last else draw(st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "linear"]))
        layers.append({"type": "Dense", "n_in": n_in, "n_out": n_out, "activation": activation,
                       "init": draw(st.sampled_from(["small", "zeros", "xavier", "he"])),
                       "alpha": draw(st.floats(0, 0.5)),
                       "W": [draw(_numbers(n_in)) for _ in range(n_out)], "b": draw(_numbers(n_out))})
        if not last and draw(st.booleans()):
            layers.append({"type": "Dropout", "p": draw(st.floats(0, 0.9))})
    data = {"format": "tinynet-network", "version": 1, "loss": loss, "seed": draw(st.integers(-5, 10 ** 6)),
            "layers": layers}
    if draw(st.booleans()):
        data["preprocessing"] = {"type": "Standardizer", "mean": draw(_numbers(widths[0])),
                                 "std": draw(st.lists(st.floats(0.1, 5), min_size=widths[0],
                                                      max_size=widths[0]))}
    if draw(st.booleans()):
        data["class_names"] = [str(k) for k in range(2 if widths[-1] == 1 else widths[-1])]
    return data


NASTY = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 5), st.integers(min_value=10 ** 300, max_value=10 ** 420),
    st.floats(), st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324, 1.0]),
    st.text(max_size=5), st.sampled_from(["Dense", "Dropout", "tinynet-network", "softmax", "xavier", "bogus"]),
    st.lists(st.integers(-2, 2), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just(DEEP), st.builds(lambda: {"type": "Dense"}), st.builds(lambda: [[1.0]]),   # fresh objects:
)                                                                                    # they get changed


def _paths(value, prefix=()):
    """Every place in a JSON tree (dict keys and list indices)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


@st.composite
def model_texts(draw):
    """A model file's text: valid, or changed in one to three places, or cut short."""
    data = draw(model_dicts())
    for _ in range(draw(st.integers(0, 3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "seed", "version", "init", "p", "alpha", "preprocessing",
                                         "class_names"]))] = draw(NASTY)
        elif action == "add" and isinstance(parent, list):
            parent.append(draw(NASTY))
        else:
            parent[path[-1]] = draw(NASTY)
    if draw(st.integers(0, 9)) == 0:                      # the whole file is something else
        data = draw(NASTY)
    text = json.dumps(data)
    if DEEP in text:
        depth = draw(st.sampled_from([10, 900, 3000, 100000]))
        text = text.replace(json.dumps(DEEP), "[" * depth + "]" * depth)
    cut = draw(st.integers(0, 19))
    if cut == 0:
        text = text[:draw(st.integers(0, len(text)))]
    raw = text.encode("utf-8")
    if cut == 1:
        raw = raw[:5] + b"\xff\xfe" + raw[5:]
    return raw


_SAVE_CHECKS = 0


@examples(ci=10000, dev=300)
@given(raw=model_texts())
def test_generated_model_files_load_or_raise_model_file_error(raw, tmp_path_factory):
    global _SAVE_CHECKS
    folder = tmp_path_factory.getbasetemp()
    path = os.path.join(str(folder), "generated.json")
    with open(path, "wb") as stream:
        stream.write(raw)
    try:
        net = Network.load(path, backend=BACKEND)
    except TinynetError as error:
        assert type(error).__name__ == "ModelFileError", error
        assert "\n" not in str(error)
        return
    # a file that loads is a working network: it predicts finite numbers (or, where its finite
    # weights are so large that the outputs overflow, says so in one DataError line) and saves again
    try:
        out = net.predict([0.5] * net.n_in)        # one sample: one row of outputs
    except TinynetError as error:
        assert type(error).__name__ == "DataError" and "too large" in str(error), error
        assert "\n" not in str(error)
    else:
        assert len(out) == net.n_out and all(math.isfinite(a) for a in out)
    again = os.path.join(str(folder), "again.json")
    net.save(again)
    copy = Network.load(again, backend=BACKEND)
    assert copy.get_weights() == net.get_weights() and repr(copy) == repr(net)
    assert json.load(open(again))["seed"] == net.seed
    _SAVE_CHECKS += 1


def test_oversized_and_endless_model_files(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    with pytest.raises(TinynetError, match="larger than 1,024 bytes"):
        Network.load(str(big), max_bytes=1024)
    if os.path.exists("/dev/zero"):
        with pytest.raises(TinynetError, match="larger than"):
            Network.load("/dev/zero", max_bytes=1 << 20)


# === Data ===================================================================

FINITE = st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.integers(-100, 100))
NUMBER = st.one_of(FINITE, FINITE, FINITE, st.booleans(), st.floats(),
                   st.integers(min_value=10 ** 300, max_value=10 ** 400), st.sampled_from([1e308, -1e308, 1e200]))
NOT_NUMBER = st.one_of(st.none(), st.text(max_size=3), st.builds(lambda: [1.0]), st.builds(lambda: {1: 2}),
                       st.builds(lambda: {0.5}),
                       st.just(DEEP), st.just(b"1"), st.just(1j))


def _deep(value):
    if value == DEEP:
        nested = [1.0]
        for _ in range(2500):
            nested = [nested]
        return nested
    return value


@st.composite
def rows(draw, width, good):
    """A batch of rows: usually of ``width`` numbers, sometimes wrong in one way."""
    n = draw(st.integers(1, 4))
    entry = FINITE if good else st.one_of(NUMBER, NUMBER, NUMBER, NOT_NUMBER)
    data = [draw(st.lists(entry, min_size=width, max_size=width)) for _ in range(n)]
    data = [[_deep(x) for x in row] for row in data]
    if good:
        return data
    change = draw(st.integers(0, 12))
    if change == 0:
        data[0] = data[0][:-1]
    elif change == 1:
        data = draw(NOT_NUMBER)
    elif change == 2:
        data = {i: row for i, row in enumerate(data)}
    elif change == 3:
        data[0] = set(data[0]) if all(isinstance(x, (int, float)) for x in data[0]) else data[0]
    elif change == 4:
        data[0] = dict(enumerate(data[0]))
    elif change == 5:
        data = tuple(tuple(row) for row in data)
    elif change == 6:
        data = data[0]                        # one sample as a flat list
    elif change == 7:
        data = []
    elif change == 8:
        data = _numpy(data)
    return _deep(data)


def _numpy(data):
    try:
        import numpy as np
    except ImportError:
        return data
    try:
        array = np.array(data, dtype=float)
    except (ValueError, TypeError, OverflowError):
        return data
    return array if array.size % 2 else np.array(array.sum())       # sometimes a 0-d array


NETS = {
    "squared_error": ("linear", 1), "mse": ("tanh", 2), "cross_entropy": ("softmax", 3), "logistic": ("sigmoid", 1),
}


def small_net(loss):
    output, n_out = NETS[loss]
    return Network([Dense(2, 3, "tanh"), Dense(3, n_out, output)], loss=loss, seed=1, backend=BACKEND)


def reference_predict(net, X):
    """The forward pass by hand, in float64, for rows of numbers."""
    (W1, b1), (W2, b2) = net.get_weights()
    out = []
    for x in X:
        h = [math.tanh(sum(w * float(v) for w, v in zip(row, x)) + b) for row, b in zip(W1, b1)]
        z = [sum(w * v for w, v in zip(row, h)) + b for row, b in zip(W2, b2)]
        kind = net.layers[-1].activation
        if kind == "softmax":
            top = max(z)
            e = [math.exp(v - top) for v in z]
            z = [v / sum(e) for v in e]
        elif kind == "sigmoid":
            z = [1 / (1 + math.exp(-v)) for v in z]
        elif kind == "tanh":
            z = [math.tanh(v) for v in z]
        out.append(z)
    return out


def _close(a, b):
    tolerance = 1e-4 if FLOAT32 else 1e-9
    return abs(a - b) <= tolerance * (1 + abs(b))


@st.composite
def targets(draw, loss, n, good):
    output, n_out = NETS[loss]
    if loss == "cross_entropy":
        right = st.lists(st.integers(0, 2), min_size=n, max_size=n)
    elif loss == "logistic":
        right = st.lists(st.sampled_from([0, 1, 0.0, 1.0, True]), min_size=n, max_size=n)
    elif n_out == 1:
        right = st.lists(FINITE, min_size=n, max_size=n)
    else:
        right = st.lists(st.lists(st.floats(-1, 1), min_size=n_out, max_size=n_out), min_size=n, max_size=n)
    if good:
        return draw(right)
    wrong = st.one_of(
        st.lists(st.one_of(NUMBER, NOT_NUMBER, st.integers(-3, 5), st.floats(-1, 3)), min_size=n, max_size=n),
        st.lists(st.lists(st.one_of(NUMBER, st.floats(-1, 2)), min_size=n_out, max_size=n_out), min_size=n,
                 max_size=n),
        st.sets(st.integers(0, 9), min_size=n, max_size=n), NOT_NUMBER, right.map(lambda y: y[:-1]))
    return _deep(draw(wrong))


@examples(ci=5000, dev=300)
@given(data=st.data())
def test_generated_inputs_give_a_tinynet_error_or_the_right_answer(data):
    loss = data.draw(st.sampled_from(sorted(NETS)))
    net = small_net(loss)
    good_X = data.draw(st.booleans())
    X = data.draw(rows(2, good_X))
    call = data.draw(st.sampled_from(["predict", "evaluate", "gradients", "fit"]))
    try:
        if call == "predict":
            out = net.predict(X)
        else:
            n = len(X) if isinstance(X, list) and X and isinstance(X[0], list) else 1
            y = data.draw(targets(loss, n, data.draw(st.booleans())))
            result = getattr(net, call)(X, y) if call != "fit" else net.fit(X, y, epochs=2, verbose=0,
                                                                            batch_size=2)
    except TinynetError as error:
        assert "\n" not in str(error).strip() or isinstance(error, TrainingDiverged)
        assert weights_finite(net)
        return
    if call == "predict":
        batch = X.tolist() if hasattr(X, "tolist") else X
        rows_in = [batch] if batch and not isinstance(batch[0], (list, tuple)) else batch
        expected = reference_predict(net, rows_in)
        got = [out] if rows_in is not batch else out
        assert len(got) == len(expected)
        for got_row, want_row in zip(got, expected):
            assert all(math.isfinite(a) and _close(a, b) for a, b in zip(got_row, want_row)), (got_row, want_row)
    elif call == "evaluate":
        assert all(math.isfinite(v) and v >= -1e-12 for v in result.values()), result
    elif call == "gradients":
        loss_value, grads = result
        assert math.isfinite(loss_value) and loss_value >= -1e-12
        assert all(math.isfinite(g) for dW, db in grads for row in dW for g in row)
    else:
        assert isinstance(result, History) and all(math.isfinite(v) for v in result["loss"])
    assert weights_finite(net)


# === Options ================================================================

ODD = st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.sampled_from([math.nan, math.inf, -math.inf]),
                st.integers(-3, 3), st.floats(-10, 10), st.just([1]), st.just({}), st.just(10 ** 400))


@examples(ci=2000, dev=150)
@given(data=st.data())
def test_generated_fit_options_give_a_tinynet_error_or_finite_training(data):
    option = data.draw(st.sampled_from([
        "epochs", "batch_size", "optimizer", "lr", "l2", "l1", "validation_data", "stop_loss", "early_stopping",
        "shuffle", "verbose", "log_every", "on_divergence", "divergence_growth"]))
    special = {
        "lr": st.one_of(ODD, st.sampled_from([1e308, 1e6, 1e-300, 1e3, "0.1", 5.0])),
        "optimizer": st.one_of(ODD, st.sampled_from(["sgd", "momentum", "adam", "rmsprop", "SGD"])),
        "validation_data": st.one_of(ODD, st.just(([[0.0, 1.0]], [0.5])), st.just(([[0.0, 1.0]],)),
                                     st.just(([[0.0]], [0.5])), st.just(([[0.0, 1.0]], [math.nan]))),
        "on_divergence": st.one_of(ODD, st.sampled_from(["stop", "warn", "ignore"])),
    }
    special["epochs"] = ODD.filter(lambda v: not (isinstance(v, int) and v > 10))   # 10**400 epochs: forever
    value = data.draw(special.get(option, ODD))
    options = {option: value}
    if option == "early_stopping" and data.draw(st.booleans()):
        options["validation_data"] = ([[0.0, 1.0]], [0.5])
    if option in ("on_divergence", "divergence_growth"):
        options["lr"] = data.draw(st.sampled_from([0.1, 1e6, 1e308]))
    options.setdefault("epochs", 3)
    options.setdefault("verbose", 0)
    net = Network([Dense(2, 4, "tanh"), Dropout(0.2), Dense(4, 1, "linear")], seed=0, backend=BACKEND)
    X, y = [[0.0, 1.0], [1.0, 0.0], [3.0, -2.0], [0.5, 0.5]], [0.5, -0.5, 4.0, 0.0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            history = net.fit(X, y, **options)
    except TinynetError:
        assert weights_finite(net)
        return
    assert all(math.isfinite(v) for v in history["loss"])
    assert weights_finite(net)
    assert all(math.isfinite(a) for row in net.predict(X) for a in row)
