"""Convolutional networks: the image layers in a Network, their shapes, errors, files and pictures.

The index tables and the backend primitives are checked in
tests/test_backend_conformance.py, the gradients in tests/test_gradcheck.py.
"""

import json
import random

import pytest

from helpers import assert_close

from tinynet import (AvgPool2D, Conv2D, Dense, Dropout, Flatten, MaxPool2D, ModelFileError, Network,
                     ShapeError)
from tinynet import plots


def small_cnn(backend, seed=0):
    return Network([Conv2D(1, 4, 3, padding=1, activation="relu", input_shape=(1, 6, 6)), MaxPool2D(2),
                    Conv2D(4, 3, 2, activation="tanh"), Flatten(), Dropout(0.1), Dense(12, 3, "softmax")],
                   loss="cross_entropy", seed=seed, backend=backend)


def stripes(n, seed=0):
    """6x6 images of a horizontal (0), a vertical (1) or a diagonal (2) stripe, with noise."""
    rng = random.Random(seed)
    X, y = [], []
    for _ in range(n):
        label, at = rng.randrange(3), rng.randrange(6)
        image = [0.1 * rng.random() for _ in range(36)]
        for i in range(6):
            r, c = [(at, i), (i, at), (i, i)][label]
            image[r * 6 + c] = 1.0
        X.append(image)
        y.append(label)
    return X, y


def test_shapes_chain_and_summary(default_backend):
    net = small_cnn(default_backend)
    assert [layer.out_shape for layer in net.layers[:3]] == [(4, 6, 6), (4, 3, 3), (3, 2, 2)]
    assert net.n_in == 36 and net.layers[3].n_out == 12
    assert net.count_parameters() == 4 * 10 + 3 * 17 + 3 * 13
    text = net.summary()
    assert "(m, 4, 6, 6)" in text and "(4, 1·3·3) relu" in text and "130 parameters" in text
    assert "36 (1×6×6) inputs" in text
    assert repr(net.layers[0]) == "Conv2D(1→4, 3×3, padding 1, relu)"


def test_training_learns_stripes(default_backend):
    X, y = stripes(90)
    net = small_cnn(default_backend)
    net.fit(X, y, epochs=15, batch_size=10, optimizer="momentum", lr=0.1, verbose=0)
    X_test, y_test = stripes(60, seed=1)
    assert net.evaluate(X_test, y_test)["accuracy"] > 0.9
    loss, grads = net.gradients(X[:4], y[:4])
    assert [len(W) for W, _ in grads] == [4, 3, 3]             # Conv2D, Conv2D, Dense


def test_forward_matches_a_hand_convolution(default_backend):
    """z = Σ w·a over the receptive field + b, by plain loops (one channel, padding 1)."""
    net = Network([Conv2D(1, 1, 3, padding=1, activation="linear", input_shape=(1, 3, 4)), Flatten(),
                   Dense(12, 1, "linear")], backend=default_backend)
    w = [0.5, -1.0, 2.0, 0.0, 1.0, 3.0, -2.0, 0.25, 1.5]
    net.layers[0].set_weights([w], [0.1])
    x = [float(i % 5) - 1.0 for i in range(12)]
    net.predict([x])
    got = default_backend.to_list(net.layers[0].a)[0]
    for y0 in range(3):
        for x0 in range(4):
            z = 0.1
            for dy in range(3):
                for dx in range(3):
                    yy, xx = y0 - 1 + dy, x0 - 1 + dx
                    if 0 <= yy < 3 and 0 <= xx < 4:
                        z += w[dy * 3 + dx] * x[yy * 4 + xx]
            assert got[y0 * 4 + x0] == pytest.approx(z, rel=1e-5, abs=1e-5)


def test_pools_take_the_max_and_the_mean(default_backend):
    x = [float(v) for v in [1, 5, 2, 0, 3, 4, 8, 7, 0, 0, 1, 1, 9, 2, 1, 3]]    # one 4x4 channel
    for pool, expected in ((MaxPool2D(2, input_shape=(1, 4, 4)), [5.0, 8.0, 9.0, 3.0]),
                           (AvgPool2D(2, input_shape=(1, 4, 4)), [3.25, 4.25, 2.75, 1.5])):
        net = Network([pool, Flatten(), Dense(4, 1, "linear")], backend=default_backend)
        net.predict([x])
        assert default_backend.to_list(pool.a)[0] == pytest.approx(expected)


def test_feature_maps_come_back_as_images(default_backend):
    net = small_cnn(default_backend)
    X, _ = stripes(2)
    net.predict(X)
    conv = net.layers[0]
    maps = conv.maps(default_backend.to_list(conv.a)[0])
    assert len(maps) == 4 and all(len(m) == 36 for m in maps)
    assert len(conv.filters()) == 4 and len(conv.filters()[0][0]) == 9


def test_wrong_shapes_name_the_layer_and_both_shapes(default_backend):
    with pytest.raises(ShapeError, match=r"Conv2D layer 1 .* expects 3 input channels .* 1×6×6"):
        Network([Conv2D(3, 2, 3, input_shape=(1, 6, 6)), Flatten(), Dense(32, 2)], backend=default_backend)
    with pytest.raises(ShapeError, match=r"Dense layer 3 .* expects 10 inputs but the layer before it gives 32"):
        Network([Conv2D(1, 2, 3, input_shape=(1, 6, 6)), Flatten(), Dense(10, 2)], backend=default_backend)
    with pytest.raises(ShapeError, match="input_shape"):
        Network([Conv2D(1, 2, 3), Flatten(), Dense(10, 2)], backend=default_backend)
    with pytest.raises(ShapeError, match=r"expects images of 1×4×4 = 16 inputs but the layer before it gives 9"):
        Network([Dense(3, 9), Conv2D(1, 2, 3, input_shape=(1, 4, 4)), Flatten(), Dense(8, 2)],
                backend=default_backend)
    with pytest.raises(ShapeError, match="window does not fit"):
        Network([Conv2D(1, 2, 5, input_shape=(1, 3, 3)), Flatten(), Dense(2, 2)], backend=default_backend)
    net = small_cnn(default_backend)
    with pytest.raises(ShapeError, match=r"Conv2D layer 1 .* expects 36 inputs per sample, but X has shape \(2, 35\)"):
        net.predict([[0.0] * 35, [1.0] * 35])
    with pytest.raises(ValueError, match="kernel_size"):
        Conv2D(1, 2, 0)


def test_save_and_load_keep_a_cnn(default_backend, tmp_path):
    X, y = stripes(30)
    net = small_cnn(default_backend)
    net.fit(X, y, epochs=2, batch_size=10, verbose=0)
    path = tmp_path / "cnn.json"
    net.save(str(path))
    again = Network.load(str(path), backend=default_backend)
    assert repr(again) == repr(net)
    assert_close(again.predict(X[:3]), net.predict(X[:3]), 1e-6, 1e-7)
    data = json.loads(path.read_text())
    assert data["version"] == 2 and data["layers"][0]["input_shape"] == [1, 6, 6]
    data["layers"][0]["W"][1] = data["layers"][0]["W"][1][:-1]
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="layer 1: W must be 4 rows"):
        Network.load(str(path))
    data["version"] = 1                               # version 1 had no image layers
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="unknown type 'Conv2D'"):
        Network.load(str(path))


def test_version_1_files_still_load(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"format": "tinynet-network", "version": 1, "loss": "squared_error", "seed": 0,
                                "layers": [{"type": "Dense", "n_in": 2, "n_out": 1, "activation": "linear",
                                            "W": [[1.0, 2.0]], "b": [0.5]}]}))
    assert Network.load(str(path)).predict([1.0, 1.0]) == [3.5]


def test_pictures_of_a_cnn(default_backend):
    net = small_cnn(default_backend)
    X, y = stripes(4)
    for picture in (net.plot(), plots.filters_chart(net.layers[0]),
                    plots.feature_maps_chart(net, X[:2], net.layers[0])):
        assert picture.to_string().startswith("<svg")


def test_a_device_trains_the_same_cnn_and_replays_its_steps():
    """A CNN trained on OpenCL (float64) ends with the pure-Python weights; its steps are replayed."""
    from tinynet.backend import get_backend
    from tinynet.errors import BackendError
    from tinynet.optim import make_optimizer
    from tinynet.training import train_epoch
    try:
        device = get_backend("opencl", dtype="float64")
    except BackendError as error:
        pytest.skip("no OpenCL float64 device here: {}".format(error))
    X, y = stripes(40)
    nets = [small_cnn(backend, seed=3) for backend in ("python", device)]
    for net in nets:
        net.layers[4].p = 0.0                       # no dropout: the same steps on both
        net.fit(X, y, epochs=3, batch_size=8, optimizer="momentum", lr=0.1, verbose=0)
    for (W1, b1), (W2, b2) in zip(nets[0].get_weights(), nets[1].get_weights()):
        assert_close(W2, W1, 1e-9, 1e-9)
        assert_close([b2], [b1], 1e-9, 1e-9)
    net, B = nets[1], device
    optimizer = make_optimizer("momentum", 0.1)
    step = B.captured(net.train_step, on_replay=optimizer.count_step)
    Xd, Td = B.array(X), B.array(net._targets(y, len(X)))
    train_epoch(net, Xd, Td, list(range(len(X))), 8, optimizer, B.accumulator(), None, None, step)
    # the first momentum step also makes the velocities: recorded three times, the rest replayed
    assert step.calls == 5 and step.replays == 2, step.why_not
