"""Deep belief nets (greedy RBMs unrolled into a Network) and the files of every
unsupervised model: saved, loaded, validated."""

import json
import random

import pytest

from helpers import assert_close
from tinynet import ModelFileError, Network, io
from tinynet.unsupervised import DBN, RBM, Autoencoder, StackedAutoencoder


def _data(m=40, n=8, seed=0):
    rng = random.Random(seed)
    return [[float(rng.random() < 0.35) for _ in range(n)] for _ in range(m)]


def test_dbn_pretrains_greedily_and_unrolls_into_a_network():
    X = _data()
    y = [int(row[0] + row[1] > 0) for row in X]
    dbn = DBN([8, 6, 4], seed=1, backend="python")
    histories = dbn.fit(X, epochs=3, batch_size=8)
    assert len(histories) == 2 and all(h.epochs == 3 for h in histories)
    # the second RBM learnt from the first one's features
    assert_close(dbn.rbms[1].transform(dbn.rbms[0].transform(X[:3])), dbn.transform(X[:3]), 1e-12, 1e-12)
    net = dbn.to_network(2)
    assert isinstance(net, Network)
    assert repr(net) == ("Network([Dense(8→6, sigmoid), Dense(6→4, sigmoid), Dense(4→2, softmax)], "
                         "loss='cross_entropy')")
    for layer, rbm in zip(net.layers, dbn.rbms):
        W, b, c = rbm.get_weights()
        assert layer.get_weights() == (W, c)
    net.forward(net.backend.array(X[:3]))
    assert_close(net.backend.to_list(net.layers[1].a), dbn.transform(X[:3]), 1e-12, 1e-12)
    before = net.evaluate(X, y)["loss"]
    net.fit(X, y, epochs=20, lr=0.5, verbose=0)
    assert net.evaluate(X, y)["loss"] < before


def test_dbn_needs_two_sizes():
    with pytest.raises(ValueError):
        DBN([8])


def _models():
    X = _data()
    rbm = RBM(8, 5, seed=2, backend="python")
    rbm.fit(X, epochs=2)
    dbn = DBN([8, 5, 3], seed=3, backend="python")
    dbn.fit(X, epochs=1)
    ae = Autoencoder(8, 3, sparsity="kl", rho=0.1, beta=0.5, noise="mask", seed=4, backend="python")
    ae.fit(X, epochs=2, verbose=0)
    tied = Autoencoder(8, 3, tied=True, loss="squared_error", decoder="linear", sparsity="l1",
                       beta=0.01, noise="gaussian", noise_level=0.1, backend="python")
    tied.fit(X, epochs=2, verbose=0)
    stack = StackedAutoencoder([8, 5, 3], backend="python")
    stack.fit(X, epochs=1, verbose=0)
    return {"rbm": rbm, "dbn": dbn, "autoencoder": ae, "tied autoencoder": tied, "stack": stack}


def _outputs(model, X):
    if isinstance(model, (RBM, DBN)):
        return model.transform(X)
    if isinstance(model, StackedAutoencoder):
        return model.encode(X)
    return model.reconstruct(X)


@pytest.mark.parametrize("name", ["rbm", "dbn", "autoencoder", "tied autoencoder", "stack"])
def test_save_and_load_give_the_same_model(tmp_path, name):
    model = _models()[name]
    path = str(tmp_path / "model.json")
    model.save(path)
    loaded = type(model).load(path, backend="python")
    assert type(loaded) is type(model)
    X = _data(5, seed=9)
    assert _outputs(loaded, X) == _outputs(model, X)
    assert repr(loaded) == repr(model)
    assert type(io.load(path, backend="python")) is type(model)     # tinynet.io reads them too
    with open(path) as handle:
        assert json.load(handle)["format"].startswith("tinynet-")
    if name == "rbm":                                     # sampling continues where it stopped
        assert loaded.counter == model.counter
        assert loaded.sample(start=X, steps=2) == model.sample(start=X, steps=2)


def test_loading_the_wrong_kind_or_a_bad_file_is_an_error(tmp_path):
    rbm = RBM(3, 2, backend="python")
    path = str(tmp_path / "rbm.json")
    rbm.save(path)
    with pytest.raises(ModelFileError, match="holds a RBM, not a DBN"):
        DBN.load(path)
    with open(path) as handle:
        data = json.load(handle)
    for change, message in [({"W": [[0.0, 1.0]]}, "W must be a list of 2 rows"),
                            ({"b": [0.0, "x", 1.0]}, "b must be a list of 3 finite numbers"),
                            ({"n_hidden": 0}, "n_hidden must be a positive whole number"),
                            ({"version": 7}, "version 7 is not supported"),
                            ({"counter": -1}, "counter")]:
        bad = dict(data, **change)
        with open(path, "w") as handle:
            json.dump(bad, handle)
        with pytest.raises(ModelFileError, match=message):
            RBM.load(path)
    ae = Autoencoder(3, 2, backend="python")
    data = _as_dict(ae)
    data["sparsity"] = {"kind": "kl", "rho": 2.0, "beta": 1.0}
    with open(path, "w") as handle:
        json.dump(data, handle)
    with pytest.raises(ModelFileError, match="sparsity"):
        Autoencoder.load(path)


def _as_dict(model):
    from tinynet.unsupervised.files import to_dict
    return to_dict(model)


def test_saving_is_atomic(tmp_path, monkeypatch):
    """A save that fails half-way leaves the old file as it was."""
    rbm = RBM(3, 2, backend="python")
    path = tmp_path / "rbm.json"
    rbm.save(str(path))
    before = path.read_text()
    other = RBM(3, 2, seed=5, backend="python")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", broken)
    with pytest.raises(OSError):
        other.save(str(path))
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["rbm.json"]


def test_the_models_need_only_the_primitives():
    """On a backend with the primitives and nothing else, every model trains to the
    reference's numbers: they use the seam and nothing beside it."""
    from minimal_backend import MinimalBackend
    X = _data(24, 8, seed=4)
    results = []
    for backend in ("python", MinimalBackend()):
        ae = Autoencoder(8, 3, tied=True, sparsity="kl", noise="mask", seed=1, backend=backend)
        ae.fit(X, epochs=2, batch_size=8, verbose=0)
        stack = StackedAutoencoder([8, 4, 3], sparsity="l1", beta=0.01, noise="gaussian",
                                   loss="squared_error", backend=backend)
        stack.fit(X, epochs=1, batch_size=8, verbose=0)
        dbn = DBN([8, 5, 3], seed=2, backend=backend)
        dbn.fit(X, epochs=2, batch_size=6, k=2)
        pcd = RBM(8, 4, seed=3, backend=backend)
        pcd.fit(X, epochs=2, batch_size=5, persistent=True, validation_data=X[:4])
        results.append((ae.reconstruct(X), stack.encode(X), dbn.transform(X), pcd.get_weights(),
                        pcd.sample(start=X[:2], steps=3), dbn.to_network(2).predict(X[:3])))
    assert_close(results[1], results[0], 1e-9, 1e-12)


def test_a_stack_whose_parts_do_not_fit_together_is_refused(tmp_path):
    dbn, other = tmp_path / "dbn.json", tmp_path / "other.json"
    DBN([4, 3, 2], seed=0, backend="python").save(str(dbn))
    DBN([5, 2], seed=0, backend="python").save(str(other))
    data = json.loads(dbn.read_text())
    data["rbms"][1] = json.loads(other.read_text())["rbms"][0]         # 5 visible after 3 hidden
    dbn.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="RBM 2 has 5 visible units but RBM 1 has 3 hidden units"):
        DBN.load(str(dbn))
    stack, other = tmp_path / "stack.json", tmp_path / "other_stack.json"
    StackedAutoencoder([6, 4, 2], backend="python").save(str(stack))
    StackedAutoencoder([5, 2], backend="python").save(str(other))
    data = json.loads(stack.read_text())
    data["autoencoders"][1] = json.loads(other.read_text())["autoencoders"][0]
    stack.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="autoencoder 2 has 5 inputs but autoencoder 1 makes codes of 4"):
        StackedAutoencoder.load(str(stack))
