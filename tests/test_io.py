"""Model files: JSON round trip, atomic writes, malformed files rejected cleanly."""

import json
import os

import pytest

from tinynet import Dense, Dropout, ModelFileError, Network


def trained(backend):
    net = Network([Dense(3, 4, "relu"), Dropout(0.25), Dense(4, 2, "softmax")], loss="cross_entropy",
                  seed=2, backend=backend)
    net.fit([[0, 1, 2], [2, 1, 0], [1, 1, 1]], [0, 1, 0], epochs=5, verbose=0)
    return net


def test_save_load_predict_identical(default_backend, tmp_path):
    net = trained(default_backend)
    path = tmp_path / "model.json"
    net.save(str(path))
    again = Network.load(str(path), backend=default_backend)
    X = [[0.5, -1, 2], [3, 3, 3]]
    assert again.predict(X) == net.predict(X)
    assert again.get_weights() == net.get_weights()
    assert repr(again) == repr(net)
    data = json.loads(path.read_text())
    assert data["format"] == "tinynet-network" and data["version"] == 2


def test_save_is_atomic_and_leaves_no_temporary_files(default_backend, tmp_path, monkeypatch):
    net = trained(default_backend)
    path = tmp_path / "model.json"
    net.save(str(path))
    good = path.read_text()

    def crash(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        net.save(str(path))
    assert path.read_text() == good
    assert os.listdir(tmp_path) == ["model.json"]


def corrupt(tmp_path, change):
    net = Network([Dense(2, 3, "tanh"), Dense(3, 1, "sigmoid")], loss="logistic")
    path = tmp_path / "m.json"
    net.save(str(path))
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return str(path)


@pytest.mark.parametrize("change,message", [
    (lambda d: d.update(format="pickle"), "not a tinynet model file"),
    (lambda d: d.update(version=99), "version 99"),
    (lambda d: d.update(loss="hinge"), "unknown loss"),
    (lambda d: d.update(layers=[]), "non-empty list"),
    (lambda d: d["layers"][0].update(activation="swish"), "unknown activation"),
    (lambda d: d["layers"][0]["W"].pop(), "W must be a list of 3 rows"),
    (lambda d: d["layers"][0]["W"][1].append(0.5), "W[1] must have 2 numbers"),
    (lambda d: d["layers"][0]["W"][0].__setitem__(0, "1.0"), "not a finite number"),
    (lambda d: d["layers"][1].update(b=[1, 2]), "b must be a list of 1"),
    (lambda d: d["layers"][1].update(n_in=4, W=[[0, 0, 0, 0]]), "expects 4 inputs"),
    (lambda d: d["layers"][0].update(type="Conv"), "unknown type"),
    (lambda d: d["layers"].insert(1, {"type": "Dropout", "p": 1.5}), "dropout p"),
])
def test_malformed_files_are_rejected(tmp_path, change, message):
    path = corrupt(tmp_path, change)
    with pytest.raises(ModelFileError) as error:
        Network.load(path)
    assert message in str(error.value)


def test_not_json_and_missing_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "tinynet-network", "layers": [')
    with pytest.raises(ModelFileError, match="not valid JSON"):
        Network.load(str(path))
    with pytest.raises(ModelFileError, match="cannot read"):
        Network.load(str(tmp_path / "missing.json"))
