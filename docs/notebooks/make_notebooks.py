"""Write the tutorial notebooks of docs/notebooks/ from the cells below.

    python docs/notebooks/make_notebooks.py          # (re)write the .ipynb files
    python docs/notebooks/make_notebooks.py --check  # exit 1 if a file's cells differ from this script

The notebooks are kept without outputs; tests/test_notebooks.py runs each one with nbclient
and checks that the files match this script.  Each notebook follows one step of the lecture:
a neuron, the worked example, backpropagation and gradient checking, training and
regularisation, the 16×16 digits, and the same model on OpenCL.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

#: The first cell of every notebook: run from a clone, it imports this folder's tinynet.
SETUP = '''import os, sys
root = os.path.abspath(os.path.join(os.getcwd(), "..", ".."))  # the project folder, from docs/notebooks
if os.path.isdir(os.path.join(root, "tinynet")):
    sys.path.insert(0, root)
import tinynet
print("tinynet", tinynet.__version__, "on the", tinynet.backend_name(), "backend")'''

#: The lecture's 2-2-2-2 network with the slides' weights, built in notebooks 2 and 3.
LECTURE_NET = '''LECTURE = [                                   # (W, b) of each layer, as on the slides
    ([[1.0, -2.0], [-1.0, 1.0]], [1.0, 0.0]),
    ([[2.0, -1.0], [-2.0, -1.0]], [0.0, 0.0]),
    ([[3.0, -1.0], [-1.0, 4.0]], [-2.0, 2.0]),
]
net = Network([Dense(2, 2, "sigmoid") for _ in LECTURE], loss="squared_error", backend="python")
for layer, (W, b) in zip(net.layers, LECTURE):
    layer.set_weights(W, b)'''

NOTEBOOKS = {}

NOTEBOOKS["1_neuron.ipynb"] = [
    ("md", """# 1. A neuron

A neuron takes inputs x, weights w and a bias b, forms the weighted input

  z = Σ_i w_i·x_i + b

and passes it through an activation function g: its output is a = g(z). The lecture's example has
w = (1, −2), b = 1 and the input x = (1, −1): z = 1·1 + (−2)·(−1) + 1 = 4, and σ(4) ≈ 0.98."""),
    ("code", SETUP),
    ("code", """from tinynet import Neuron

n = Neuron([1.0, -2.0], 1.0, "sigmoid")
print("z =", n.z([1.0, -1.0]))
print("a = g(z) =", round(n([1.0, -1.0]), 4))"""),
    ("md", """## Activation functions and their slopes

`tinynet.activations` holds each g with its derivative g′, as on the slides:
σ(z) = 1/(1 + e^(−z)) with σ′ = σ·(1 − σ), tanh with 1 − tanh², ReLU max(0, z) with 1 for z > 0.
Backpropagation needs g′, so the picture draws both."""),
    ("code", """from tinynet import activations
from tinynet.pictures import line_chart

zs = [i / 10 for i in range(-50, 51)]
series = {}
for name in ("sigmoid", "tanh", "relu"):
    g, g_prime = activations.g(name), activations.g_prime(name)
    series[name] = [(z, g(z)) for z in zs]
    series[name + "′"] = [(z, g_prime(z)) for z in zs]
line_chart(series, title="g(z) and g′(z)", xlabel="z", ylabel="")"""),
    ("md", """Far from 0 the sigmoid's slope is almost 0: a saturated unit hardly learns. That is the
*vanishing gradient* of deep sigmoid networks (`examples/vanishing_gradients.py`).

## A layer is many neurons

A Dense layer holds one neuron per row of its weight matrix W, of shape (n_out, n_in), and computes
z = W·a + b for all of them at once. `layer.neuron(j)` shows unit j as a `Neuron`."""),
    ("code", """from tinynet import Dense, Network

layer = Dense.from_neurons([Neuron([1.0, -2.0], 1.0), Neuron([-1.0, 1.0], 0.0)])
net = Network([layer])
print(layer.get_weights())                  # W (one row per neuron) and b
print(net.predict([1.0, -1.0]))             # both neurons' outputs for x = (1, −1)
print(layer.neuron(0))"""),
]

NOTEBOOKS["2_worked_example.ipynb"] = [
    ("md", """# 2. The worked example: a 2-2-2-2 network

The lecture's fully connected network has two inputs, two sigmoid layers of two units and a
sigmoid output layer of two units. With the weights from the slides it maps

  f([1, −1]) = [0.62, 0.83]  and  f([0, 0]) = [0.51, 0.85].

Each layer l computes z = W[l]·a + b[l] and a = σ(z), with W[l] of shape (n[l], n[l−1])."""),
    ("code", SETUP),
    ("code", "from tinynet import Dense, Network\n\n" + LECTURE_NET + """
for x in ([1.0, -1.0], [0.0, 0.0]):
    print(x, "→", [round(a, 2) for a in net.predict(x)])"""),
    ("md", """## Layer by layer

Every layer keeps its z and a from the forward pass (the *cache* the backward pass reads)."""),
    ("code", """B = net.backend
net.forward(B.array([[1.0, -1.0]]))
for number, layer in enumerate(net.layers, 1):
    z, a = B.to_list(layer.z)[0], B.to_list(layer.a)[0]
    print("layer", number, " z =", [round(v, 2) for v in z], " a =", [round(v, 2) for v in a])"""),
    ("md", "The network as a picture: weights coloured by sign, thick by size."),
    ("code", "net"),
    ("md", """`examples/worked_example.py` prints every number of this example, forward and backward, and
checks them; the next notebook does the backward pass by hand."""),
]

NOTEBOOKS["3_backprop_and_gradcheck.ipynb"] = [
    ("md", """# 3. Backpropagation, by hand and checked

With the squared error E = ½·Σ_k (a_k − t_k)² the lecture's rules are

* output layer: δ_k = (a_k − t_k)·g′(z_k), and ∂E/∂w_jk = δ_k·a_j;
* hidden layer: δ_j = g′(z_j)·Σ_k δ_k·w_jk, and ∂E/∂w_ij = δ_j·a_i.

For a sigmoid, g′(z) = a·(1 − a). Here they are in plain Python for the worked example, next to
what tinynet computes. (The lecture's w_jk is `W[k][j]` in code: row k holds unit k's weights.)"""),
    ("code", SETUP),
    ("code", "from tinynet import Dense, Network, gradcheck\n\n" + LECTURE_NET + """
x, t = [1.0, -1.0], [1.0, 0.0]"""),
    ("code", """B = net.backend
net.forward(B.array([x]))
a = [x] + [B.to_list(layer.a)[0] for layer in net.layers]     # a[0] is the input
W = [layer.get_weights()[0] for layer in net.layers]

# output layer: δ_k = (a_k − t_k)·a_k·(1 − a_k)
delta = [(a_k - t_k) * a_k * (1 - a_k) for a_k, t_k in zip(a[3], t)]
deltas = [delta]
# hidden layers, from the top down: δ_j = a_j·(1 − a_j)·Σ_k δ_k·w_jk
for l in (2, 1):
    above = W[l]                                              # the weights of layer l + 1
    delta = [a_j * (1 - a_j) * sum(d_k * above[k][j] for k, d_k in enumerate(delta))
             for j, a_j in enumerate(a[l])]
    deltas.insert(0, delta)
# ∂E/∂w_jk = δ_k·a_j: row k, column j
by_hand = [[[d_k * a_j for a_j in a[l]] for d_k in deltas[l]] for l in range(3)]
for l, grad in enumerate(by_hand, 1):
    print("layer", l, "δ =", [round(d, 5) for d in deltas[l - 1]], " ∂E/∂W =", [[round(g, 5) for g in row] for row in grad])"""),
    ("md", "tinynet's backward pass gives the same numbers:"),
    ("code", """E, grads = net.gradients([x], [t])
print("E =", round(E, 5))
worst = max(abs(g - h) for (dW, _), hand in zip(grads, by_hand)
            for row, hand_row in zip(dW, hand) for g, h in zip(row, hand_row))
print("largest difference from the hand computation:", worst)"""),
    ("md", """## Gradient checking

Backprop can also be checked without any formula: nudge one weight by ±h and see how E changes,

  ∂E/∂w ≈ (E(w + h) − E(w − h)) / 2h.

`gradcheck` does this for the weights of every layer and reports the relative error: below 1e-7
the two agree; around 1e-3 or more, something is wrong."""),
    ("code", """print(gradcheck(net, [x, [0.0, 0.0]], [t, [0.0, 1.0]]))"""),
    ("code", """# the same check on a network with other activations and a softmax output
from tinynet import datasets
X, y = datasets.two_moons(n=20, seed=0)
other = Network([Dense(2, 5, "tanh"), Dense(5, 4, "relu"), Dense(4, 2, "softmax")],
                loss="cross_entropy", seed=3, backend="python")
result = gradcheck(other, X, y)
print(result)
assert result.ok"""),
]

NOTEBOOKS["4_training_and_regularisation.ipynb"] = [
    ("md", """# 4. Training, and keeping it honest

Training repeats the lecture's loop: shuffle the samples, cut them into mini-batches, and for each
batch do a forward pass, backpropagate, and take a step θ ← θ − η·∂E/∂θ. One pass over the data
is an epoch. `fit` returns the loss (and accuracy) of every epoch."""),
    ("code", SETUP),
    ("code", """from tinynet import Dense, Network, datasets
from tinynet.pictures import decision_boundary

X, y = datasets.two_moons(n=120, noise=0.2, seed=0)
X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_fraction=0.3, seed=0)
net = Network([Dense(2, 16, "tanh"), Dense(16, 2, "softmax")], loss="cross_entropy", seed=0)
history = net.fit(X_train, y_train, epochs=40, batch_size=16, optimizer="momentum", lr=0.1,
                  validation_data=(X_test, y_test), verbose=0)
print(history)
history"""),
    ("code", """decision_boundary(net.predict, X_test, y_test, title="two moons: a hidden layer bends the boundary",
                  resolution=40)"""),
    ("md", """## Over-fitting and regularisation

A large network trained on few samples learns their noise: its training loss keeps falling while
the validation loss rises. The lecture's remedies limit the weights: L2 adds λ·w to each
gradient (the gradient of (λ/2)·Σw²), L1 adds λ·sign(w); dropout switches units off at random in
training; early stopping keeps the weights of the best validation epoch."""),
    ("code", """from tinynet import Dropout

X, y = datasets.two_moons(n=40, noise=0.35, seed=1)
X_train, X_val, y_train, y_val = datasets.train_test_split(X, y, test_fraction=0.5, seed=1)

def gap(layers, **options):
    net = Network(layers, loss="cross_entropy", seed=0)
    h = net.fit(X_train, y_train, epochs=100, batch_size=10, optimizer="adam", lr=0.02,
                validation_data=(X_val, y_val), verbose=0, **options)
    return h["val_loss"][-1] - h["loss"][-1], h

wide = lambda: [Dense(2, 32, "relu"), Dense(32, 32, "relu"), Dense(32, 2, "softmax")]
for name, layers, options in [
        ("plain", wide(), {}),
        ("L2 λ=0.01", wide(), {"l2": 0.01}),
        ("dropout 0.3", [Dense(2, 32, "relu"), Dropout(0.3), Dense(32, 32, "relu"), Dropout(0.3),
                         Dense(32, 2, "softmax")], {})]:
    g, h = gap(layers, **options)
    print("{:<12} training loss {:.3f}  validation loss {:.3f}  gap {:.3f}".format(
        name, h["loss"][-1], h["val_loss"][-1], g))"""),
    ("md", """`examples/overfitting.py` makes the same comparison with early stopping too, and
`examples/optimizers.py` compares SGD, momentum and Adam."""),
]

NOTEBOOKS["5_digits.ipynb"] = [
    ("md", """# 5. Handwritten digits

A 16×16 image is 256 inputs (ink → 1, no ink → 0), and the output layer has one unit per digit:
a softmax gives each digit a confidence, and the largest one is the answer. The bundled USPS set
has 4,649 training and 4,649 test digits; this notebook trains on 600 of them for a few epochs
to stay quick (`python -m tinynet demo` trains on all of them)."""),
    ("code", SETUP),
    ("code", """from tinynet import Dense, Network, datasets, plots

data = datasets.load_digits16()
print(data)
plots.pictures.image_grid(data.X[:20], shape=(16, 16), labels=[str(t) for t in data.y[:20]],
                          title="the first training digits")"""),
    ("code", """net = Network([Dense(256, 32, "sigmoid"), Dense(32, 10, "softmax")], loss="cross_entropy", seed=0)
print(net.summary())
history = net.fit(data.X[:600], data.y[:600], epochs=4, batch_size=32, optimizer="momentum",
                  lr=0.1, validation_data=(data.X_test[:300], data.y_test[:300]), verbose=0)
print(history)
print("accuracy on 1,000 test digits:", net.evaluate(data.X_test[:1000], data.y_test[:1000])["accuracy"])"""),
    ("code", """plots.misclassified_chart(net, data.X_test[:300], data.y_test[:300], (16, 16), limit=20)"""),
    ("md", "Each hidden unit's 256 weights, drawn as a 16×16 image: the strokes it responds to."),
    ("code", """plots.first_layer_chart(net, (16, 16), limit=16)"""),
]

NOTEBOOKS["6_opencl.ipynb"] = [
    ("md", """# 6. The same network on OpenCL

All of tinynet's matrix arithmetic goes through one seam, the backend. The pure-Python backend is
the reference; the OpenCL backend (`tinynet_opencl`, installed with
`python -m pip install -e ".[opencl,pocl]"`) runs the same operations as kernels on a GPU, or on
the CPU through pocl. The model code does not change: only `backend=` (or `tinynet.use`)."""),
    ("code", SETUP),
    ("code", """from tinynet import BackendError, Dense, Network, datasets

try:
    opencl = tinynet.get_backend("opencl")
    print(opencl.describe())
except BackendError as error:                  # no pyopencl or no OpenCL driver here
    opencl = None
    print("OpenCL is not available here, so the cells below use pure Python twice:")
    print(error)"""),
    ("code", """import time

data = datasets.load_digits16()
X, y = data.X[:400], data.y[:400]

def train(backend):
    net = Network([Dense(256, 32, "sigmoid"), Dense(32, 10, "softmax")], loss="cross_entropy",
                  seed=0, backend=backend)
    start = time.perf_counter()
    net.fit(X, y, epochs=2, batch_size=32, optimizer="momentum", lr=0.05, verbose=0)
    return net, time.perf_counter() - start

python_net, python_seconds = train("python")
device_net, device_seconds = train(opencl or "python")
print("python: {:.2f} s   {}: {:.2f} s".format(python_seconds, device_net.backend.name, device_seconds))"""),
    ("md", """The two runs start from the same seed and take the same steps, so their weights agree up to
float32 rounding (the device computes in float32, the reference in float64):"""),
    ("code", """difference = max(abs(p - d)
                 for (Wp, bp), (Wd, bd) in zip(python_net.get_weights(), device_net.get_weights())
                 for row_p, row_d in zip(Wp + [bp], Wd + [bd]) for p, d in zip(row_p, row_d))
print("largest weight difference:", difference)
assert difference < 1e-3
print("same answers on 200 test digits:",
      python_net.predict_classes(data.X_test[:200]) == device_net.predict_classes(data.X_test[:200]))"""),
    ("md", """`python -m tinynet bench` times both backends (and NumPy) on your machine, and
docs/opencl.md says how the plugin keeps a whole training run on the device."""),
]


def build(cells):
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source in cells:
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(source))
    for number, cell in enumerate(nb.cells):          # stable ids, so the files do not churn
        cell["id"] = "cell-{}".format(number)
    return nbformat.writes(nb) + "\n"


def cells_of(path):
    """[(kind, source)] of a notebook file, to compare with NOTEBOOKS (whatever nbformat wrote it)."""
    import json
    with open(path, encoding="utf-8") as handle:
        nb = json.load(handle)
    kinds = {"markdown": "md", "code": "code"}
    return [(kinds[cell["cell_type"]], "".join(cell["source"])) for cell in nb["cells"]]


def main(argv):
    check = "--check" in argv
    differ = []
    for name, cells in NOTEBOOKS.items():
        path = os.path.join(HERE, name)
        if check:
            try:
                same = cells_of(path) == [(kind, source) for kind, source in cells]
            except (OSError, ValueError, KeyError):
                same = False
            if not same:
                differ.append(name)
        else:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(build(cells))
            print("wrote", path)
    if differ:
        print("differ from make_notebooks.py (run it to rewrite them):", ", ".join(differ))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
