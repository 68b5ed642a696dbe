"""Vanishing gradients in time: how much a plain RNN's output still depends on inputs k steps back, against an LSTM.

Backprop through time multiplies the gradient, at every step back, by the
recurrent weights and the slope of the activation:
∂E/∂h_{t−1} = (∂E/∂h_t ⊙ g'(z_t))·U.  With |g'| ≤ 1 and U of moderate size
this shrinks geometrically, so the error at the last step hardly reaches the
inputs far back, and a plain RNN cannot learn what depends on them.  The
LSTM's cell state carries the gradient back through
∂E/∂c_{t−1} = ∂E/∂c_t ⊙ f_t: only the forget gates multiply it, and while
they stay open the gradient stays large.

Both networks (32 hidden units, fresh from initialisation, same seed) read
the same 40-step random sequences and are scored only at the last step;
one backward pass gives ∂E/∂x_t for every step t, and the picture shows its
norm against k = T − t, the number of steps back.

    python examples/vanishing_gradients_in_time.py [--quick] [--out FOLDER]
"""

import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import LSTM, RNN, Dense, SequenceNetwork, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "vanishing_gradients_in_time"


def gradient_by_steps_back(kind, X, y, hidden):
    """‖∂E/∂x_{T−k}‖ for k = 0 … T−1 (the norm over the batch and the inputs)."""
    net = SequenceNetwork([kind(len(X[0][0]), hidden, return_sequences=False), Dense(hidden, 1, "linear")],
                          loss="squared_error", seed=0)
    net.gradients(X, y, input_gradients=True)
    grads = net.input_gradients                       # one (m, n_in) list per step
    T = len(grads)
    return [math.sqrt(sum(v * v for row in grads[T - 1 - k] for v in row)) for k in range(T)]


def main(argv=None):
    args = example_parser(NAME, __doc__, "20 steps and 4 sequences (a fast check)").parse_args(argv)
    steps, m = (20, 4) if args.quick else (40, 16)
    rng = random.Random(0)
    X = [[[rng.gauss(0.0, 1.0) for _ in range(4)] for _ in range(steps)] for _ in range(m)]
    y = [[rng.gauss(0.0, 1.0)] for _ in range(m)]
    norms = {kind.__name__: gradient_by_steps_back(kind, X, y, 32) for kind in (RNN, LSTM)}

    print("{} random sequences of {} steps, the loss at the last step only".format(m, steps))
    print("steps back k   ‖∂E/∂x‖ RNN   ‖∂E/∂x‖ LSTM")
    for k in range(steps):
        if k in (0, 1, 2, 5) or k % 10 == 9 or k == steps - 1:
            print("{:>11}   {:11.2e}   {:12.2e}".format(k, norms["RNN"][k], norms["LSTM"][k]))
    far = steps - 1
    drop = {name: values[far] / values[0] for name, values in norms.items()}

    os.makedirs(args.out, exist_ok=True)
    pictures.line_chart({name: [(k, v) for k, v in enumerate(values)] for name, values in norms.items()},
                        logy=True, xlabel="steps back, k", ylabel="‖∂E/∂x_(T−k)‖",
                        title="Gradient reaching the input k steps back"
                        ).save(os.path.join(args.out, "gradient_by_steps_back.svg"))
    print("pictures written to {}: gradient_by_steps_back.svg".format(args.out))

    print("\nclaim: backprop through time shrinks a plain RNN's gradient at every step back; the LSTM's cell "
          "state keeps it   got: {} steps back / last step = {:.1e} (RNN) vs {:.1e} (LSTM)".format(
              far, drop["RNN"], drop["LSTM"]))
    assert drop["RNN"] < 1e-2 and drop["LSTM"] > 10 * drop["RNN"], \
        "the RNN's gradient should vanish much faster than the LSTM's"
    return 0


if __name__ == "__main__":
    sys.exit(main())
