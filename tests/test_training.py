"""Training: XOR learns, seeds reproduce, optimisers and stopping rules work."""

import math

import pytest

from tinynet import Adam, Dense, Dropout, Momentum, Network, SGD, TrainingDiverged

XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_Y = [0, 1, 1, 0]


@pytest.mark.parametrize("hidden", [2, 4])
def test_xor_trains_to_100_percent(default_backend, hidden):
    seed = {2: 1, 4: 1}[hidden]   # 2-2-1 gets stuck in a local minimum from some seeds (e.g. 0)
    net = Network([Dense(2, hidden, "tanh"), Dense(hidden, 1, "sigmoid")], loss="logistic", seed=seed,
                  backend=default_backend)
    history = net.fit(XOR_X, XOR_Y, epochs=1000, batch_size=4, lr=0.5, verbose=0)
    assert net.predict_classes(XOR_X) == XOR_Y
    assert history["accuracy"][-1] == 1.0
    assert history["loss"][-1] < history["loss"][0]


def test_same_seed_same_weights(default_backend):
    def run(seed):
        net = Network([Dense(2, 5, "relu"), Dropout(0.2), Dense(5, 2, "softmax")], loss="cross_entropy",
                      seed=seed, backend=default_backend)
        net.fit(XOR_X * 4, XOR_Y * 4, epochs=20, batch_size=3, optimizer="momentum", lr=0.1, verbose=0)
        return net.get_weights()
    assert run(7) == run(7)
    assert run(7) != run(8)


def test_each_epochs_order_is_a_shuffle_drawn_before_it(default_backend):
    """fit draws the next epoch's order before it reads the loss (a device backend works
    meanwhile): the orders, and so the weights, are those of shuffling before each epoch."""
    import random
    from tinynet.training import train_epoch
    X, y = XOR_X * 3, XOR_Y * 3

    def net():
        return Network([Dense(2, 3, "tanh"), Dense(3, 1, "sigmoid")], loss="logistic", seed=5,
                       backend=default_backend)
    fitted = net()
    fitted.fit(X, y, epochs=4, batch_size=5, optimizer="momentum", lr=0.3, verbose=0)
    by_hand, B = net(), default_backend
    Xd, Td = B.array(X), B.array(by_hand._targets(y, len(y)))
    rng, order, optimizer = random.Random("5-shuffle"), list(range(len(X))), Momentum(lr=0.3)
    for _ in range(4):
        rng.shuffle(order)
        train_epoch(by_hand, Xd, Td, order, 5, optimizer, B.accumulator())
    assert fitted.get_weights() == by_hand.get_weights()


@pytest.mark.parametrize("optimizer", [SGD(lr=0.5), Momentum(lr=0.2, mu=0.9), Adam(lr=0.05),
                                       SGD(lr=0.5, l2=1e-3), SGD(lr=0.5, l1=1e-4)])
def test_optimisers_lower_the_loss(default_backend, optimizer):
    net = Network([Dense(2, 4, "tanh"), Dense(4, 1, "sigmoid")], loss="logistic", seed=1, backend=default_backend)
    history = net.fit(XOR_X, XOR_Y, epochs=200, batch_size=2, optimizer=optimizer, verbose=0)
    assert history["loss"][-1] < 0.5 * history["loss"][0]


@pytest.mark.parametrize("batch_size", [None, 1, 3])
def test_full_batch_online_and_mini_batch(default_backend, batch_size):
    net = Network([Dense(2, 4, "tanh"), Dense(4, 1, "sigmoid")], loss="logistic", seed=1, backend=default_backend)
    history = net.fit(XOR_X, XOR_Y, epochs=300, batch_size=batch_size, lr=0.5, verbose=0)
    assert history["loss"][-1] < history["loss"][0]


def test_regression_reports_rmse_and_validation(default_backend):
    X = [[i / 20] for i in range(21)]
    y = [2 * x[0] - 1 for x in X]
    net = Network([Dense(1, 1, "linear")], loss="squared_error", seed=0, backend=default_backend)
    history = net.fit(X, y, epochs=300, batch_size=None, lr=0.5, validation_data=(X, y), verbose=0)
    assert history["val_rmse"][-1] < 0.01
    W, b = net.layers[0].get_weights()
    assert abs(W[0][0] - 2) < 0.05 and abs(b[0] + 1) < 0.05
    result = net.evaluate(X, y)
    assert set(result) == {"loss", "mse", "rmse"}
    assert math.isclose(result["rmse"], math.sqrt(result["mse"]))


def test_stop_when_loss_is_low(default_backend):
    net = Network([Dense(2, 4, "tanh"), Dense(4, 1, "sigmoid")], loss="logistic", seed=1, backend=default_backend)
    history = net.fit(XOR_X, XOR_Y, epochs=5000, batch_size=4, lr=0.5, stop_loss=0.1, verbose=0)
    assert history.epochs < 5000 and history["loss"][-1] < 0.1
    assert "loss below" in history.stopped_because


def test_early_stopping_keeps_the_best_epoch(default_backend):
    X = [[i / 10, (i % 3) / 3] for i in range(10)]
    y = [i % 2 for i in range(10)]
    X_val, y_val = [[0.05, 0.9], [0.95, 0.1]], [1, 0]
    net = Network([Dense(2, 16, "relu"), Dense(16, 2, "softmax")], loss="cross_entropy", seed=0,
                  backend=default_backend)
    history = net.fit(X, y, epochs=400, batch_size=2, lr=0.3, validation_data=(X_val, y_val),
                      early_stopping=5, verbose=0)
    assert history.epochs < 400
    best = min(history["val_loss"])
    assert math.isclose(net.evaluate(X_val, y_val)["loss"], best, rel_tol=1e-4)


def test_divergence_stops_with_advice_and_keeps_good_weights(default_backend):
    X = [[1e3 * i] for i in range(10)]
    y = [1e3 * i for i in range(10)]
    net = Network([Dense(1, 1, "linear")], seed=0, backend=default_backend)
    before = net.get_weights()
    with pytest.raises(TrainingDiverged) as error:
        net.fit(X, y, epochs=50, batch_size=None, lr=10.0, verbose=0)
    assert "lower learning rate" in str(error.value)
    weights = net.get_weights()
    assert all(math.isfinite(w) for W, b in weights for row in W for w in row + b)
    assert error.value.history.stopped_because == "diverged"
    assert before is not None


def test_progress_display_can_be_forced_and_silenced(default_backend, capsys):
    net = Network([Dense(2, 2, "tanh"), Dense(2, 1, "sigmoid")], loss="logistic", backend=default_backend)
    net.fit(XOR_X, XOR_Y, epochs=3, verbose=1)
    assert "epoch 3/3" in capsys.readouterr().err
    net.fit(XOR_X, XOR_Y, epochs=3, verbose=0)
    assert capsys.readouterr().err == ""


def test_gradients_without_a_step(default_backend):
    net = Network([Dense(2, 3, "tanh"), Dense(3, 1, "sigmoid")], loss="logistic", seed=0, backend=default_backend)
    before = net.get_weights()
    loss, grads = net.gradients(XOR_X, XOR_Y)
    assert net.get_weights() == before
    assert [(len(dW), len(dW[0]), len(db)) for dW, db in grads] == [(3, 2, 3), (1, 3, 1)]
    assert loss > 0 and net.layers[1].delta is not None
    assert abs(loss - net.evaluate(XOR_X, XOR_Y)["loss"]) < 1e-6
