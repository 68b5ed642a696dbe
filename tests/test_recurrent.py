"""Recurrent layers and sequence networks: shapes, gradients through time, training, errors.

Gradients are checked against central differences in float64 (the Python
backend) for both layers, stacked, with the output at every step or at the
last one, from the zero state and from a carried (non-zero) state, as
truncated BPTT uses it.
"""

import math

import pytest

import tinynet
from tinynet import LSTM, RNN, Dense, SequenceNetwork, datasets
from tinynet.errors import DataError, ModelFileError, ShapeError
from tinynet.bptt import clip_gradients

SYMBOLS_X = [[0, 1, 2, 1, 0], [2, 2, 0, 1, 1]]
SYMBOLS_Y = [[1, 2, 1, 0, 2], [2, 0, 1, 1, 0]]


def symbol_net(kind, stacked=False, seed=1):
    layers = [kind(3, 4)] + ([kind(4, 5)] if stacked else [])
    return SequenceNetwork(layers + [Dense(layers[-1].n_hidden, 3, "softmax")], loss="cross_entropy",
                           seed=seed, backend="python")


@pytest.mark.parametrize("kind", [RNN, LSTM])
@pytest.mark.parametrize("stacked", [False, True])
def test_gradients_through_time_agree_with_central_differences(kind, stacked):
    result = tinynet.gradcheck(symbol_net(kind, stacked), SYMBOLS_X, SYMBOLS_Y, max_entries=1000)
    # tiny gradient entries make relative errors of ~1e-6 from rounding; a wrong
    # formula gives errors of order 1
    assert result.max_error < 1e-5, str(result)


@pytest.mark.parametrize("kind", [RNN, LSTM])
def test_gradients_with_one_output_per_sequence_and_squared_error(kind):
    net = SequenceNetwork([kind(2, 4, return_sequences=False), Dense(4, 2, "linear")],
                          loss="squared_error", seed=3, backend="python")
    X = [[[0.5, 1.0], [1.0, 0.0], [0.2, -0.3]], [[0.1, 0.4], [-1.0, 0.5], [0.0, 0.3]]]
    y = [[0.3, -0.2], [1.0, 0.5]]
    assert net.gradcheck(X, y, max_entries=1000).max_error < 1e-6


@pytest.mark.parametrize("kind", [RNN, LSTM])
def test_gradients_from_a_carried_state_hold_the_state_fixed(kind):
    net = symbol_net(kind)
    net.forward([net.backend.array([[1.0, 0.0, 0.0]] * 2)] * 3)       # some earlier chunk
    states = net.final_states()
    assert net.gradcheck(SYMBOLS_X, SYMBOLS_Y, max_entries=1000, states=states).max_error < 1e-5


@pytest.mark.parametrize("kind", [RNN, LSTM])
def test_input_gradients_agree_with_central_differences(kind):
    net = SequenceNetwork([kind(2, 3), Dense(3, 1, "linear")], loss="squared_error", seed=0, backend="python")
    X = [[[0.3, -0.1], [0.5, 0.2], [-0.4, 0.9], [0.1, 0.1]]]
    y = [[0.5, -0.5, 0.2, 0.0]]
    net.gradients(X, y, input_gradients=True)
    analytic = net.input_gradients
    h = 1e-6
    for t in range(4):
        for j in range(2):
            values = []
            for sign in (1, -1):
                Xh = [[list(step) for step in X[0]]]
                Xh[0][t][j] += sign * h
                values.append(net.evaluate(Xh, y)["loss"])
            numeric = (values[0] - values[1]) / (2 * h)
            assert abs(numeric - analytic[t][0][j]) < 1e-7 * max(1.0, abs(numeric))


def test_lstm_gates_are_inspectable_by_name_with_lecture_shapes():
    net = SequenceNetwork([LSTM(3, 4), Dense(4, 3, "softmax")], seed=0, backend="python")
    layer = net.layers[0]
    for gate in "fiog":
        W, U, b = (net.backend.to_list(getattr(layer, name + "_" + gate)) for name in "WUb")
        assert (len(W), len(W[0]), len(U), len(U[0]), len(b), len(b[0])) == (4, 3, 4, 4, 1, 4)
    assert net.backend.to_list(layer.b_f) == [[1.0] * 4]                 # the forget bias
    net.gradients(SYMBOLS_X[:1], SYMBOLS_Y[:1])
    assert set(layer.grads) == {n + "_" + g for n in "WUb" for g in "fiog"}


def test_lstm_forward_matches_the_formulas_by_hand():
    net = SequenceNetwork([LSTM(1, 1), Dense(1, 1, "linear")], loss="squared_error", seed=0, backend="python")
    layer = net.layers[0]
    w = {"f": (0.5, -0.3, 0.1), "i": (0.2, 0.4, -0.2), "o": (-0.6, 0.7, 0.3), "g": (0.9, -0.8, 0.05)}
    layer.set_weights({name + "_" + g: [[v]] for g, vals in w.items() for name, v in zip("WUb", vals)})
    sig = lambda z: 1 / (1 + math.exp(-z))                                      # noqa: E731
    h = c = 0.0
    for x in (1.0, -0.5, 2.0):
        f, i, o = (sig(w[k][0] * x + w[k][1] * h + w[k][2]) for k in "fio")
        g = math.tanh(w["g"][0] * x + w["g"][1] * h + w["g"][2])
        c = f * c + i * g
        h = o * math.tanh(c)
    B = net.backend
    Hs = layer.forward([B.array([[x]]) for x in (1.0, -0.5, 2.0)], layer.zero_state(1))
    assert abs(B.to_list(Hs[-1])[0][0] - h) < 1e-12
    assert abs(B.to_list(layer.state[1])[0][0] - c) < 1e-12


def test_rnn_forward_matches_the_formula_by_hand():
    net = SequenceNetwork([RNN(1, 1), Dense(1, 1, "linear")], loss="squared_error", seed=0, backend="python")
    net.layers[0].set_weights({"W": [[0.7]], "U": [[-0.4]], "b": [[0.1]]})
    h = 0.0
    for x in (1.0, 2.0):
        h = math.tanh(0.7 * x - 0.4 * h + 0.1)
    Hs = net.layers[0].forward([net.backend.array([[1.0]]), net.backend.array([[2.0]])], ((([[0.0]])),))
    assert abs(Hs[-1][0][0] - h) < 1e-12


def test_clip_gradients_scales_to_the_norm_and_keeps_the_direction():
    B = tinynet.get_backend("python")
    norm, clipped = clip_gradients(B, [[[3.0, 0.0]], [[0.0, 4.0]]], 1.0)
    assert norm == 5.0
    assert [[[round(x, 12) for x in row] for row in G] for G in clipped] == [[[0.6, 0.0]], [[0.0, 0.8]]]
    assert clip_gradients(B, [[[3.0, 4.0]]], 10.0)[1] == [[[3.0, 4.0]]]


def test_truncated_bptt_carries_the_state_between_chunks():
    # the target at each step is the input one step back: the first step of a chunk
    # needs the state the chunk before it ended in
    X, y = datasets.delayed_echo(8, length=12, delay=1, seed=0)
    net = SequenceNetwork([LSTM(1, 8), Dense(8, 1, "sigmoid")], loss="logistic", seed=0, backend="python")
    history = net.fit(X, y, epochs=60, bptt=3, lr=0.05, clip_norm=5, verbose=0)
    assert history["loss"][-1] < 0.1 * history["loss"][0]
    assert net.evaluate(X, y)["accuracy"] == 1.0
    # without the carried state the first step of every chunk is a guess
    cut = SequenceNetwork([LSTM(1, 8), Dense(8, 1, "sigmoid")], loss="logistic", seed=0, backend="python")
    cut_history = cut.fit(X, y, epochs=60, bptt=3, lr=0.05, clip_norm=5, verbose=0, stateful=False)
    assert cut_history["loss"][-1] > 5 * history["loss"][-1]


def test_fit_is_reproducible_from_the_seed():
    X, y = datasets.parity(6, length=4, seed=1)
    runs = []
    for _ in range(2):
        net = SequenceNetwork([RNN(1, 4), Dense(4, 1, "sigmoid")], loss="logistic", seed=7, backend="python")
        runs.append(net.fit(X, y, epochs=3, batch_size=2, lr=0.01, verbose=0)["loss"])
    assert runs[0] == runs[1]


def test_rnn_learns_binary_addition_and_generalises_to_longer_numbers():
    X, y = datasets.binary_addition(64, bits=8, seed=0)
    net = SequenceNetwork([RNN(2, 8), Dense(8, 1, "sigmoid")], loss="logistic", seed=0, backend="python")
    net.fit(X, y, epochs=60, batch_size=16, lr=0.05, clip_norm=5, verbose=0)
    X16, y16 = datasets.binary_addition(50, bits=16, seed=1)
    assert net.evaluate(X16, y16)["sequence_accuracy"] == 1.0


def test_sampling_is_seeded_and_temperature_sharpens():
    text = "abcabcabcabcabcabc"
    v = datasets.Vocabulary(text)
    X, y = datasets.next_symbol_task(v.encode(text))
    net = SequenceNetwork([LSTM(3, 8), Dense(8, 3, "softmax")], seed=0, backend="python")
    net.fit(X, y, epochs=80, lr=0.05, verbose=0)
    a = net.sample(v.encode("ab"), 12, temperature=1.0, seed=5)
    assert a == net.sample(v.encode("ab"), 12, temperature=1.0, seed=5)
    assert v.decode(net.sample(v.encode("ab"), 9, temperature=0.1, seed=1)) == "cabcabcab"
    with pytest.raises(DataError):
        net.sample([0], 3, temperature=0)


def test_save_and_load_give_the_same_network(tmp_path):
    net = symbol_net(LSTM, stacked=True)
    path = tmp_path / "lstm.json"
    net.save(str(path))
    again = SequenceNetwork.load(str(path), backend="python")
    assert again.predict(SYMBOLS_X) == net.predict(SYMBOLS_X)
    assert repr(again) == repr(net)
    path.write_text(path.read_text().replace('"LSTM"', '"GRU"'))
    with pytest.raises(ModelFileError, match="GRU"):
        SequenceNetwork.load(str(path))


def test_summary_and_repr_name_the_layers():
    net = symbol_net(LSTM, stacked=True)
    assert repr(net) == "SequenceNetwork([LSTM(3→4), LSTM(4→5), Dense(5→3, softmax)], loss='cross_entropy')"
    text = net.summary()
    assert "W_f, W_i, W_o, W_g (4,3)" in text and "{:,}".format(net.count_parameters()) in text


def test_sequences_of_different_lengths_name_the_sequence_and_both_lengths():
    net = symbol_net(RNN)
    with pytest.raises(DataError, match=r"X\[1\] has 3 steps but X\[0\] has 5"):
        net.fit([SYMBOLS_X[0], [0, 1, 2]], SYMBOLS_Y, epochs=1)


def test_wrong_feature_width_names_the_layer_and_both_widths():
    net = SequenceNetwork([RNN(2, 3), Dense(3, 1, "sigmoid")], loss="logistic", backend="python")
    with pytest.raises(ShapeError, match=r"RNN layer 1 \(2→3, tanh\) expects 2 inputs per step, but X\[0\]\[1\] has 3"):
        net.predict([[[0.0, 1.0], [0.0, 1.0, 2.0]]])
    with pytest.raises(ShapeError, match="LSTM layer 2"):
        SequenceNetwork([RNN(2, 3), LSTM(4, 3), Dense(3, 1, "sigmoid")], loss="logistic")
    with pytest.raises(DataError, match="symbol"):
        net.predict([[5, 0]])


def test_layer_rejects_steps_of_the_wrong_width_on_the_backend():
    layer = RNN(2, 3)
    net = SequenceNetwork([layer, Dense(3, 1, "sigmoid")], loss="logistic", backend="python")
    with pytest.raises(ShapeError, match=r"step 0 has shape \(1, 4\)"):
        layer.forward([net.backend.array([[0.0] * 4])], layer.zero_state(1))


def test_text_helpers_and_the_zen_of_python():
    text = datasets.zen_of_python()
    assert text.startswith("The Zen of Python, by Tim Peters") and "Namespaces" in text
    v = datasets.Vocabulary(text)
    assert v.decode(v.encode(text)) == text
    with pytest.raises(DataError, match="'#'"):
        v.encode("#")
    assert datasets.chunks(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]


def test_sequence_tasks_are_seeded_and_correct():
    X, y = datasets.binary_addition(20, bits=6, seed=2)
    assert (X, y) == datasets.binary_addition(20, bits=6, seed=2)
    for xs, ys in zip(X, y):
        a = datasets.bits_to_int([s[0] for s in xs])
        b = datasets.bits_to_int([s[1] for s in xs])
        assert datasets.bits_to_int(ys) == a + b
    X, y = datasets.delayed_echo(3, length=6, delay=2, seed=0)
    assert all(ys[t] == xs[t - 2][0] for xs, ys in zip(X, y) for t in range(2, 6))


# === Every backend agrees with the reference =================================

@pytest.mark.parametrize("kind", [RNN, LSTM])
def test_backends_agree_on_gradients_and_training(backend, kind):
    """The same network on each backend: the same loss, gradients and trained weights
    as the pure-Python reference, within the backend's tolerance (float32 on OpenCL)."""
    def run(on):
        net = SequenceNetwork([kind(3, 6), kind(6, 5), Dense(5, 3, "softmax")], seed=4, backend=on)
        loss, grads = net.gradients(SYMBOLS_X, SYMBOLS_Y)
        history = net.fit(SYMBOLS_X, SYMBOLS_Y, epochs=3, bptt=2, lr=0.01, clip_norm=0.5, verbose=0)
        return loss, grads, history["loss"], net.get_weights()

    reference, other = run("python"), run(backend)
    rel, abs_ = backend.tolerance
    loosen = 1.0 if backend.name == "python" else 100.0
    from helpers import assert_close
    assert_close(other[0], reference[0], rel * loosen, abs_ * loosen, "loss")
    for key in reference[1]:
        assert_close(other[1][key], reference[1][key], rel * loosen, abs_ * loosen, "gradient {}".format(key))
    assert_close(other[2], reference[2], rel * loosen, abs_ * loosen, "training losses")
    for name, W in reference[3][0].items():
        assert_close(other[3][0][name], W, rel * loosen, abs_ * loosen, "trained {}".format(name))


def test_sampling_agrees_across_backends(backend):
    text = "abcabcabcabcabcabc"
    v = datasets.Vocabulary(text)
    X, y = datasets.next_symbol_task(v.encode(text))
    samples = []
    for on in ("python", backend):
        net = SequenceNetwork([LSTM(3, 8), Dense(8, 3, "softmax")], seed=0, backend=on)
        net.fit(X, y, epochs=40, lr=0.05, verbose=0)
        samples.append(v.decode(net.sample(v.encode("ab"), 9, temperature=0.1, seed=1)))
    assert samples[0] == samples[1] == "cabcabcab"


def test_the_zen_of_python_without_the_modules_source(monkeypatch, capsys):
    """A standard library without sources (zipped .pyc files): 'this' is imported, its print caught."""
    import importlib.util
    from tinynet.datasets import text
    expected = text.zen_of_python()
    real = importlib.util.find_spec("this")

    class NoSource:
        def get_source(self, name):
            return None
    monkeypatch.setattr(text.importlib.util, "find_spec",
                        lambda name: type(real)(name, NoSource(), origin=real.origin))
    assert text.zen_of_python() == expected
    assert capsys.readouterr().out == ""
