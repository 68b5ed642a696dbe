"""Does pre-training a deep belief net help when only 500 digits are labelled?

The lecture's history of deep learning: in 2006, networks started from RBMs
trained layer by layer without labels (a deep belief net), then fine-tuned
with backpropagation -- and it notes that the gain over plain gradient
descent did not always seem large. Here it is measured.

All 4,649 training digits are used without their labels to pre-train a
DBN 256 → 100 → 100 (two RBMs, each CD-1 for 10 epochs on the features of
the one below, the lecture's initialisation). ``to_network`` unrolls it into
a Network 256 → 100 → 100 → 10 (sigmoid, then a new softmax layer), and
backpropagation fine-tunes it on 500 labelled digits only. The same network
from a random (Xavier) initialisation is trained the same way on the same
500 digits. Each of 5 seeds draws its own 500 labelled digits, its own
pre-training samples and its own initial weights; the mean and the spread
of the test accuracy (all 4,649 held-out digits) are reported, whichever
way they fall.

    python examples/dbn_pretraining.py [--quick] [--out FOLDER] [--backend opencl]
"""

import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Network, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402
from tinynet.unsupervised import DBN  # noqa: E402

NAME = "dbn_pretraining"


def parse(argv):
    parser = example_parser(NAME, __doc__, "150 unlabelled, 100 labelled, 2 seeds, small layers (a fast check)")
    parser.add_argument("--seeds", type=int, default=5, help="runs with different seeds (default 5)")
    return parser.parse_args(argv)


def fine_tune(net, X, y, X_test, y_test, epochs):
    history = net.fit(X, y, epochs=epochs, batch_size=20, optimizer="momentum", lr=0.1, verbose=0,
                      validation_data=(X_test, y_test))
    return net.evaluate(X_test, y_test)["accuracy"], history


def main(argv=None):
    args = parse(argv)
    data = datasets.load_digits16()
    X, y, X_test, y_test = data.X, data.y, data.X_test, data.y_test
    sizes, labelled, pre_epochs, epochs, seeds = [256, 100, 100], 500, 10, 100, args.seeds
    if args.quick:
        X, y, X_test, y_test = X[:150], y[:150], X_test[:100], y_test[:100]
        sizes, labelled, pre_epochs, epochs, seeds = [256, 24, 24], 100, 3, 10, 2
    print("pre-training on {} digits without labels; fine-tuning on {} labelled; {} test digits; "
          "{} seeds".format(len(X), labelled, len(X_test), seeds))
    scores = {"pre-trained DBN": [], "random initialisation": []}
    curves = {}
    start = time.perf_counter()
    for seed in range(seeds):
        chosen = random.Random("labelled-{}".format(seed)).sample(range(len(X)), labelled)
        X_l, y_l = [X[i] for i in chosen], [y[i] for i in chosen]
        dbn = DBN(sizes, seed=100 * seed, backend=args.backend)
        dbn.fit(X, epochs=pre_epochs, batch_size=10, lr=0.05, momentum=0.5, weight_decay=0.0002)
        pretrained = dbn.to_network(10, seed=seed)
        layers = [Dense(a, b, "sigmoid") for a, b in zip(sizes, sizes[1:])] + [Dense(sizes[-1], 10, "softmax")]
        plain = Network(layers, loss="cross_entropy", seed=seed, backend=args.backend)
        for name, net in (("pre-trained DBN", pretrained), ("random initialisation", plain)):
            accuracy, history = fine_tune(net, X_l, y_l, X_test, y_test, epochs)
            scores[name].append(accuracy)
            curves.setdefault(name, history["val_accuracy"])
        print("seed {}: pre-trained {:.1%}, random initialisation {:.1%}  ({:.0f} s so far)".format(
            seed, scores["pre-trained DBN"][-1], scores["random initialisation"][-1], time.perf_counter() - start))

    summary = {}
    for name, values in scores.items():
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        summary[name] = (statistics.mean(values), spread)
        print("{:<22} test accuracy {:.1%} ± {:.1%} (mean ± standard deviation over {} seeds; min {:.1%}, "
              "max {:.1%})".format(name, summary[name][0], spread, len(values), min(values), max(values)))

    os.makedirs(args.out, exist_ok=True)
    picture = pictures.line_chart({"{} (seed 0)".format(k): [100 * a for a in v] for k, v in curves.items()},
                                  title="Test accuracy while fine-tuning on {} labelled digits".format(labelled),
                                  xlabel="epoch", ylabel="% test digits right")
    picture.save(os.path.join(args.out, "fine_tuning.svg"))
    print("\npictures written to {}: fine_tuning.svg".format(args.out))

    gain = summary["pre-trained DBN"][0] - summary["random initialisation"][0]
    print("\nclaim: networks started from RBMs (2006) began deep learning, though the lecture notes the gain "
          "over plain gradient descent did not always seem large   "
          "got: pre-training {} the mean test accuracy by {:.1f} percentage points ({:.1%} against {:.1%}) "
          "with {} labels".format("raised" if gain > 0 else "lowered", abs(100 * gain),
                                  summary["pre-trained DBN"][0], summary["random initialisation"][0], labelled))
    chance = 0.1
    assert min(min(values) for values in scores.values()) > 1.5 * chance, "both should learn from the labels"
    return 0


if __name__ == "__main__":
    sys.exit(main())
