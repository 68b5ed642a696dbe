"""XOR: no straight line separates it, one hidden layer of 4 tanh units learns it.

The four corners of the unit square, labelled 1 where exactly one input is 1.
A single neuron draws one straight line, and no line puts (0,1) and (1,0) on
one side and (0,0) and (1,1) on the other.  A 2-4-1 network (tanh hidden
units, a sigmoid output, the logistic loss) bends the boundary and gets all
four right.

    python examples/xor.py [--quick] [--out FOLDER]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Network, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "xor"


def parse(argv):
    return example_parser(NAME, __doc__).parse_args(argv)


def main(argv=None):
    args = parse(argv)
    X, y = datasets.xor()
    net = Network([Dense(2, 4, "tanh"), Dense(4, 1, "sigmoid")], loss="logistic", seed=0)
    epochs = 300 if args.quick else 1000
    history = net.fit(X, y, epochs=epochs, batch_size=None, optimizer="sgd", lr=0.5, verbose=0)

    print("x1 x2  target  network output")
    for x, t, (a,) in zip(X, y, net.predict(X)):
        print("{:2.0f} {:2.0f}  {:6d}  {:14.3f}".format(x[0], x[1], t, a))
    accuracy = net.evaluate(X, y)["accuracy"]
    print("loss after {} epochs of full-batch gradient descent: {:.4f}".format(history.epochs, history["loss"][-1]))

    os.makedirs(args.out, exist_ok=True)
    paths = {
        "boundary.svg": pictures.decision_boundary(lambda P: [a for (a,) in net.predict(P)], X, y,
                                                   title="XOR learned by a 2-4-1 network"),
        "network.svg": net.plot("The trained 2-4-1 network"),
        "loss.svg": history.plot("XOR: loss per epoch"),
    }
    for name, picture in paths.items():
        picture.save(os.path.join(args.out, name))
    print("pictures written to {}: {}".format(args.out, ", ".join(paths)))

    print("claim: a 2-4-1 network gets XOR 100% right   got: {:.0%}".format(accuracy))
    assert accuracy == 1.0, "XOR not learned"
    return 0


if __name__ == "__main__":
    sys.exit(main())
