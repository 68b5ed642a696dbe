"""The RBM: contrastive divergence against the exact log-likelihood gradient of an
RBM small enough to enumerate, the lecture's initialisation, monitoring, sampling,
errors, and the same numbers on every backend."""

import itertools
import math
import random

import pytest

from helpers import assert_close
from tinynet import DataError
from tinynet.unsupervised import RBM

N_V, N_H = 6, 4
STATES_V = [list(map(float, bits)) for bits in itertools.product((0, 1), repeat=N_V)]
STATES_H = [list(map(float, bits)) for bits in itertools.product((0, 1), repeat=N_H)]
DATA = [[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1], [1, 1, 0, 0, 0, 1], [1, 0, 1, 0, 1, 0]]


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def _p_h(W, c, v):
    return [_sigmoid(c[j] + sum(W[j][i] * v[i] for i in range(N_V))) for j in range(N_H)]


def _p_v(W, b, h):
    return [_sigmoid(b[i] + sum(W[j][i] * h[j] for j in range(N_H))) for i in range(N_V)]


def _prob(p, x):
    return math.prod(q if s else 1.0 - q for q, s in zip(p, x))


def _free_energy(W, b, c, v):
    return -sum(bi * vi for bi, vi in zip(b, v)) - sum(
        math.log1p(math.exp(c[j] + sum(W[j][i] * v[i] for i in range(N_V)))) for j in range(N_H))


def _correlation(W, c, weights):
    """Σ_v weights[v]·p(h|v)·vᵀ over the visible states: an (N_H, N_V) matrix."""
    out = [[0.0] * N_V for _ in range(N_H)]
    for w, v in zip(weights, STATES_V):
        if w:
            h = _p_h(W, c, v)
            for j in range(N_H):
                for i in range(N_V):
                    out[j][i] += w * h[j] * v[i]
    return out


def _data_weights():
    weights = [0.0] * len(STATES_V)
    for v in DATA:
        weights[STATES_V.index(list(map(float, v)))] += 1.0 / len(DATA)
    return weights


def _exact_gradient(W, b, c):
    """∂(mean log p(v))/∂W = ⟨v h⟩_data − ⟨v h⟩_model, the model's by enumeration."""
    energies = [math.exp(-_free_energy(W, b, c, v)) for v in STATES_V]
    Z = sum(energies)
    data = _correlation(W, c, _data_weights())
    model = _correlation(W, c, [e / Z for e in energies])
    return [[d - m for d, m in zip(dr, mr)] for dr, mr in zip(data, model)]


def _exact_cd(W, b, c, k):
    """The expectation of the CD-k estimate: the chain's distribution after k
    Gibbs steps from the data, T(v → v') = Σ_h p(h|v)·p(v'|h), by enumeration."""
    T = []
    for v in STATES_V:
        ph = _p_h(W, c, v)
        row = [0.0] * len(STATES_V)
        for h in STATES_H:
            weight = _prob(ph, h)
            pv = _p_v(W, b, h)
            for t, v2 in enumerate(STATES_V):
                row[t] += weight * _prob(pv, v2)
        T.append(row)
    dist = _data_weights()
    for _ in range(k):
        dist = [sum(dist[s] * T[s][t] for s in range(len(STATES_V))) for t in range(len(STATES_V))]
    data = _correlation(W, c, _data_weights())
    model = _correlation(W, c, dist)
    return [[d - m for d, m in zip(dr, mr)] for dr, mr in zip(data, model)]


def _distance(A, B):
    return math.sqrt(sum((a - b) ** 2 for ra, rb in zip(A, B) for a, b in zip(ra, rb)))


def _small_rbm(backend="python"):
    """Weights large enough that Gibbs sampling mixes slowly (CD-1's bias is large)."""
    rng = random.Random(6)
    rbm = RBM(N_V, N_H, seed=3, backend=backend)
    rbm.set_weights([[rng.gauss(0.0, 2.0) for _ in range(N_V)] for _ in range(N_H)],
                    [rng.gauss(0.0, 0.5) for _ in range(N_V)], [rng.gauss(0.0, 0.5) for _ in range(N_H)])
    return rbm


def test_cd_k_bias_shrinks_as_k_grows_and_the_estimates_match_the_exact_expectation():
    rbm = _small_rbm()
    W, b, c = rbm.get_weights()
    exact = _exact_gradient(W, b, c)
    replicas = DATA * 500                                 # 2,000 chains: noise ~0.01 an entry
    biases = []
    for k in (1, 2, 4, 8):
        expected = _exact_cd(W, b, c, k)
        estimate = rbm.gradient(replicas, k=k)[0]
        # the sampled estimate is the CD-k expectation, up to sampling noise
        assert _distance(estimate, expected) < 0.1, k
        biases.append((_distance(expected, exact), _distance(estimate, exact)))
    exact_bias = [bias for bias, _ in biases]
    assert exact_bias == sorted(exact_bias, reverse=True)  # CD-k's bias shrinks as k grows
    assert exact_bias[0] > 5 * exact_bias[-1]
    estimate_bias = [bias for _, bias in biases]
    assert estimate_bias == sorted(estimate_bias, reverse=True)   # and so does the estimate's


def test_persistent_cd_follows_the_model_not_the_data():
    """PCD's chains keep running: after many updates of the particles (the weights
    fixed) their statistics approach the model's, i.e. the exact gradient."""
    rbm = _small_rbm()
    W, b, c = rbm.get_weights()
    exact = _exact_gradient(W, b, c)
    replicas = DATA * 250
    for _ in range(20):
        estimate = rbm.gradient(replicas, k=1, persistent=True)[0]
    assert _distance(estimate, exact) < _distance(_exact_cd(W, b, c, 1), exact) / 3


def test_initialisation_follows_the_lecture():
    X = [[1, 0, 1], [1, 0, 0], [1, 1, 0], [0, 0, 0]]     # p = 0.75, 0.25, 0.25
    rbm = RBM(3, 200, seed=0, backend="python")
    W, b, c = rbm.get_weights()
    weights = [w for row in W for w in row]
    sd = math.sqrt(sum(w * w for w in weights) / len(weights))
    assert 0.009 < sd < 0.011 and c == [0.0] * 200
    rbm.fit(X, epochs=1, lr=1e-9, momentum=0.0, weight_decay=0.0)
    assert_close(rbm.get_weights()[1], [math.log(3), -math.log(3), -math.log(3)], 1e-6, 1e-6)


def test_training_makes_the_data_more_probable_and_records_the_history():
    rbm = RBM(N_V, 8, seed=1, backend="python")
    history = rbm.fit(DATA * 10, epochs=30, batch_size=4, lr=0.2, validation_data=DATA)
    assert history.epochs == 30
    assert set(history.keys()) == {"reconstruction_error", "free_energy", "val_free_energy"}
    assert history["reconstruction_error"][-1] < 0.5 * history["reconstruction_error"][0]
    assert history["free_energy"][-1] < history["free_energy"][0]
    assert rbm.free_energy(DATA) < rbm.free_energy([[0, 1, 0, 1, 0, 1], [1, 0, 0, 1, 0, 0]])
    recon = rbm.reconstruct(DATA)
    assert [[round(x) for x in row] for row in recon] == DATA
    H = rbm.transform(DATA)
    assert len(H) == 4 and all(0.0 < h < 1.0 for row in H for h in row)


def test_gibbs_fantasies_look_like_the_data():
    rbm = RBM(N_V, 8, seed=1, backend="python")
    rbm.fit(DATA * 10, epochs=40, batch_size=4, lr=0.2)
    fantasies = rbm.sample(40, steps=50)
    assert len(fantasies) == 40 and len(fantasies[0]) == N_V
    near = sum(min(sum(abs(round(x) - d) for x, d in zip(row, v)) for v in DATA) <= 1 for row in fantasies)
    assert near >= 30
    assert rbm.sample(start=DATA, steps=1) != rbm.sample(start=DATA, steps=1)   # new samples each call


def test_the_seed_fixes_the_run():
    runs = []
    for _ in range(2):
        rbm = RBM(N_V, 3, seed=7, backend="python")
        rbm.fit(DATA * 3, epochs=2, batch_size=5, k=2)
        runs.append(rbm.get_weights())
    assert runs[0] == runs[1]
    other = RBM(N_V, 3, seed=8, backend="python")
    other.fit(DATA * 3, epochs=2, batch_size=5, k=2)
    assert other.get_weights() != runs[0]


def test_data_outside_0_1_is_a_clear_error():
    rbm = RBM(3, 2, backend="python")
    with pytest.raises(DataError, match="outside \\[0, 1\\].*Scale the data"):
        rbm.fit([[0.0, 255.0, 1.0]])
    with pytest.raises(DataError, match="validation_data"):
        rbm.fit([[0.0, 1.0, 1.0]], validation_data=[[-1.0, 0.0, 0.0]])
    with pytest.raises(DataError):
        rbm.fit([[0.0, 1.0, 1.0]], k=0)
    with pytest.raises(ValueError):
        RBM(0, 3)


def test_free_energy_is_the_formula():
    rbm = _small_rbm()
    W, b, c = rbm.get_weights()
    expected = sum(_free_energy(W, b, c, v) for v in DATA) / len(DATA)
    assert abs(rbm.free_energy(DATA) - expected) < 1e-12


@pytest.mark.parametrize("persistent", [False, True])
def test_backends_draw_the_same_samples_and_train_alike(backend, persistent):
    """The same seed gives the same uniform numbers on every backend, so the
    same Gibbs samples (up to a comparison u < p that float32 rounds the other
    way, which these sizes make vanishingly rare) and the same training."""
    rng = random.Random(2)
    X = [[float(rng.random() < 0.3) for _ in range(20)] for _ in range(30)]
    results = []
    for where in ("python", backend):
        rbm = RBM(20, 7, seed=4, backend=where)
        history = rbm.fit(X, epochs=3, batch_size=8, k=2, persistent=persistent, validation_data=X[:5])
        results.append((rbm.get_weights(), [history[key] for key in sorted(history.keys())],
                        rbm.sample(start=X[:3], steps=5)))
    rel, abs_ = backend.tolerance
    assert_close(results[1], results[0], 100 * rel, 100 * abs_)


def test_training_stays_on_the_device(backend, monkeypatch):
    """On a device backend the weights never come back to the host while training:
    per epoch the host reads only the reconstruction error and the free energies
    (5 numbers), however many batches there are."""
    if not hasattr(backend, "_wait_read"):
        pytest.skip("{} keeps its matrices on the host".format(backend.name))
    reads = []
    real = backend._wait_read

    def counted(host, buf, what):
        reads.append(what)
        return real(host, buf, what)

    monkeypatch.setattr(backend, "_wait_read", counted)
    rbm = RBM(N_V, 5, seed=0, backend=backend)
    rbm.fit(DATA * 25, epochs=3, batch_size=10, validation_data=DATA)       # 10 batches an epoch
    assert len(reads) == 3 * 5, reads
