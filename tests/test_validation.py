"""Bad input of every kind gets tinynet's own one-line error; training never ends
in a silent NaN; saving loses nothing. (The generated cases are in
test_properties.py; these are the known ones, one by one.)"""

import json
import math
import os
import signal
import stat
import subprocess
import sys
import time
import warnings

import pytest

import tinynet
from tinynet import (ConfigError, DataError, DataTypeError, Dense, DivergenceWarning, Dropout,
                     ModelFileError, Network, NotBuiltError, ShapeError, TinynetError, TrainingDiverged,
                     datasets, gradcheck)
from tinynet.__main__ import main
from tinynet.divergence import weights_finite
from tinynet.sequence import SequenceNetwork
from tinynet.unsupervised import DBN, RBM

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def net(default_backend):
    return Network([Dense(2, 3, "tanh"), Dense(3, 2, "softmax")], loss="cross_entropy", seed=0,
                   backend=default_backend)


# === Data ===================================================================

@pytest.mark.parametrize("X,kind,message", [
    ([[10 ** 400, 1]], DataError, "X[0][0] is 1000"),
    ([[{"a": 1, "b": 2}]], DataTypeError, "not a number"),
    ([{"a": 1, "b": 2}], DataTypeError, "X[0] must be a row of numbers, got dict"),
    ([{1.0, 2.0}], DataTypeError, "got set"),
    ({0: [1.0, 2.0]}, DataTypeError, "list of rows"),
    ({1.0, 2.0}, DataTypeError, "list of rows"),
    ([[1.0, None]], DataTypeError, "X[0][1] is None"),
    ([[1.0, 1j]], DataTypeError, "not a number"),
    ([[1.0, "2"]], DataTypeError, "X[0][1] is '2'"),
    ([1.0, math.inf], DataError, "X[1] is inf"),
])
def test_bad_inputs_are_named(net, X, kind, message):
    with pytest.raises(kind) as error:
        net.predict(X)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_inputs_nested_thousands_deep(net):
    X = [1.0]
    for _ in range(3000):
        X = [X]
    with pytest.raises(DataTypeError) as error:
        net.predict(X)
    assert len(str(error.value)) < 300


def test_numpy_arrays_and_zero_dimensional_ones(net):
    np = pytest.importorskip("numpy")
    X = [[0.5, -1.0], [2.0, 0.0]]
    assert net.predict(np.array(X)) == net.predict(X)
    assert net.evaluate(np.array(X), np.array([0, 1])) == net.evaluate(X, [0, 1])
    with pytest.raises(DataTypeError, match="list of rows"):
        net.predict(np.array(3.0))


def test_booleans_count_as_numbers(net):
    assert net.predict([[True, False]]) == net.predict([[1.0, 0.0]])


@pytest.mark.parametrize("y,kind,message", [
    ([0, math.nan], DataError, "y[1] is nan"),
    ([0, math.inf], DataError, "y[1] is inf"),
    ([0, 10 ** 400], DataError, "too large"),
    ({0, 1}, DataTypeError, "got set"),
    ({0: 0, 1: 1}, DataTypeError, "got dict"),
    ([[1.5, -0.5], [0.0, 1.0]], DataError, "probabilities"),
    ([[0.5, 0.4], [0.0, 1.0]], DataError, "sum to 1"),
    ([0, -1], DataError, "labels must be in 0…1"),
])
def test_bad_targets_are_named(net, y, kind, message):
    for call in (net.evaluate, net.gradients, lambda X, y: net.fit(X, y, epochs=1, verbose=0)):
        with pytest.raises(kind) as error:
            call([[0.0, 1.0], [1.0, 0.0]], y)
        assert message in str(error.value)


def test_a_loss_too_large_for_a_float_is_an_error(default_backend):
    net = Network([Dense(1, 1, "linear")], backend=default_backend)
    with pytest.raises(DataError, match="too large"):
        net.evaluate([[0.0]], [1e300])


# === Options and configuration ==============================================

@pytest.mark.parametrize("options,message", [
    ({"lr": -1}, "learning rate"), ({"lr": 0}, "learning rate"), ({"lr": math.nan}, "learning rate"),
    ({"lr": math.inf}, "learning rate"), ({"lr": "0.1"}, "learning rate"), ({"l1": "x"}, "l1"),
    ({"l2": None}, "l2"), ({"stop_loss": "x"}, "stop_loss"), ({"early_stopping": "x"}, "early_stopping"),
    ({"validation_data": [[0, 1]]}, "validation_data"), ({"optimizer": "rmsprop"}, "unknown optimizer"),
    ({"optimizer": ["sgd"]}, "unknown optimizer"), ({"batch_size": 0}, "batch_size"), ({"epochs": 1.5}, "epochs"),
    ({"shuffle": "yes"}, "shuffle"), ({"on_divergence": "ignore"}, "on_divergence"),
    ({"divergence_growth": 0.5}, "divergence_growth"), ({"verbose": 3}, "verbose"),
])
def test_bad_fit_options_fail_before_training(net, options, message):
    before = net.get_weights()
    with pytest.raises(ConfigError, match=message) as error:
        net.fit([[0.0, 1.0]], [1], **{"epochs": 1, "verbose": 0, **options})
    assert isinstance(error.value, ValueError)
    assert net.get_weights() == before and net.history is None


@pytest.mark.parametrize("make,message", [
    (lambda: Dense(0, 4), "n_in"), (lambda: Dense(2, 4, "bogus"), "unknown activation"),
    (lambda: Dense(2, 4, init="bogus"), "unknown initializer"), (lambda: Dense(2, 4, alpha=math.nan), "alpha"),
    (lambda: Dense(True, 4), "n_in"), (lambda: Dropout(1.0), "Dropout"), (lambda: Dropout("x"), "Dropout"),
    (lambda: Network([]), "at least one layer"), (lambda: Network("abc"), "list of layers"),
    (lambda: Network([Dense(2, 2), "x"]), r"layers\[1\]"),
    (lambda: Network([Dense(2, 2)], loss="hinge"), "unknown loss"),
    (lambda: Network([Dense(2, 2)], seed=math.nan), "seed"), (lambda: Network([Dense(2, 2)], seed=[1]), "seed"),
    (lambda: Dense(100000, 100000), "budget"),
    (lambda: Network([Dense(2, 4000), Dense(4000, 3000), Dense(3000, 3000)]), "budget"),
])
def test_bad_configuration_is_a_config_error(make, message):
    with pytest.raises(ConfigError, match=message):
        make()


def test_a_layer_outside_a_network_says_so():
    layer = Dense(3, 2)
    for call in (lambda: layer.neuron(0), lambda: layer.forward([[1.0, 2.0, 3.0]]), layer.get_weights,
                 lambda: Dropout(0.5).forward([[1.0]], training=True)):
        with pytest.raises(NotBuiltError, match="Network"):
            call()


def test_tinynet_datasets_after_a_plain_import():
    assert tinynet.datasets.xor()[1] == [0, 1, 1, 0]


# === Divergence =============================================================

def test_the_last_step_is_checked_too(default_backend):
    net = Network([Dense(1, 1, "linear")], backend=default_backend)
    with pytest.raises(TrainingDiverged):
        net.fit([[1.0], [2.0]], [1.0, 2.0], epochs=1, batch_size=None, lr=1e308, verbose=0)
    assert weights_finite(net) and all(math.isfinite(v) for v in net.predict([1.0]))


def test_a_loss_that_explodes_but_stays_finite_stops(default_backend):
    data = datasets.load_digits16()
    X, y = data.X[:200], data.y[:200]

    def make():
        return Network([Dense(256, 16, "sigmoid"), Dense(16, 10, "softmax")], loss="cross_entropy",
                       backend=default_backend)
    net = make()
    start = net.get_weights()
    with pytest.raises(TrainingDiverged, match="grew from") as error:
        net.fit(X, y, epochs=2, optimizer="momentum", lr=1e6, verbose=0)
    assert net.get_weights() == start and error.value.history.stopped_because == "diverged"
    net = make()
    with pytest.warns(DivergenceWarning, match="grew from"):
        try:
            net.fit(X, y, epochs=2, optimizer="momentum", lr=1e6, verbose=0, on_divergence="warn")
        except TrainingDiverged:            # it may still reach inf: then it stops anyway
            pass
    assert weights_finite(net)


def test_gradients_leave_dropout_as_it_was(default_backend):
    def make():
        return Network([Dense(3, 8, "relu"), Dropout(0.5), Dense(8, 1, "sigmoid")], loss="logistic",
                       seed=3, backend=default_backend)
    X, y = [[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]], [1, 0]
    net = make()
    first, second = net.gradients(X, y), net.gradients(X, y)
    assert first == second
    net.fit(X, y, epochs=3, verbose=0)
    untouched = make()
    untouched.fit(X, y, epochs=3, verbose=0)
    assert net.get_weights() == untouched.get_weights()


def test_gradcheck_does_not_call_round_off_a_mismatch():
    precise_backend = tinynet.get_backend("python")
    net = Network([Dense(1, 2, "sigmoid")], loss="logistic", backend=precise_backend)
    net.layers[0].set_weights([[30.0], [-23.0]], [0.0, 0.0])
    result = gradcheck(net, [[1.0]], [[0.0, 0.0]])
    assert result.ok, str(result)
    # and a real error is still caught
    original = net.layers[0].backward

    def wrong(delta):
        original(delta)
        db = precise_backend.to_list(net.layers[0].db)
        db[0][1] += 1e-4
        net.layers[0].db = precise_backend.array(db)
    net.layers[0].backward = wrong
    assert not gradcheck(net, [[1.0]], [[0.0, 0.0]]).ok


# === Saving =================================================================

def test_saved_files_get_ordinary_permissions(net, tmp_path):
    mask = os.umask(0o022)
    try:
        path = tmp_path / "m.json"
        net.save(str(path))
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
        os.chmod(path, 0o600)
        net.save(str(path))                     # replacing a file keeps its permissions
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    finally:
        os.umask(mask)


def test_a_model_with_a_standardizer_predicts_on_raw_inputs(default_backend, tmp_path):
    data = datasets.load_iris()
    net = Network([Dense(4, 8, "tanh"), Dense(8, 3, "softmax")], loss="cross_entropy", seed=0,
                  backend=default_backend)
    net.preprocess = datasets.Standardizer().fit(data.X)
    net.class_names = list(data.target_names)
    net.fit(data.X, data.y, epochs=30, verbose=0, lr=0.1)
    path = str(tmp_path / "iris.json")
    net.save(path)
    again = Network.load(path, backend=default_backend)
    assert again.class_names == list(data.target_names)
    assert again.evaluate(data.X, data.y) == net.evaluate(data.X, data.y)
    assert again.evaluate(data.X, data.y)["accuracy"] > 0.8
    saved = json.loads(open(path).read())
    assert saved["preprocessing"]["type"] == "Standardizer"


@pytest.mark.parametrize("change,message", [
    (lambda d: d.update(seed=math.nan), "seed"), (lambda d: d.update(seed=[1]), "seed"),
    (lambda d: d.update(version=True), "version True"), (lambda d: d.update(version=1.0), "version 1.0"),
    (lambda d: d["layers"][0].update(init="bogus"), "unknown init"),
    (lambda d: d["layers"][0]["W"][0].__setitem__(0, 10 ** 400), "not a finite number"),
    (lambda d: d["layers"][0].update(alpha=10 ** 400), "alpha"),
    (lambda d: d.update(preprocessing={"type": "Standardizer", "mean": [0, 0], "std": [1, 0]}), "Standardizer"),
    (lambda d: d.update(class_names=["a"]), "class_names"),
])
def test_more_malformed_model_files(net, tmp_path, change, message):
    path = tmp_path / "m.json"
    net.save(str(path))
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match=message):
        Network.load(str(path))


def test_deep_json_and_oversized_files(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100000 + "]" * 100000)
    for load in (Network.load, SequenceNetwork.load, RBM.load, DBN.load):
        with pytest.raises(ModelFileError) as error:
            load(str(deep))
        assert str(error.value) == "{} is not a tinynet model file: its JSON is nested deeper than " \
                                   "500 levels".format(deep)
    with pytest.raises(ModelFileError, match="larger than"):
        Network.load(str(deep), max_bytes=1000)


SAVER = """
import os, sys, time
sys.path.insert(0, {root!r})
from tinynet import Network, Dense
net = Network([Dense(200, 400), Dense(400, 200)], seed=0)
net.save(sys.argv[1])
if sys.argv[2] == "stall":                 # a slow disk: the kill lands while the file is written
    def fsync(fd):
        print("writing", flush=True)
        time.sleep(60)
    os.fsync = fsync
print("ready", flush=True)
while True:
    net.save(sys.argv[1])
"""


def _saver(target, mode):
    child = subprocess.Popen([sys.executable, "-c", SAVER.format(root=ROOT), str(target), mode],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    return child


def _kill(child):
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()


def test_kill_9_during_save_never_corrupts_and_the_next_save_cleans_up(tmp_path, net):
    target = tmp_path / "model.json"
    child = _saver(target, "stall")
    assert child.stdout.readline().strip() == "writing"
    _kill(child)                                 # killed mid-save, for certain
    Network.load(str(target))                    # the old file, whole
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    for attempt in range(6):                     # and killed at other moments of the loop
        child = _saver(target, "loop")
        time.sleep(0.02 + 0.031 * attempt)
        _kill(child)
        Network.load(str(target))                # intact: a whole old file or a whole new one
    net.save(str(tmp_path / "other.json"))       # the next save to that folder
    assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []


def test_a_running_save_keeps_its_temporary_file(tmp_path, net):
    from tinynet.io import _temp_prefix, remove_stale_temporaries
    mine = tmp_path / (_temp_prefix() + "abc.tmp")
    mine.write_text("{}")
    other_host = tmp_path / ".tinynet-00000000-1-abc.tmp"
    other_host.write_text("{}")
    assert remove_stale_temporaries(str(tmp_path)) == 0
    assert mine.exists() and other_host.exists()


# === The command line =======================================================

WRONG = [
    ["train", "--data", "xor", "--layers", "4", "--activation", "bogus"],
    ["train", "--data", "xor", "--activation", "bogus"],
    ["train", "--data", "xor", "--layers", "8,,4"], ["train", "--data", "xor", "--layers", "8,"],
    ["train", "--data", "xor", "--layers", ",8"], ["train", "--data", "xor", "--layers", "-3"],
    ["train", "--data", "xor", "--layers", "99999999"], ["train", "--data", "xor", "--layers", "100000,100000"],
    ["train", "--data", "xor", "--layers", "1e3"], ["train", "--data", "xor", "--lr", "inf", "--save", "x.json"],
    ["train", "--data", "xor", "--lr", "nan"], ["train", "--data", "xor", "--lr", "0"],
    ["train", "--data", "xor", "--lr", "-0.1"], ["train", "--data", "xor", "--lr", "x"],
    ["train", "--data", "xor", "--epochs", "0"], ["train", "--data", "xor", "--epochs", "1.5"],
    ["train", "--data", "xor", "--batch-size", "-1"], ["train", "--data", "xor", "--seed", "x"],
    ["train", "--data", "xor", "--optimizer", "bogus"], ["train", "--data", "xor", "--loss", "bogus"],
    ["train", "--data", "boston", "--loss", "cross_entropy"], ["train", "--data", "boston", "--loss", "logistic"],
    ["train", "--data", "iris", "--loss", "logistic"], ["train", "--data", "bogus"], ["train"],
    ["train", "--data", "xor", "--save", "."], ["train", "--data", "xor", "--save", "a-file/x/m.json"],
    ["train", "--data", "xor", "--backend", "cuda"], ["train", "--data", "xor", "--bogus"],
    ["demo", "--lr", "nan"], ["demo", "--lr", "0"], ["demo", "--lr", "inf"], ["demo", "--hidden", "99999999"],
    ["demo", "--hidden", "0"], ["demo", "--epochs", "-1"], ["demo", "--save", "."],
    ["demo", "--out", "a-file/x"], ["demo", "--backend", "nope"], ["bogus"], ["demo", "extra"],
]


@pytest.mark.parametrize("args", WRONG, ids=lambda args: " ".join(args))
def test_cli_mistakes_are_one_line_exit_2_before_training(args, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("")            # no folder can be made inside a file, on any OS
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("tinynet: error: ") and captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err
    assert "epoch" not in captured.out and "epoch" not in captured.err.split(":")[0]
    assert not os.path.exists(tmp_path / "x.json")


@pytest.mark.parametrize("name,content", [("list.json", "[1]"), ("five.json", '{"benchmarks": 5}'),
                                          ("broken.json", "{"),
                                          ("deep.json", "[" * 100000),
                                          ("odd.json", '{"benchmarks": [{"extra_info": {"group": "matmul", '
                                                       '"impl": "python"}, "stats": {"min": 1, "median": 1, '
                                                       '"rounds": 1}}]}')])
def test_bench_from_malformed_json(name, content, tmp_path, capsys):
    path = tmp_path / name
    path.write_text(content)
    assert main(["bench", "--from-json", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tinynet: error: ") and err.count("\n") == 1, err
    if name == "deep.json":
        assert "{} is not a pytest-benchmark JSON file: its JSON is nested deeper than 500 levels".format(
            path) in err


def test_cli_divergence_is_one_line(capsys, tmp_path):
    assert main(["train", "--data", "iris", "--layers", "8", "--lr", "1e6", "--epochs", "3",
                 "--optimizer", "momentum"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("tinynet: error: the training loss grew")


def test_cli_standardize_save_then_load_on_raw_data(tmp_path, capsys):
    path = str(tmp_path / "iris.json")
    assert main(["train", "--data", "iris", "--layers", "8", "--epochs", "40", "--standardize",
                 "--save", path]) == 0
    printed = capsys.readouterr().out
    trained = float(printed.split("accuracy ")[-1].split()[0])
    data = datasets.load_iris()
    _, X_test, _, y_test = datasets.train_test_split(data.X, data.y, test_fraction=0.25, seed=0)
    again = Network.load(path)
    assert again.evaluate(X_test, y_test)["accuracy"] == pytest.approx(trained, abs=1e-4)


def test_gradcheck_has_no_false_alarms_on_random_small_networks():
    """Random 1–2 layer networks with weights up to N(0, 20²): backprop is right on all of them
    (the old per-entry relative error with the floor max(|num| + |bp|, 1e-8) flagged 31 of these 120)."""
    import random
    python = tinynet.get_backend("python")
    activations = ["sigmoid", "tanh", "linear", "leaky_relu"]
    for trial in range(120):
        rng = random.Random(trial)
        loss = rng.choice(["squared_error", "mse", "cross_entropy", "logistic"])
        n_in, hidden = rng.randint(1, 3), rng.randint(1, 4)
        n_out = 1 if loss == "logistic" else rng.randint(2, 3) if loss == "cross_entropy" else rng.randint(1, 3)
        output = {"cross_entropy": "softmax", "logistic": "sigmoid"}.get(loss, rng.choice(activations))
        layers = [Dense(n_in, n_out, output)] if rng.random() < 0.3 else \
            [Dense(n_in, hidden, rng.choice(activations)), Dense(hidden, n_out, output)]
        net = Network(layers, loss=loss, seed=trial, backend=python)
        for layer in net.layers:
            W, b = layer.get_weights()
            scale = rng.choice([1, 5, 20])
            layer.set_weights([[rng.gauss(0, scale) for _ in row] for row in W], [rng.gauss(0, scale) for _ in b])
        m = rng.randint(1, 3)
        X = [[rng.gauss(0, 2) for _ in range(n_in)] for _ in range(m)]
        if loss == "cross_entropy":
            y = [rng.randrange(n_out) for _ in range(m)]
        elif loss == "logistic":
            y = [rng.randrange(2) for _ in range(m)]
        else:
            y = [[rng.gauss(0, 1) for _ in range(n_out)] for _ in range(m)]
        result = gradcheck(net, X, y)
        assert result.ok, "network {}: {}".format(trial, result)
