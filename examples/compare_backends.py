"""Same network, two backends: pure Python against OpenCL, on the 16×16 digits.

The model code is identical; only the backend argument changes. The claim:
both backends train to the same accuracy (OpenCL computes in float32, the
Python backend in float64, so weights agree to about 1e-3, not bit for bit),
and OpenCL is much faster per epoch once the network is big enough.

    python examples/compare_backends.py            # 1600 digits, 3 epochs
    python examples/compare_backends.py --quick    # 320 digits, 1 epoch

Needs the OpenCL plugin: pip install ".[opencl,pocl]"  (pocl: a CPU driver).
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import BackendError, Dense, Network, datasets, get_backend  # noqa: E402


def train(backend, X, y, X_test, y_test, epochs):
    net = Network([Dense(256, 64, "sigmoid"), Dense(64, 10, "softmax")], loss="cross_entropy",
                  seed=0, backend=backend)
    start = time.perf_counter()
    net.fit(X, y, epochs=epochs, batch_size=32, optimizer="momentum", lr=0.05, verbose=0)
    seconds = time.perf_counter() - start
    return net, seconds, net.evaluate(X_test, y_test)["accuracy"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small, fast run")
    parser.add_argument("--out", default=None, help="(unused: this example draws no pictures)")
    args = parser.parse_args(argv)
    try:
        opencl = get_backend("opencl")
    except BackendError as error:
        print("claim: both backends train alike   got: nothing to compare, OpenCL is not available here "
              "({})".format(error))
        return 0
    data = datasets.load_digits16()
    n, epochs = (320, 1) if args.quick else (1600, 3)
    X, y, X_test, y_test = data.X[:n], data.y[:n], data.X_test[:1000], data.y_test[:1000]
    print("training 256 → 64 → 10 on {} digits for {} epochs, on each backend".format(n, epochs))
    print("OpenCL device: {}".format(opencl.describe()))
    results = {}
    for name in ("python", "opencl"):
        results[name] = train(name, X, y, X_test, y_test, epochs)
        print("  {:<7} test accuracy {:.1%}   {:.2f} s".format(name, results[name][2], results[name][1]))
    (py_net, py_s, py_acc), (cl_net, cl_s, cl_acc) = results["python"], results["opencl"]
    worst = max(abs(a - b) for (W1, b1), (W2, b2) in zip(py_net.get_weights(), cl_net.get_weights())
                for r1, r2 in zip(W1 + [b1], W2 + [b2]) for a, b in zip(r1, r2))
    print("claim: same accuracy (within 1 point) and weights within 1e-3   got: accuracy {:.1%} vs {:.1%}, "
          "largest weight difference {:.1e}; OpenCL {:.0f}× faster".format(py_acc, cl_acc, worst, py_s / cl_s))
    assert abs(py_acc - cl_acc) <= 0.01, "the backends disagree on accuracy"
    assert worst < 1e-3, "the backends' weights drifted apart"
    return 0


if __name__ == "__main__":
    sys.exit(main())
