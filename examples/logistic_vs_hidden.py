"""Logistic regression is a network with no hidden layer; a hidden layer bends its boundary.

Logistic regression is one sigmoid neuron, a = σ(w·x + b), trained with the
logistic loss: Dense(2, 1, "sigmoid").  Its decision boundary, a = 0.5, is
where w·x + b = 0: a straight line, whatever the training does.  Two moons
cannot be split by a line.  Put one hidden layer of 8 tanh units in front and
the same output neuron sees bent features: the boundary curves around the moons.

    python examples/logistic_vs_hidden.py [--quick] [--out FOLDER]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Network, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "logistic_vs_hidden"


def parse(argv):
    return example_parser(NAME, __doc__).parse_args(argv)


def main(argv=None):
    args = parse(argv)
    X, y = datasets.two_moons(n=400, noise=0.15, seed=0)
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_fraction=0.25, seed=0)
    epochs = 80 if args.quick else 200
    models = {
        "logistic regression (2 -> 1)": Network([Dense(2, 1, "sigmoid")], loss="logistic", seed=0),
        "one hidden layer (2 -> 8 tanh -> 1)": Network([Dense(2, 8, "tanh"), Dense(8, 1, "sigmoid")],
                                                       loss="logistic", seed=0),
    }
    os.makedirs(args.out, exist_ok=True)
    accuracy = {}
    for (name, net), filename in zip(models.items(), ["logistic.svg", "hidden.svg"]):
        net.fit(X_train, y_train, epochs=epochs, batch_size=16, optimizer="adam", lr=0.02, verbose=0)
        train, test = net.evaluate(X_train, y_train)["accuracy"], net.evaluate(X_test, y_test)["accuracy"]
        accuracy[name] = test
        print("{:<36} training accuracy {:6.1%}   test accuracy {:6.1%}".format(name, train, test))
        picture = pictures.decision_boundary(lambda P: [a for (a,) in net.predict(P)], X_test, y_test,
                                             title="{}: test accuracy {:.1%}".format(name, test))
        picture.save(os.path.join(args.out, filename))
    print("pictures written to {}: logistic.svg, hidden.svg".format(args.out))

    W, b = models["logistic regression (2 -> 1)"].get_weights()[0]
    print("the logistic boundary is the straight line {:.2f}*x1 {:+.2f}*x2 {:+.2f} = 0".format(W[0][0], W[0][1], b[0]))
    linear, hidden = accuracy.values()
    print("claim: the hidden layer wins on two moons   got: test accuracy {:.1%} (hidden) vs {:.1%} (logistic)"
          .format(hidden, linear))
    assert hidden > linear + 0.05, "the hidden layer should beat logistic regression clearly"
    return 0


if __name__ == "__main__":
    sys.exit(main())
