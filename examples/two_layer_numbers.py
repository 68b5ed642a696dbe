"""A two-layer ReLU net f = W2·max(0, W1·x) on random numbers, by plain gradient descent.

The classic first exercise: N = 64 random inputs of D_in = 1000 numbers and
random targets of D_out = 10 numbers, and a network with H = 100 ReLU hidden
units.  Every step is one forward pass over all 64 samples, one backward pass,
and w ← w − η·∂E/∂w (full-batch gradient descent, ``batch_size=None``).
There is nothing to learn here, only to memorise: the point is to watch the
loss fall step by step.

tinynet's Dense layers always have a bias b; it starts at 0 and is trained
along with W, so this is f = W2·max(0, W1·x + b1) + b2 (the exercise has no
biases; they change nothing important here).

    python examples/two_layer_numbers.py [--quick] [--out FOLDER] [--steps 50]
"""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Network, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "two_layer_numbers"
N, D_in, H, D_out = 64, 1000, 100, 10


def parse(argv):
    parser = example_parser(NAME, __doc__, "5 steps only (a fast check)")
    parser.add_argument("--steps", type=int, default=50, help="gradient descent steps (default 50)")
    parser.add_argument("--lr", type=float, default=0.02, help="learning rate eta (default 0.02)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    steps = 5 if args.quick else args.steps
    rng = random.Random(0)
    X = [[rng.gauss(0.0, 1.0) for _ in range(D_in)] for _ in range(N)]
    Y = [[rng.gauss(0.0, 1.0) for _ in range(D_out)] for _ in range(N)]
    net = Network([Dense(D_in, H, "relu"), Dense(H, D_out, "linear")], loss="squared_error", seed=0)
    print(net.summary())
    print("E = 1/2 * sum_k (f_k(x) - y_k)^2, averaged over the {} samples; each step prints the loss "
          "it starts from".format(N))

    losses = []
    for step in range(1, steps + 1):
        # one epoch of one full batch = one step of gradient descent
        history = net.fit(X, Y, epochs=1, batch_size=None, optimizer="sgd", lr=args.lr, shuffle=False, verbose=0)
        losses.append(history["loss"][0])
        print("step {:>3}: loss {:.4f}".format(step, losses[-1]))
    final = net.evaluate(X, Y)["loss"]
    print("after {} steps: loss {:.4f}".format(steps, final))

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "loss.svg")
    pictures.line_chart({"loss": losses}, title="Two-layer net on random data: loss per step",
                        xlabel="step", ylabel="loss", logy=True).save(path)
    print("picture written: {}".format(path))

    print("claim: the loss falls with every step   got: {:.4f} -> {:.4f} in {} steps".format(losses[0], final, steps))
    assert all(a > b for a, b in zip(losses, losses[1:] + [final])), "the loss should fall at every step"
    return 0


if __name__ == "__main__":
    sys.exit(main())
