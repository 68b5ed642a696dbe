"""Boston house prices: a hidden layer against a plain linear model, RMSE in $1000s.

Regression with a network: 12 standardised features → hidden units → one
linear output, trained on the squared error ½·(a − t)².  The comparison is a
linear model, the same network with no hidden layer (Dense(12, 1, "linear")),
trained the same way (plain SGD, η = 0.005, batches of 16, same epochs and seed).
The mean and standard deviation used for standardising come from the
training rows only, so the test rows stay unseen.

    python examples/boston_regression.py [--quick] [--out FOLDER] [--hidden 32]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Network, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "boston_regression"


def parse(argv):
    parser = example_parser(NAME, __doc__)
    parser.add_argument("--hidden", type=int, default=32, help="hidden units (default 32)")
    parser.add_argument("--include-B", action="store_true", help="keep the B column (13 features)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    data = datasets.load_boston(include_B=args.include_B)
    if not args.include_B:
        print("Column B is left out: it encodes a racially motivated assumption about Black residents "
              "(--include-B keeps it).")
    X_train, X_test, y_train, y_test = datasets.train_test_split(data.X, data.y, test_fraction=0.2, seed=0)
    scaler = datasets.Standardizer().fit(X_train)                 # fitted on the training rows only
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    n = len(X_train[0])
    print("{} training and {} test houses, {} features, target MEDV in $1000s".format(
        len(X_train), len(X_test), n))

    models = {
        "linear model ({} -> 1)".format(n): Network([Dense(n, 1, "linear")], seed=0),
        "hidden layer ({} -> {} relu -> 1)".format(n, args.hidden): Network(
            [Dense(n, args.hidden, "relu"), Dense(args.hidden, 1, "linear")], seed=0),
    }
    epochs = 40 if args.quick else 200
    curves, rmse = {}, {}
    for name, net in models.items():
        history = net.fit(X_train, y_train, epochs=epochs, batch_size=16, optimizer="sgd", lr=0.005,
                          validation_data=(X_test, y_test), verbose=0)
        rmse[name] = net.evaluate(X_test, y_test)["rmse"]
        print("{:<34} training RMSE {:5.2f}   test RMSE {:5.2f}  ($1000s)".format(
            name, net.evaluate(X_train, y_train)["rmse"], rmse[name]))
        short = name.split(" (")[0]
        curves[short + ": training"] = history["loss"]
        curves[short + ": test"] = history["val_loss"]

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "loss_curves.svg")
    pictures.line_chart(curves, title="Boston: loss 1/2(a - t)^2 per epoch", xlabel="epoch",
                        ylabel="loss", logy=True, width=760).save(path)
    print("picture written: {}".format(path))

    linear, hidden = rmse.values()
    print("claim: the hidden layer predicts prices better than a linear model   got: test RMSE "
          "{:.2f} vs {:.2f} ($1000s)".format(hidden, linear))
    assert hidden < linear, "the hidden layer should have the lower test RMSE"
    return 0


if __name__ == "__main__":
    sys.exit(main())
