"""Autoencoders: gradients checked against central differences (float64), the
options (tied, sparse, denoising, stacked), errors and backend parity."""

import random

import pytest

from helpers import assert_close
from tinynet import DataError, Network, gradcheck
from tinynet.unsupervised import Autoencoder, StackedAutoencoder


def _data(m=6, n=5, seed=0):
    rng = random.Random(seed)
    return [[float(rng.random() < 0.4) for _ in range(n)] for _ in range(m)]


def _objective(ae, X):
    """J = (1/m)·(summed reconstruction error + summed penalty), with the step's noise fixed."""
    net, B = ae.net, ae.backend
    counter = net.noise_counter
    acc = B.accumulator()
    net.objective(B.array(X), B.array(X), acc)
    net.noise_counter = counter
    return B.read(acc) / len(X)


def _check_gradients(ae, X, h=1e-5, tolerance=1e-6):
    """Backprop's gradient of J against (J(w + h) − J(w − h)) / 2h for every parameter entry."""
    net, B = ae.net, ae.backend
    counter = net.noise_counter
    net.objective(B.array(X), B.array(X), B.accumulator())
    net.noise_counter = counter
    worst = {}
    for (index, name), P, G, _ in net.parameters():
        analytic = B.to_list(G)
        values = B.to_list(P)
        for i in range(len(values)):
            for j in range(len(values[0])):
                original = values[i][j]
                values[i][j] = original + h
                B.assign(P, B.array(values))
                plus = _objective(ae, X)
                values[i][j] = original - h
                B.assign(P, B.array(values))
                minus = _objective(ae, X)
                values[i][j] = original
                B.assign(P, B.array(values))
                numeric = (plus - minus) / (2 * h)
                error = abs(numeric - analytic[i][j]) / max(abs(numeric) + abs(analytic[i][j]), 1e-8)
                worst[(index, name)] = max(worst.get((index, name), 0.0), error)
    assert max(worst.values()) < tolerance, worst
    return worst


OPTIONS = {
    "plain, logistic": {},
    "squared error, linear decoder": {"loss": "squared_error", "decoder": "linear"},
    "tied": {"tied": True},
    "KL sparsity": {"sparsity": "kl", "rho": 0.1, "beta": 2.0},
    "L1 sparsity": {"sparsity": "l1", "beta": 0.3},
    "tied, KL sparsity, masking noise": {"tied": True, "sparsity": "kl", "rho": 0.2, "noise": "mask"},
    "gaussian noise, squared error": {"noise": "gaussian", "noise_level": 0.3, "loss": "squared_error"},
}


@pytest.mark.parametrize("name", list(OPTIONS))
def test_gradients_agree_with_central_differences(name):
    ae = Autoencoder(5, 3, seed=1, backend="python", **OPTIONS[name])
    _check_gradients(ae, _data())


@pytest.mark.parametrize("name", list(OPTIONS))
def test_tinynet_gradcheck_includes_the_penalty_and_holds_the_noise(name):
    ae = Autoencoder(5, 3, seed=1, backend="python", **OPTIONS[name])
    X = _data()
    result = gradcheck(ae.net, X, X)
    assert result.ok, str(result)
    assert ae.gradcheck(X).max_error == result.max_error


def test_gradcheck_sees_a_missing_penalty_gradient(monkeypatch):
    ae = Autoencoder(5, 3, seed=1, backend="python", sparsity="kl", rho=0.1, beta=2.0)

    def value_only(self, grad_a, below):                   # the penalty counted, its gradient not
        if self.acc is not None:
            self.penalty(self.acc)
        return below.delta_from_grad(grad_a)
    monkeypatch.setattr(type(ae.sparsity), "delta_below", value_only)
    assert not ae.gradcheck(_data()).ok


def test_the_noise_is_fixed_by_the_seed_and_changes_every_step():
    X = _data(4, 6)
    one, two = (Autoencoder(6, 3, noise="mask", noise_level=0.5, seed=3, backend="python") for _ in range(2))
    B = one.backend
    first = B.to_list(one.net.corrupt(B.array(X)))
    assert first == B.to_list(two.net.corrupt(B.array(X)))
    assert first != B.to_list(one.net.corrupt(B.array(X)))
    assert all(c in (0.0, x) for row, x_row in zip(first, X) for c, x in zip(row, x_row))
    other = Autoencoder(6, 3, noise="mask", noise_level=0.5, seed=4, backend="python")
    assert first != B.to_list(other.net.corrupt(B.array(X)))


def test_gaussian_noise_has_the_stated_spread():
    ae = Autoencoder(50, 3, noise="gaussian", noise_level=0.5, seed=0, backend="python")
    B = ae.backend
    noise = [x for row in B.to_list(ae.net.corrupt(B.zeros(40, 50))) for x in row]
    mean = sum(noise) / len(noise)
    sd = (sum((x - mean) ** 2 for x in noise) / len(noise)) ** 0.5
    assert abs(mean) < 0.03 and abs(sd - 0.5) < 0.03


def test_tied_decoder_uses_the_encoders_weights_transposed():
    ae = Autoencoder(4, 2, tied=True, seed=0, backend="python")
    W_enc = ae.encoder.get_weights()[0]
    W_dec = ae.decoder.get_weights()[0]
    assert W_dec == [list(c) for c in zip(*W_enc)]
    assert len(ae.net.parameters()) == 3             # W₁, b₁, b₂


def test_summary_counts_a_tied_decoder_by_its_biases_and_names_the_sparsity():
    ae = Autoencoder(64, 16, tied=True, sparsity="kl", rho=0.05, beta=3.0)
    rows = ae.net.summary().splitlines()
    assert "KL, rho=0.05, beta=3" in rows[3] and rows[3].split()[-1] == "0"
    assert "layer 1's Wᵀ sigmoid" in rows[4] and rows[4].split()[-1] == "64"
    assert ae.net.count_parameters() == 16 * (64 + 1) + 64      # W once, both bias rows
    assert "1,104 parameters" in rows[-1]
    assert Autoencoder(64, 16).net.count_parameters() == 16 * 65 + 64 * 17


def test_training_reconstructs_and_beats_the_untrained():
    X = [[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0], [0, 0, 1, 1]] * 8
    ae = Autoencoder(4, 2, seed=0, backend="python")
    before = ae.reconstruction_error(X)["loss"]
    ae.fit(X, epochs=150, lr=2.0, verbose=0)
    error = ae.reconstruction_error(X)
    assert error["loss"] < 0.3 * before
    assert error["pixel_error"] == 0.0
    assert [[round(y) for y in row] for row in ae.reconstruct(X[:4])] == X[:4]
    assert len(ae.decode(ae.encode(X[:2]))) == 2


def test_kl_sparsity_pulls_the_mean_code_activation_to_rho():
    X = _data(64, 10, seed=2)
    plain = Autoencoder(10, 8, seed=0, backend="python")
    sparse = Autoencoder(10, 8, seed=0, sparsity="kl", rho=0.05, beta=3.0, backend="python")
    for ae in (plain, sparse):
        ae.fit(X, epochs=60, lr=0.5, verbose=0)
    mean_plain = sum(plain.mean_activation(X)) / 8
    mean_sparse = sum(sparse.mean_activation(X)) / 8
    assert mean_sparse < 0.1 < mean_plain


def test_logistic_loss_needs_values_in_0_1():
    ae = Autoencoder(2, 1, backend="python")
    with pytest.raises(DataError, match="outside \\[0, 1\\].*Scale"):
        ae.fit([[0.0, 2.0]], epochs=1)
    Autoencoder(2, 1, loss="squared_error", backend="python").fit([[0.0, 2.0]], epochs=1, verbose=0)


@pytest.mark.parametrize("bad", [{"loss": "cross_entropy"}, {"noise": "salt"}, {"sparsity": "l3"},
                                 {"noise": "mask", "noise_level": 1.0}, {"sparsity": "kl", "rho": 0.0}])
def test_bad_options_are_errors(bad):
    with pytest.raises(ValueError):
        Autoencoder(4, 2, backend="python", **bad)


def test_stacked_autoencoder_trains_greedily_and_unrolls():
    X = _data(32, 8, seed=5)
    y = [int(sum(row) > 3) for row in X]
    stack = StackedAutoencoder([8, 6, 4], seed=0, backend="python")
    histories = stack.fit(X, epochs=3, lr=0.5, verbose=0)
    assert len(histories) == 2 and all(h.epochs == 3 for h in histories)
    assert len(stack.encode(X)[0]) == 4
    net = stack.to_network(2, backend="python")
    assert isinstance(net, Network) and [l.n_out for l in net.layers] == [6, 4, 2]
    assert net.layers[0].get_weights() == stack.autoencoders[0].encoder.get_weights()
    # the unrolled encoders compute the same codes
    net.forward(net.backend.array(X))
    assert_close(net.backend.to_list(net.layers[1].a), stack.encode(X), 1e-12, 1e-12)
    net.fit(X, y, epochs=2, verbose=0)


@pytest.mark.parametrize("options", [{}, {"tied": True, "sparsity": "kl", "noise": "mask"},
                                     {"sparsity": "l1", "beta": 0.01, "noise": "gaussian",
                                      "loss": "squared_error"}])
def test_backends_agree_on_training(backend, options):
    """The same autoencoder trained on this backend and on the reference."""
    X = _data(40, 12, seed=7)
    results = []
    for where in ("python", backend):
        ae = Autoencoder(12, 5, seed=2, backend=where, **options)
        ae.fit(X, epochs=3, batch_size=8, lr=0.5, verbose=0)
        results.append((ae.encoder.get_weights(), ae.decoder.get_weights(), ae.history["loss"]))
    rel, abs_ = backend.tolerance
    assert_close(results[1], results[0], 200 * rel, 200 * abs_)
